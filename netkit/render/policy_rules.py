"""Assemble NetworkPolicy rules from flows: merged per selected pods and direction."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from netkit.capabilities import PROXIES_BESIDE_GATEWAY, require_end_port
from netkit.constructs.flows import EdgePeer, Endpoint, Flow, PortSpec
from netkit.constructs.workload import Workload
from netkit.errors import ConstructError
from netkit.k8s import networking as np
from netkit.render.remote_peers import remote_cluster
from netkit.spec import AnyPodIn, CidrPeer
from netkit.target import Target

ALL_PODS = "all-pods"
_peer_key = json.JSONEncoder(sort_keys=True).encode  # made once: dumps makes one per call


@dataclass
class RuleSet:
    """Peers of one policy, each with its ports (``None``: every port and protocol)."""

    peers: dict[str, tuple[dict[str, Any], list[PortSpec] | None]] = field(default_factory=dict)

    def add(self, peer: dict[str, Any], ports: tuple[PortSpec, ...]) -> None:
        """Allow ``peer`` on ``ports`` too."""
        key = _peer_key(peer)
        _, known = self.peers.get(key, (peer, []))
        merged = None if known is None or not ports else _merge(known, ports)
        self.peers[key] = (peer, merged)

    def rules(self, direction: str) -> list[dict[str, Any]]:
        """The policy's rules: one per distinct port set, listing every peer it admits."""
        by_ports: dict[tuple[PortSpec, ...] | None, tuple[list[dict[str, Any]], list[PortSpec]]
                       ] = {}
        for peer, ports in self.peers.values():
            key = None if ports is None else tuple(ports)
            by_ports.setdefault(key, ([], list(ports or ())))[0].append(peer)
        return [np.rule(peers, [_port(p) for p in ports], direction=direction)
                for peers, ports in by_ports.values()]


def _merge(known: list[PortSpec], new: Iterable[PortSpec]) -> list[PortSpec]:
    out = list(known)
    for spec in new:
        if spec in out or PortSpec(spec.protocol) in out:
            continue
        if spec.port is None:
            out = [p for p in out if p.protocol != spec.protocol]
        out.append(spec)
    return out


def _port(spec: PortSpec) -> dict[str, Any]:
    return np.policy_port(spec.port, protocol=spec.protocol, end_port=spec.end_port)


@dataclass
class Selected:
    """The pods a policy selects: a workload, or every pod of the namespace."""

    suffix: str
    pods: dict[str, str] | None
    ingress: RuleSet = field(default_factory=RuleSet)
    egress: RuleSet = field(default_factory=RuleSet)


def _selected_key(end: Endpoint, namespace: str, where: str) -> tuple[str, dict[str, str] | None
                                                                     ] | None:
    if isinstance(end, Workload) and end.namespace() == namespace:
        return end.name, end.labels
    if isinstance(end, AnyPodIn) and end.namespace == namespace and end.cluster is None:
        if end.pods is not None:
            raise ConstructError(where, f"any_pod_in({namespace!r}, pods=...) selects pods of a "
                                 "zero-trust namespace by label",
                                 hint="declare those pods with ns.workload() and allow it")
        return ALL_PODS, None
    return None


def peer(end: Endpoint, namespace: str, target: Target) -> dict[str, Any]:
    """The NetworkPolicyPeer for ``end`` as seen from a policy in ``namespace``."""
    if isinstance(end, Workload):
        other = end.namespace()
        return np.pod_peer(end.labels, namespace=None if other == namespace else other)
    if isinstance(end, AnyPodIn):
        if end.namespace == namespace:
            return np.pod_peer(end.pods or {})
        return np.pod_peer(end.pods, namespace=end.namespace)
    if isinstance(end, CidrPeer):
        return np.ip_peer(end.cidr, end.except_)
    if isinstance(end, EdgePeer):
        label = PROXIES_BESIDE_GATEWAY.get(target.gateway)
        if (end.gateway is not None and label is not None and target.ingress == "gateway-api"
                and target.gateway_mode == "dedicated"):
            gw_namespace, gw_name = end.gateway
            return np.pod_peer({label: gw_name},
                               namespace=None if gw_namespace == namespace else gw_namespace)
        return np.pod_peer(None, namespace=target.edge_namespace)
    raise TypeError(f"unknown endpoint {end!r}")


def _pods_namespace(end: Endpoint) -> str | None:
    """The namespace of the pods ``end`` stands for, when a policy there could select them."""
    if isinstance(end, Workload):
        return end.namespace()
    if isinstance(end, AnyPodIn):
        return end.namespace
    return None


def flows_by_namespace(flows: Iterable[Flow]) -> dict[str, list[Flow]]:
    """Namespace → the flows (in order) with an end a policy of that namespace selects."""
    out: dict[str, list[Flow]] = {}
    for flow in flows:
        src, dst = _pods_namespace(flow.src), _pods_namespace(flow.dst)
        for namespace in (src, dst) if src != dst else (src,):
            if namespace is not None:
                out.setdefault(namespace, []).append(flow)
    return out


def allow_policies(namespace: str, flows: Iterable[Flow], target: Target) -> list[dict[str, Any]]:
    """``allow-ingress-<pods>`` / ``allow-egress-<pods>`` policies for ``namespace`` (flows
    without an end there are skipped: :func:`flows_by_namespace` leaves them out at once)."""
    selected: dict[str, Selected] = {}
    for flow in flows:
        for end, other, direction in ((flow.dst, flow.src, "ingress"),
                                      (flow.src, flow.dst, "egress")):
            key = _selected_key(end, namespace, flow.origin)
            if key is None or remote_cluster(other, target) is not None:
                continue
            if any(p.end_port is not None for p in flow.ports):
                require_end_port(target, flow.origin)
            sel = selected.setdefault(key[0], Selected(*key))
            rules = sel.ingress if direction == "ingress" else sel.egress
            rules.add(peer(other, namespace, target), flow.ports)
    policies = []
    for sel in selected.values():
        for direction, rules in (("ingress", sel.ingress), ("egress", sel.egress)):
            if not rules.peers:
                continue
            kind = "Ingress" if direction == "ingress" else "Egress"
            built = rules.rules(direction)
            policies.append(np.network_policy(
                f"allow-{direction}-{sel.suffix}", namespace, pod_selector=sel.pods,
                policy_types=[kind], ingress=built if direction == "ingress" else None,
                egress=built if direction == "egress" else None))
    return policies
