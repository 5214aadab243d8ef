"""Escape hatches: add any object (Manifest) or YAML file (Include) to a blueprint."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any, NoReturn

from netkit.errors import ConstructError
from netkit.inputs.manifests import read_file
from netkit.k8s.kinds import is_cluster_scoped
from netkit.k8s.names import kind_errors
from netkit.tree import Construct

_MAX_DEPTH = 100
_DATA_HINT = "use only str, int, float, bool, None, lists and dicts with string keys"


def plain(value: object, where: str, field: str = "", _seen: tuple[int, ...] = ()) -> Any:
    """A copy of ``value`` as plain YAML data (enum members become their values); any
    other type, a non-string key, a cycle or deep nesting is a ConstructError."""
    def fail(problem: str, hint: str = _DATA_HINT) -> NoReturn:
        raise ConstructError(where, problem, field=field or None, hint=hint)

    if value is None or isinstance(value, bool) or type(value) in (date, datetime):
        return value  # immutable; dates come from unquoted YAML timestamps
    # Exact types, which the YAML dumper knows: a str or int enum member becomes its value.
    if isinstance(value, str):
        return str.__str__(value)
    if isinstance(value, int):
        return int.__int__(value)
    if isinstance(value, float):
        return float.__float__(value)
    if not isinstance(value, Mapping | list | tuple):
        fail(f"a value of type {type(value).__name__} is not YAML data")
    if id(value) in _seen:
        fail("the value contains itself", hint="build the object from dicts and lists "
                                               "without cycles")
    if len(_seen) >= _MAX_DEPTH:
        fail(f"nested deeper than {_MAX_DEPTH} levels", hint="flatten the object")
    seen = (*_seen, id(value))
    if not isinstance(value, Mapping):
        return [plain(v, where, f"{field}[{i}]", seen) for i, v in enumerate(value)]
    out = {}
    for key, item in value.items():
        if not isinstance(key, str):
            fail(f"key {key!r} ({type(key).__name__}) is not a string")
        out[str.__str__(key)] = plain(item, where, f"{field}.{key}" if field else key, seen)
    return out


def checked_object(obj: object, where: str, namespace: str | None,
                   namespaced: bool | None = None) -> dict[str, Any]:
    """A copy of ``obj`` checked for apiVersion/kind/name, with its namespace filled in."""
    if not isinstance(obj, Mapping):
        raise ConstructError(where, f"expected a mapping, got {type(obj).__name__}",
                             hint="pass a dict with apiVersion, kind and metadata")
    out: dict[str, Any] = plain(obj, where)
    for key in ("apiVersion", "kind"):
        if not isinstance(out.get(key), str) or not out[key]:
            raise ConstructError(where, f"object has no {key}", field=key,
                                 hint="every Kubernetes object needs apiVersion and kind")
    if errs := kind_errors(kind := out["kind"]):
        raise ConstructError(where, f"kind {kind[:63]!r}{'...' * (len(kind) > 63)} is invalid: "
                             f"{errs[0]}", field="kind",
                             hint="use the kind of the resource, like ConfigMap")
    md = out.get("metadata")
    if not isinstance(md, dict) or not isinstance(md.get("name"), str) or not md["name"]:
        raise ConstructError(where, f"{out['kind']} has no metadata.name",
                             field="metadata.name", hint="give the object a name")
    is_namespaced = not is_cluster_scoped(out["kind"]) if namespaced is None else namespaced
    if is_namespaced and "namespace" not in md:
        if namespace is None:
            raise ConstructError(where, f"namespaced {out['kind']} has no metadata.namespace",
                                 field="metadata.namespace",
                                 hint="set metadata.namespace or add it inside a namespace "
                                      "construct")
        md["namespace"] = namespace
    if not is_namespaced and "namespace" in md:
        raise ConstructError(where, f"cluster-scoped {out['kind']} must not have a namespace",
                             field="metadata.namespace",
                             hint="remove metadata.namespace, or pass namespaced=True for a "
                                  "namespaced custom kind")
    return out


class Manifest(Construct):
    """Any Kubernetes object, added to the blueprint as given."""

    def __init__(self, scope: Construct, id: str, obj: Mapping[str, Any], *,
                 namespaced: bool | None = None) -> None:
        super().__init__(scope, id)
        self.obj = checked_object(obj, self.display_path, scope.namespace(), namespaced)


class Include(Construct):
    """Every object of a YAML file (relative paths resolve against the calling module)."""

    def __init__(self, scope: Construct, id: str, path: str | Path) -> None:
        super().__init__(scope, id)
        file = Path(path)
        if not file.is_absolute():
            file = (Path(self.site[0]).parent if self.site else Path.cwd()) / file
        self.path = file
        self.objects = [checked_object(o.obj, f"{o.file}:{o.line}", scope.namespace())
                        for o in read_file(file)]
