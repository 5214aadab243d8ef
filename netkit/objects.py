"""KubeObject: a Kubernetes object as a dict, and where it came from."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from netkit.k8s.kinds import is_cluster_scoped

if TYPE_CHECKING:
    from netkit.target import Target


def as_dict(value: object) -> dict[str, Any]:
    """``value`` if it is a mapping, else empty: for fields no schema has checked."""
    return value if isinstance(value, dict) else {}


def as_list(value: object) -> list[Any]:
    """``value`` if it is a list, else empty: for fields no schema has checked."""
    return value if isinstance(value, list) else []


@dataclass
class KubeObject:
    """One object, read from ``file``:``line`` or made by construct ``origin`` of
    ``blueprint`` for ``target``."""

    obj: dict[str, Any]
    file: str | None = None
    line: int | None = None
    origin: str | None = None
    blueprint: str | None = None
    target: Target | None = None
    site: tuple[str, int] | None = None  # where the blueprint made ``origin``: file, line

    @property
    def kind(self) -> str:
        """The object's kind."""
        return str(self.obj.get("kind") or "")

    @property
    def api_version(self) -> str:
        """The object's apiVersion."""
        return str(self.obj.get("apiVersion") or "")

    @property
    def metadata(self) -> dict[str, Any]:
        """metadata (empty when absent or not a mapping)."""
        return as_dict(self.obj.get("metadata"))

    @property
    def name(self) -> str:
        """metadata.name."""
        return str(self.metadata.get("name") or "")

    @property
    def namespace(self) -> str:
        """metadata.namespace; ``default`` for a namespaced object without one, empty for
        cluster-scoped kinds (as the API server places them)."""
        ns = self.metadata.get("namespace")
        if ns:
            return str(ns)
        return "" if is_cluster_scoped(self.kind) else "default"

    @property
    def ref(self) -> str:
        """``Kind/namespace/name`` or ``Kind/name``."""
        ns = self.namespace
        return f"{self.kind}/{ns}/{self.name}" if ns else f"{self.kind}/{self.name}"

    @property
    def annotations(self) -> dict[str, Any]:
        """metadata.annotations (empty when absent)."""
        return as_dict(self.metadata.get("annotations"))

    @property
    def spec(self) -> dict[str, Any]:
        """spec (empty when absent or not a mapping)."""
        return as_dict(self.obj.get("spec"))


def as_objects(objects: Iterable[dict[str, Any] | KubeObject]) -> list[KubeObject]:
    """KubeObjects from KubeObjects or plain dicts (which have no source)."""
    return [o if isinstance(o, KubeObject) else KubeObject(o) for o in objects]
