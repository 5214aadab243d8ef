"""Flows with a peer in another cluster of a Cilium ClusterMesh: CiliumNetworkPolicies that
select the peer by Cilium's cluster label (NetworkPolicy cannot name a cluster)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from netkit.capabilities import require_cross_cluster
from netkit.constructs.flows import Endpoint, Flow
from netkit.constructs.workload import Workload
from netkit.k8s.cilium import CLUSTER_LABEL, POD_NAMESPACE_LABEL, network_policy, to_ports
from netkit.spec import AnyPodIn
from netkit.target import Target


def remote_cluster(end: Endpoint, target: Target) -> str | None:
    """The other cluster ``end`` lives in, if any."""
    if isinstance(end, AnyPodIn) and end.cluster not in (None, target.cluster):
        return end.cluster
    return None


def remote_policies(namespace: str, flows: Iterable[Flow], target: Target
                    ) -> list[dict[str, Any]]:
    """``allow-remote-<workload>`` CiliumNetworkPolicies for the workloads of ``namespace``
    that talk to pods of other clusters; fails unless the target is a ClusterMesh."""
    specs: dict[str, tuple[Workload, dict[str, list[dict[str, Any]]]]] = {}
    for flow in flows:
        for end, other, direction in ((flow.dst, flow.src, "ingress"),
                                      (flow.src, flow.dst, "egress")):
            cluster = remote_cluster(other, target)
            if cluster is None or not (isinstance(end, Workload)
                                       and end.namespace() == namespace):
                continue
            require_cross_cluster(target, flow.origin, cluster)
            assert isinstance(other, AnyPodIn)
            selector = {CLUSTER_LABEL: cluster, POD_NAMESPACE_LABEL: other.namespace,
                        **{f"k8s:{k}": v for k, v in (other.pods or {}).items()}}
            rule: dict[str, Any] = {("fromEndpoints" if direction == "ingress"
                                     else "toEndpoints"): [{"matchLabels": selector}]}
            if flow.ports and any(p.port is not None for p in flow.ports):
                rule["toPorts"] = to_ports([(p.protocol, p.port, p.end_port)
                                            for p in flow.ports])
            _, rules = specs.setdefault(end.name, (end, {}))
            if rule not in rules.setdefault(direction, []):
                rules[direction].append(rule)
    return [network_policy(f"allow-remote-{name}", namespace,
                           {"endpointSelector": {"matchLabels": dict(w.labels)}, **rules})
            for name, (w, rules) in specs.items()]
