"""Project configuration from ``[tool.netkit]`` in the nearest pyproject.toml."""

from __future__ import annotations

import ipaddress
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainValidator,
    ValidationError,
    field_validator,
)

from netkit.analysis.implied import ClusterParts
from netkit.errors import ConfigError, first_error
from netkit.findings import find_rule
from netkit.gitops.argocd import ArgoCdConfig
from netkit.k8s.core import DEFAULT_NODE_PORTS

if TYPE_CHECKING:
    from netkit.validate.crd_registry import CrdRegistry

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib  # type: ignore[import-not-found, unused-ignore]

DEFAULT_ENV = "prod"
_PARTS = ClusterParts()


def _address(value: object) -> str:
    if isinstance(value, str | int | ipaddress.IPv4Address | ipaddress.IPv6Address) \
            and not isinstance(value, bool):
        try:
            return str(ipaddress.ip_address(value))
        except ValueError as exc:
            raise ValueError(f"{exc}; give an address as 192.0.2.10 or 2001:db8::10") from None
    raise ValueError(f"{value!r} is not an IP address; give one as 192.0.2.10 or 2001:db8::10")


# An IP address (a string, an int or an ipaddress object) in its canonical form; checked here
# rather than as pydantic's IPvAnyAddress: importing pydantic.networks takes every command
# about 12 ms longer to start.
Address = Annotated[str, PlainValidator(_address)]


class ImpliedConfig(BaseModel):
    """The ``[tool.netkit.implied]`` table: the cluster's own parts the analysis implies."""

    model_config = ConfigDict(extra="forbid")

    dns: bool = _PARTS.dns
    dns_namespace: str = _PARTS.dns_namespace
    dns_labels: dict[str, str] = Field(default_factory=lambda: dict(_PARTS.dns_labels),
                                       min_length=1)
    api_server: bool = _PARTS.api_server
    api_server_addresses: list[Address] = []
    api_server_port: int = Field(_PARTS.api_server_port, ge=1, le=65535)

    def parts(self) -> ClusterParts:
        """The analysis's view of this table."""
        return ClusterParts(self.dns, self.dns_namespace, tuple(sorted(self.dns_labels.items())),
                            self.api_server, tuple(self.api_server_addresses),
                            self.api_server_port)


class NetkitConfig(BaseModel):
    """The ``[tool.netkit]`` table; relative paths are resolved against its file."""

    model_config = ConfigDict(extra="forbid")

    blueprints: list[str] = []
    out: str | None = None
    env: str = DEFAULT_ENV
    target: dict[str, str] = {}
    crds: list[str] = []
    gateway_api_channel: Literal["standard", "experimental"] = "standard"
    ignore: list[str] = []
    exclude: list[str] = []
    node_port_range: str = "{}-{}".format(*DEFAULT_NODE_PORTS)
    argocd: ArgoCdConfig | None = None
    implied: ImpliedConfig = Field(default_factory=ImpliedConfig)
    root: Path = Path(".")

    @field_validator("ignore")
    @classmethod
    def _known_rules(cls, ids: list[str]) -> list[str]:
        for rule_id in ids:
            try:
                find_rule(rule_id)
            except ConfigError as exc:
                raise ValueError(f"{exc.message} {rule_id!r}; {exc.hint}") from None
        return ids

    @field_validator("node_port_range")
    @classmethod
    def _port_range(cls, text: str) -> str:
        parse_port_range(text)
        return text

    @property
    def node_ports(self) -> tuple[int, int]:
        """``node_port_range`` as (first, last): the API server's --service-node-port-range."""
        return parse_port_range(self.node_port_range)

    def path(self, value: str) -> Path:
        """``value`` resolved against the directory of the pyproject.toml."""
        return self.root / value

    def crd_registry(self, extra: Sequence[str] = ()) -> CrdRegistry:
        """The bundled CRDs (on the configured Gateway API channel), overridden by those of
        ``[tool.netkit] crds`` and ``extra`` (from the command line)."""
        from netkit.validate.crd_registry import CrdRegistry

        registry = CrdRegistry(gateway_api_channel=self.gateway_api_channel)
        return registry.load([*extra, *(self.path(c) for c in self.crds)])


def parse_port_range(text: str) -> tuple[int, int]:
    """``"30000-32767"`` → (30000, 32767); ValueError unless 1 <= first <= last <= 65535."""
    first, sep, last = text.strip().partition("-")
    if sep and first.strip().isdigit() and last.strip().isdigit():
        low, high = int(first), int(last)
        if 1 <= low <= high <= 65535:
            return low, high
    raise ValueError(f"{text!r} is not a port range like \"30000-32767\"")


def find_pyproject(start: Path) -> Path | None:
    """The nearest pyproject.toml at or above ``start``."""
    for directory in [start, *start.parents]:
        candidate = directory / "pyproject.toml"
        if candidate.is_file():
            return candidate
    return None


def load_config(start: Path | None = None) -> NetkitConfig:
    """``[tool.netkit]`` of the nearest pyproject.toml; defaults when there is none."""
    start = (start or Path.cwd()).resolve()
    pyproject = find_pyproject(start)
    if pyproject is None:
        return NetkitConfig(root=start)
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(str(pyproject), f"cannot read: {exc}",
                          hint="fix the TOML syntax") from None
    table = data.get("tool", {}).get("netkit", {})
    try:
        return NetkitConfig.model_validate({**table, "root": pyproject.parent})
    except ValidationError as exc:
        loc, message = first_error(exc)
        unknown = exc.errors()[0]["type"] == "extra_forbidden"
        keys = ", ".join(k for k in NetkitConfig.model_fields if k != "root")
        raise ConfigError(str(pyproject), f"[tool.netkit] {loc}: {message}",
                          hint=f"keys: {keys}" if unknown else "fix the value") from None
