"""Builders for CiliumNetworkPolicy (cilium.io/v2)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from netkit.k8s.meta import meta


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
    return {"apiVersion": "cilium.io/v2", "kind": "CiliumNetworkPolicy",
            "metadata": meta(name, namespace),
            "spec": {"endpointSelector": {"matchLabels": dict(pods)}, "egress": egress}}


def entity_ingress_policy(name: str, namespace: str, *, pods: Mapping[str, str], entity: str,
                          ports: Sequence[tuple[int, str]]) -> dict[str, Any]:
    """Ingress to ``pods`` from the Cilium ``entity`` on ``ports`` ((port, protocol))."""
    to_ports = [{"port": str(port), "protocol": protocol} for port, protocol in ports]
    return {"apiVersion": "cilium.io/v2", "kind": "CiliumNetworkPolicy",
            "metadata": meta(name, namespace),
            "spec": {"endpointSelector": {"matchLabels": dict(pods)},
                     "ingress": [{"fromEntities": [entity], "toPorts": [{"ports": to_ports}]}]}}
