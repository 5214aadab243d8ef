"""Calico staged policies back to the NetworkPolicies they stage: a namespace whose policies
are all StagedKubernetesNetworkPolicies (``stagedAction: Set``) imports as staged, and what
of it is kept as a Manifest is staged again."""

from __future__ import annotations

import dataclasses

from netkit.k8s.calico import GROUP, STAGED_KUBERNETES_KIND
from netkit.objects import KubeObject

POLICY_API = "networking.k8s.io/v1"


def _is_staged_set(obj: KubeObject) -> bool:
    return (obj.kind == STAGED_KUBERNETES_KIND and obj.api_version.startswith(f"{GROUP}/")
            and obj.spec.get("stagedAction") == "Set")


def _is_policy(obj: KubeObject) -> bool:
    return (obj.kind == "NetworkPolicy" and obj.api_version == POLICY_API) or (
        obj.kind == STAGED_KUBERNETES_KIND and obj.api_version.startswith(f"{GROUP}/"))


def unstaged(objects: list[KubeObject]) -> tuple[list[KubeObject], set[str]]:
    """``objects`` with the staged policies of fully staged namespaces as NetworkPolicies,
    and those namespaces (a namespace mixing staged and enforced policies keeps them as they
    are: one enforcement stands for a namespace)."""
    by_namespace: dict[str, list[KubeObject]] = {}
    for o in objects:
        if _is_policy(o):
            by_namespace.setdefault(o.namespace, []).append(o)
    staged = {ns for ns, policies in by_namespace.items() if all(map(_is_staged_set, policies))}
    out = []
    for o in objects:
        if _is_staged_set(o) and o.namespace in staged:
            spec = {k: v for k, v in o.spec.items() if k != "stagedAction"}
            o = dataclasses.replace(o, obj={"apiVersion": POLICY_API, "kind": "NetworkPolicy",
                                            "metadata": o.metadata, "spec": spec})
        out.append(o)
    return out, staged

