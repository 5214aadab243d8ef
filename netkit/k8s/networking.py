"""Builders for networking.k8s.io/v1 NetworkPolicy and its parts."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from netkit.k8s.meta import NAMESPACE_NAME_LABEL, meta


def effective_policy_types(spec: Mapping[str, Any]) -> list[str]:
    """policyTypes as the apiserver defaults them: Ingress, plus Egress only when egress
    rules are present (an empty ``egress: []`` is not)."""
    if spec.get("policyTypes"):
        return list(spec["policyTypes"])
    return ["Ingress", "Egress"] if spec.get("egress") else ["Ingress"]


def selector(match_labels: Mapping[str, str] | None = None) -> dict[str, Any]:
    """A LabelSelector; ``{}`` selects everything."""
    return {"matchLabels": dict(match_labels)} if match_labels else {}


def namespace_selector(name: str) -> dict[str, Any]:
    """A selector for the one namespace named ``name``."""
    return selector({NAMESPACE_NAME_LABEL: name})


def policy_port(port: int | str | None = None, *, protocol: str = "TCP",
                end_port: int | None = None) -> dict[str, Any]:
    """One NetworkPolicyPort; no port means every port of the protocol."""
    out: dict[str, Any] = {"protocol": protocol}
    if port is not None:
        out["port"] = port
    if end_port is not None:
        out["endPort"] = end_port
    return out


def pod_peer(pods: Mapping[str, str] | None, *, namespace: str | None = None) -> dict[str, Any]:
    """A peer: pods by label (``None`` = any pod), optionally in one other namespace."""
    out: dict[str, Any] = {}
    if namespace is not None:
        out["namespaceSelector"] = namespace_selector(namespace)
    if pods is not None or namespace is None:
        out["podSelector"] = selector(pods)
    return out


def ip_peer(cidr: str, excepts: Sequence[str] = ()) -> dict[str, Any]:
    """A peer for addresses in ``cidr`` minus ``excepts``."""
    block: dict[str, Any] = {"cidr": cidr}
    if excepts:
        block["except"] = list(excepts)
    return {"ipBlock": block}


def rule(peers: Sequence[dict[str, Any]], ports: Sequence[dict[str, Any]], *,
         direction: str) -> dict[str, Any]:
    """An ingress (``from``) or egress (``to``) rule; empty lists are left out."""
    out: dict[str, Any] = {}
    if peers:
        out["from" if direction == "ingress" else "to"] = list(peers)
    if ports:
        out["ports"] = list(ports)
    return out


def network_policy(name: str, namespace: str, *, pod_selector: Mapping[str, str] | None,
                   policy_types: Sequence[str], ingress: Sequence[dict[str, Any]] | None = None,
                   egress: Sequence[dict[str, Any]] | None = None,
                   labels: Mapping[str, object] | None = None,
                   annotations: Mapping[str, object] | None = None) -> dict[str, Any]:
    """A NetworkPolicy with explicit policyTypes; ``ingress=[]`` with type Ingress denies."""
    spec: dict[str, Any] = {"podSelector": selector(pod_selector),
                            "policyTypes": list(policy_types)}
    if ingress is not None:
        spec["ingress"] = list(ingress)
    if egress is not None:
        spec["egress"] = list(egress)
    return {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
            "metadata": meta(name, namespace, labels=labels, annotations=annotations),
            "spec": spec}
