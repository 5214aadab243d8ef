"""Suggestions as NetworkPolicies: one per workload and direction that denies today."""

from __future__ import annotations

from typing import Any

from netkit.flows.records import Peer
from netkit.flows.suggest import Port, Suggestion
from netkit.k8s import networking as np
from netkit.k8s.cilium import fqdn_egress_policy
from netkit.k8s.meta import CLUSTER_DNS_POD_LABELS
from netkit.serialize import dump_all

PREFIX = "allow-observed"


def _peer(peer: Peer, seen_from: str) -> dict[str, Any]:
    if peer.is_pod:
        return np.pod_peer(dict(peer.labels),
                           namespace=None if peer.namespace == seen_from else peer.namespace)
    return np.ip_peer(f"{peer.ip}/{128 if ':' in peer.ip else 32}")


def _ports(ports: list[Port]) -> list[dict[str, Any]]:
    return [np.policy_port(n, protocol=p) for p, n in sorted(ports)]


def policies(s: Suggestion) -> list[dict[str, Any]]:
    """``allow-observed-{ingress,egress}-<workload>`` policies admitting exactly the
    openings' denied sides; with a target that allows DNS names, egress to a named address
    becomes a CiliumNetworkPolicy ``toFQDNs`` rule instead."""
    rules: dict[tuple[str, str, str], tuple[Peer, list[dict[str, Any]]]] = {}
    fqdn: dict[tuple[str, str], tuple[Peer, list[tuple[str, int, str]]]] = {}
    for o in s.openings:
        if o.egress and o.src.is_pod:
            if s.fqdn and o.names and not o.dst.is_pod:
                targets = fqdn.setdefault((o.src.namespace, o.src.name), (o.src, []))[1]
                targets += [(name, n, p) for p, n in o.ports for name in o.names]
            else:
                key = (o.src.namespace, o.src.name, "egress")
                rules.setdefault(key, (o.src, []))[1].append(
                    np.rule([_peer(o.dst, o.src.namespace)], _ports(o.ports),
                            direction="egress"))
        if o.ingress and o.dst.is_pod:
            key = (o.dst.namespace, o.dst.name, "ingress")
            rules.setdefault(key, (o.dst, []))[1].append(
                np.rule([_peer(o.src, o.dst.namespace)], _ports(o.ports), direction="ingress"))
    out = []
    for (ns, name, direction), (peer, built) in sorted(rules.items()):
        out.append(np.network_policy(
            f"{PREFIX}-{direction}-{name}", ns, pod_selector=dict(peer.labels),
            policy_types=[direction.capitalize()],
            ingress=built if direction == "ingress" else None,
            egress=built if direction == "egress" else None))
    for (ns, name), (peer, targets) in sorted(fqdn.items()):
        out.append(fqdn_egress_policy(f"{PREFIX}-fqdn-egress-{name}", ns,
                                      pods=dict(peer.labels), targets=sorted(set(targets)),
                                      dns_namespace="kube-system",
                                      dns_pods=dict(CLUSTER_DNS_POD_LABELS)))
    return out


def as_yaml(s: Suggestion) -> str:
    """The policies as one multi-document YAML stream."""
    return dump_all(policies(s))
