"""Shared input types for constructs: ports, CIDR peers, rate limits and hosts."""

from __future__ import annotations

import functools
import ipaddress
import re
from collections.abc import Mapping, Sequence
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from netkit.errors import ConstructError, NetkitError, first_error
from netkit.k8s import names
from netkit.k8s.names import dns1123_label_errors

Protocol = Literal["TCP", "UDP", "SCTP"]
PROTOCOLS: tuple[Protocol, ...] = ("TCP", "UDP", "SCTP")
PathType = Literal["Prefix", "Exact"]

_HTTP_TOKEN = re.compile(r"[A-Za-z0-9!#$%&'*+\-.^_`|~]+")


class Input(BaseModel):
    """Base of construct inputs: frozen, no unknown fields."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True,
                              defer_build=True)


def parse(model: type[Input], where: str, **values: object) -> Input:
    """Validate construct options with ``model``; the first problem becomes a ConstructError."""
    try:
        return model.model_validate(values)
    except ValidationError as exc:
        field, message = first_error(exc)
        raise ConstructError(where, message, field=field or None,
                             hint=f"see help(netkit.spec.{model.__name__}) for valid values"
                             ) from None


def is_port(value: object) -> bool:
    """Whether ``value`` is a port number, 1-65535."""
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 65535


def check_port_number(value: int) -> int:
    """``value`` if it is a valid port (1-65535); a ValueError for pydantic otherwise."""
    if not is_port(value):
        raise ValueError(f"port {value} is out of range 1-65535")
    return value


def check_port(value: object, where: str, *, field: str | None = "port",
               hint: str = "a TCP/UDP/SCTP port number",
               error: type[NetkitError] = ConstructError) -> int:
    """``value`` if it is a port number, else ``error`` naming ``field``."""
    if not is_port(value):
        raise error(where, f"{field or 'port'} {value!r} is out of range 1-65535", field=field,
                    hint=hint)
    assert isinstance(value, int)
    return value


def check_metadata_map(values: object, where: str, field: str, *, labels: bool,
                       hint: str = "e.g. app.kubernetes.io/part-of: shop") -> dict[str, str]:
    """``values`` as labels (``labels=True``) or annotations: string keys that are qualified
    names, string values (label values valid as such); anything else names ``field``."""
    if values is None:
        return {}
    if not isinstance(values, Mapping):
        raise ConstructError(where, f"{field} must be a mapping, got {type(values).__name__}",
                             field=field, hint=hint)
    out: dict[str, str] = {}
    for key, value in values.items():
        if not isinstance(key, str) or (errs := names.qualified_name_errors(key)):
            problem = errs[0] if isinstance(key, str) else "not a string"
            raise ConstructError(where, f"{field} key {key!r}: {problem}", field=field,
                                 hint=hint)
        if not isinstance(value, str) or (labels and (errs := names.label_value_errors(value))):
            problem = errs[0] if isinstance(value, str) else (
                f"not a string ({type(value).__name__})")
            raise ConstructError(where, f"{field[:-1] if field.endswith('s') else field} "
                                 f"{key}={value!r}: {problem}", field=field, hint=hint)
        out[key] = value
    return out


def check_choice(value: object, choices: Sequence[str], where: str, *, field: str | None,
                 name: str | None = None, error: type[NetkitError] = ConstructError) -> None:
    """Raise ``error`` naming ``field`` unless ``value`` is one of ``choices``."""
    if value not in choices:
        options = ", ".join(choices[:-1]) + f" or {choices[-1]}" if len(choices) > 1 else (
            choices[0])
        raise error(where, f"unknown {name or field} {value!r}", field=field, hint=options)


class WorkloadPort(Input):
    """A named port a workload's pods listen on."""

    port: int
    protocol: Protocol = "TCP"

    _port = field_validator("port")(classmethod(lambda cls, v: check_port_number(v)))


def canonical_network(value: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    """``value`` as a network; host bits set are an error naming the canonical form."""
    try:
        net = ipaddress.ip_network(value, strict=False)
    except ValueError:
        raise ValueError(f"{value!r} is not a CIDR like 10.0.0.0/8") from None
    if str(net) != value:
        raise ValueError(f"{value!r} is not canonical; did you mean {net}?")
    return net


class CidrPeer(Input):
    """Addresses in ``cidr`` except the ``except_`` blocks."""

    cidr: str
    except_: tuple[str, ...] = Field(default=(), alias="except")

    @field_validator("cidr")
    @classmethod
    def _cidr(cls, v: str) -> str:
        canonical_network(v)
        return v

    @model_validator(mode="after")
    def _excepts(self) -> CidrPeer:
        outer = canonical_network(self.cidr)
        for block in self.except_:
            inner = canonical_network(block)
            if inner.version != outer.version or not inner.subnet_of(outer):  # type: ignore[arg-type]
                raise ValueError(f"except {block} is not inside {self.cidr}")
            if inner == outer:
                raise ValueError(f"except {block} removes the whole of {self.cidr}")
        return self


def cidr(block: str, *, except_: tuple[str, ...] | list[str] = ()) -> CidrPeer:
    """A peer for the addresses in ``block`` minus ``except_``."""
    try:
        return CidrPeer(cidr=block, except_=tuple(except_))
    except ValidationError as exc:
        raise ConstructError(f"cidr({block!r})", first_error(exc)[1],
                             hint="use a canonical CIDR") from None


class AnyPodIn(Input):
    """Any pod (or the pods matching ``pods``) in the namespace ``namespace`` (of another
    ``cluster`` of the mesh, when given)."""

    namespace: str
    pods: dict[str, str] | None = None
    cluster: str | None = None

    @field_validator("namespace")
    @classmethod
    def _ns(cls, v: str) -> str:
        if errs := dns1123_label_errors(v):
            raise ValueError(f"namespace {v!r}: {errs[0]}")
        return v

    @field_validator("cluster")
    @classmethod
    def _cluster(cls, v: str | None) -> str | None:
        if v is not None and (errs := dns1123_label_errors(v)):
            raise ValueError(f"cluster {v!r}: {errs[0]}")
        return v


def any_pod_in(namespace: str, pods: dict[str, str] | None = None, *,
               cluster: str | None = None) -> AnyPodIn:
    """A peer for every pod (or the pods labelled ``pods``) of ``namespace``, in this
    cluster or in ``cluster``."""
    try:
        return AnyPodIn(namespace=namespace, pods=pods, cluster=cluster)
    except ValidationError as exc:
        raise ConstructError(f"any_pod_in({namespace!r})", first_error(exc)[1],
                             hint="use a namespace name") from None


class RateLimit(Input):
    """A request rate limit: ``rps`` or ``rpm``, burst, client-IP keying, allowlist.

    ``per_client_ip=None`` keys the limit the way the target's proxy does naturally (see
    ``per_client``); ``True`` or ``False`` insists.
    """

    rps: int | None = None
    rpm: int | None = None
    burst: int | None = None
    per_client_ip: bool | None = None
    allowlist: tuple[str, ...] = ()
    status_code: int | None = None

    @model_validator(mode="after")
    def _check(self) -> RateLimit:
        if (self.rps is None) == (self.rpm is None):
            raise ValueError("give exactly one of rps or rpm")
        rate = self.rps if self.rps is not None else self.rpm
        if rate is None or rate < 1:
            raise ValueError(f"rate must be at least 1, got {rate}")
        if self.burst is not None and self.burst < 1:
            raise ValueError(f"burst must be at least 1, got {self.burst}")
        if not self.limited_cidrs:
            raise ValueError("allowlist covers every IPv4 and IPv6 address, so nothing would "
                             "be limited")
        if self.status_code is not None and not 400 <= self.status_code <= 599:
            raise ValueError(f"status_code {self.status_code} is not a 4xx or 5xx code")
        return self

    @property
    def rate(self) -> int:
        """Requests per unit (see ``unit``)."""
        return self.rps if self.rps is not None else int(self.rpm or 0)

    @property
    def unit(self) -> Literal["Second", "Minute"]:
        """The rate's unit."""
        return "Second" if self.rps is not None else "Minute"

    def per_client(self, natural: bool) -> bool:
        """Whether each client IP gets its own bucket, given the target's natural keying."""
        return natural if self.per_client_ip is None else self.per_client_ip

    @property
    def limited_cidrs(self) -> list[str]:
        """The fewest CIDRs, IPv4 then IPv6, covering every address outside the allowlist."""
        return list(_outside(self.allowlist))


@functools.lru_cache(maxsize=256)
def _outside(allowlist: tuple[str, ...]) -> tuple[str, ...]:
    """The fewest CIDRs, IPv4 then IPv6, covering every address outside ``allowlist`` (many
    services share one allowlist: each is computed once)."""
    holes = [canonical_network(block) for block in allowlist]
    out: list[str] = []
    for everyone in (ipaddress.ip_network("0.0.0.0/0"), ipaddress.ip_network("::/0")):
        left = [everyone]
        for hole in holes:
            left = [piece for net in left for piece in _minus(net, hole)]
        out += [str(net) for net in ipaddress.collapse_addresses(left)]  # type: ignore[type-var]
    return tuple(out)


Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def _minus(net: Network, hole: Network) -> list[Network]:
    """``net`` without the addresses of ``hole``, as CIDRs."""
    if net.version != hole.version or not net.overlaps(hole):
        return [net]
    if net.subnet_of(hole):  # type: ignore[arg-type]
        return []
    return list(net.address_exclude(hole))  # type: ignore[arg-type]


def host_errors(host: str) -> list[str]:
    """Why ``host`` is not a valid route hostname: the apiserver's rules, and fully qualified."""
    if errs := names.host_errors(host):
        return errs
    if "." not in host:
        return ["must be a fully qualified name like shop.example.com"]
    return []


def check_hosts(hosts: Sequence[str], where: str, *, example: str, host_hint: str) -> None:
    """Raise ConstructError unless ``hosts`` is a non-empty list of distinct, valid route
    hostnames (``example`` in the hint of an empty list, ``host_hint`` for a bad host)."""
    if isinstance(hosts, str) or not hosts:
        raise ConstructError(where, "hosts must be a non-empty list", field="hosts",
                             hint=f'e.g. hosts=["{example}"]')
    for host in hosts:
        if errs := host_errors(host):
            raise ConstructError(where, f"host {host!r}: {errs[0]}", field="hosts",
                                 hint=host_hint)
    if len(set(hosts)) != len(hosts):
        raise ConstructError(where, "hosts has duplicates", field="hosts",
                             hint="list each host once")


def check_route_path(path: str, path_type: PathType, where: str) -> None:
    """Raise ConstructError naming ``path`` unless it is a normalized HTTP route path."""
    if not path.startswith("/") or any(c in path for c in " ?#;{}\\"):
        raise ConstructError(where, f"path {path!r} must start with '/' and contain no "
                             "spaces, '?', '#', ';', braces or backslashes", field="path",
                             hint="e.g. '/tea'")
    if path_type == "Prefix" and ("//" in path or "/../" in path or path.endswith("/..")):
        raise ConstructError(where, f"path {path!r} has '//' or '..' segments",
                             field="path", hint="use a normalized path")


def header_name_errors(name: str) -> list[str]:
    """Why ``name`` is not a valid HTTP header name."""
    return [] if _HTTP_TOKEN.fullmatch(name) else ["is not a valid HTTP header name"]
