"""Builders for CiliumNetworkPolicy and CiliumClusterwideNetworkPolicy (cilium.io/v2)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from netkit.k8s.meta import NAMESPACE_NAME_LABEL, meta


def fqdn_egress_policy(name: str, namespace: str, *, pods: Mapping[str, str],
                       targets: Sequence[tuple[str, int, str]], dns_namespace: str,
                       dns_pods: Mapping[str, str]) -> dict[str, Any]:
    """Egress from ``pods`` to DNS names; DNS goes through Cilium's proxy so names resolve."""
    dns_selector = {"k8s:io.kubernetes.pod.namespace": dns_namespace,
                    **{f"k8s:{k}": v for k, v in dns_pods.items()}}
    egress: list[dict[str, Any]] = [{
        "toEndpoints": [{"matchLabels": dns_selector}],
        "toPorts": [{"ports": [{"port": "53", "protocol": "UDP"},
                               {"port": "53", "protocol": "TCP"}],
                     "rules": {"dns": [{"matchPattern": "*"}]}}],
    }]
    for fqdn, port, protocol in targets:
        match = {"matchPattern": fqdn} if fqdn.startswith("*.") else {"matchName": fqdn}
        egress.append({"toFQDNs": [match],
                       "toPorts": [{"ports": [{"port": str(port), "protocol": protocol}]}]})
    return network_policy(name, namespace, {"endpointSelector": {"matchLabels": dict(pods)},
                                            "egress": egress})


POD_NAMESPACE_LABEL = "k8s:io.kubernetes.pod.namespace"
NAMESPACE_LABELS_PREFIX = "k8s:io.cilium.k8s.namespace.labels."
CLUSTER_LABEL = "io.cilium.k8s.policy.cluster"


def cilium_selector(selector: Mapping[str, Any], key: Callable[[str], str] = lambda k: f"k8s:{k}"
                    ) -> dict[str, Any]:
    """A Kubernetes LabelSelector as a Cilium endpoint selector, each key renamed by ``key``
    (pod labels by default: ``k8s:<key>``)."""
    out: dict[str, Any] = {}
    if selector.get("matchLabels"):
        out["matchLabels"] = {key(k): v for k, v in selector["matchLabels"].items()}
    if selector.get("matchExpressions"):
        out["matchExpressions"] = [{**e, "key": key(e["key"])}
                                   for e in selector["matchExpressions"]]
    return out


def namespace_selector(selector: Mapping[str, Any]) -> dict[str, Any]:
    """A namespace LabelSelector as a Cilium endpoint selector of the pods in those
    namespaces (the name label is the pod's namespace; others are namespace labels)."""
    return cilium_selector(selector, lambda k: POD_NAMESPACE_LABEL if k == NAMESPACE_NAME_LABEL
                           else NAMESPACE_LABELS_PREFIX + k)


def merged(*selectors: Mapping[str, Any]) -> dict[str, Any]:
    """One endpoint selector requiring everything each of ``selectors`` requires."""
    out: dict[str, Any] = {}
    for sel in selectors:
        if sel.get("matchLabels"):
            out.setdefault("matchLabels", {}).update(sel["matchLabels"])
        if sel.get("matchExpressions"):
            out.setdefault("matchExpressions", []).extend(sel["matchExpressions"])
    return out


def to_ports(ports: Sequence[tuple[str, int | None, int | None]]) -> list[dict[str, Any]]:
    """``toPorts`` for (protocol, port, end port) triples; a port of None means any port."""
    return [{"ports": [{"port": str(port or 0), "protocol": protocol}
                       | ({"endPort": end} if end is not None else {})
                       for protocol, port, end in ports]}]


def clusterwide_policy(name: str, spec: dict[str, Any]) -> dict[str, Any]:
    """A CiliumClusterwideNetworkPolicy."""
    return {"apiVersion": "cilium.io/v2", "kind": "CiliumClusterwideNetworkPolicy",
            "metadata": meta(name), "spec": spec}


def network_policy(name: str, namespace: str, spec: dict[str, Any]) -> dict[str, Any]:
    """A CiliumNetworkPolicy."""
    return {"apiVersion": "cilium.io/v2", "kind": "CiliumNetworkPolicy",
            "metadata": meta(name, namespace), "spec": spec}


def entity_ingress_policy(name: str, namespace: str, *, pods: Mapping[str, str], entity: str,
                          ports: Sequence[tuple[int, str]]) -> dict[str, Any]:
    """Ingress to ``pods`` from the Cilium ``entity`` on ``ports`` ((port, protocol))."""
    to_ports = [{"port": str(port), "protocol": protocol} for port, protocol in ports]
    return network_policy(name, namespace, {
        "endpointSelector": {"matchLabels": dict(pods)},
        "ingress": [{"fromEntities": [entity], "toPorts": [{"ports": to_ports}]}]})
