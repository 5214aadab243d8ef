"""Staged policies read as the policies they will become once enforced."""

from __future__ import annotations

from collections.abc import Iterable

from netkit.k8s.calico import STAGED_KUBERNETES_KIND, is_staged
from netkit.objects import KubeObject, as_objects


def as_enforced(objects: Iterable[KubeObject]) -> list[KubeObject]:
    """``objects`` with each Calico StagedKubernetesNetworkPolicy turned into the
    NetworkPolicy it stages (``stagedAction: Set``) or removing it (``Delete``)."""
    items = as_objects(objects)
    deleted = {(o.namespace, o.name) for o in items if is_staged(o.obj)
               and o.kind == STAGED_KUBERNETES_KIND and o.spec.get("stagedAction") == "Delete"}
    out = []
    for o in items:
        if o.kind == "NetworkPolicy" and (o.namespace, o.name) in deleted:
            continue
        if is_staged(o.obj) and o.kind == STAGED_KUBERNETES_KIND:
            if o.spec.get("stagedAction", "Set") != "Set":
                continue
            spec = {k: v for k, v in o.spec.items() if k != "stagedAction"}
            md = {k: v for k, v in o.metadata.items() if k in ("name", "namespace", "labels")}
            o = KubeObject({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
                            "metadata": md, "spec": spec}, file=o.file, line=o.line,
                           origin=o.origin, blueprint=o.blueprint, target=o.target)
        out.append(o)
    return out
