"""Escape hatches: add any object (Manifest) or YAML file (Include) to a blueprint."""

from __future__ import annotations

import copy
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from netkit.errors import ConstructError
from netkit.inputs.manifests import read_file
from netkit.k8s.kinds import is_cluster_scoped
from netkit.tree import Construct


def checked_object(obj: object, where: str, namespace: str | None,
                   namespaced: bool | None = None) -> dict[str, Any]:
    """A copy of ``obj`` checked for apiVersion/kind/name, with its namespace filled in."""
    if not isinstance(obj, Mapping):
        raise ConstructError(where, f"expected a mapping, got {type(obj).__name__}",
                             hint="pass a dict with apiVersion, kind and metadata")
    out = copy.deepcopy(dict(obj))
    for key in ("apiVersion", "kind"):
        if not isinstance(out.get(key), str) or not out[key]:
            raise ConstructError(where, f"object has no {key}", field=key,
                                 hint="every Kubernetes object needs apiVersion and kind")
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
            caller = sys._getframe(1).f_globals.get("__file__")
            file = (Path(caller).parent if caller else Path.cwd()) / file
        self.path = file
        self.objects = [checked_object(o.obj, f"{o.file}:{o.line}", scope.namespace())
                        for o in read_file(file)]
