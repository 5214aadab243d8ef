"""Item: an object under validation and where it came from."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from netkit.k8s.kinds import is_cluster_scoped
from netkit.loader import LoadedObject

if TYPE_CHECKING:
    from netkit.render.context import RenderedObject


def as_dict(value: object) -> dict[str, Any]:
    """``value`` if it is a mapping, else empty: for fields no schema has checked."""
    return value if isinstance(value, dict) else {}


def as_list(value: object) -> list[Any]:
    """``value`` if it is a list, else empty: for fields no schema has checked."""
    return value if isinstance(value, list) else []


@dataclass
class Item:
    """One object, with its file:line or construct path when known."""

    obj: dict[str, Any]
    file: str | None = None
    line: int | None = None
    origin: str | None = None

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
        """metadata.namespace, ``default`` for namespaced objects without one."""
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
        spec = self.obj.get("spec")
        return spec if isinstance(spec, dict) else {}


def as_items(objects: Iterable[dict[str, Any] | LoadedObject | RenderedObject | Item]
             ) -> list[Item]:
    """Items from plain dicts, loaded objects (file:line) or rendered objects (construct)."""
    items = []
    for o in objects:
        if isinstance(o, Item):
            items.append(o)
        elif isinstance(o, LoadedObject):
            items.append(Item(o.obj, o.file, o.line))
        elif isinstance(o, dict):
            items.append(Item(o))
        else:  # a RenderedObject (not imported: it would pull in pydantic and the renderers)
            items.append(Item(o.obj, origin=f"{o.blueprint}:{o.origin}"))
    return items
