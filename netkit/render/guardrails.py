"""Renderer for ClusterGuardrails: ClusterNetworkPolicy (network-policy-api) or, on Cilium,
CiliumClusterwideNetworkPolicy."""

from __future__ import annotations

from typing import Any

from netkit.capabilities import CILIUM_CLUSTERWIDE_POLICY, require_cluster_policy
from netkit.constructs.flows import PortSpec
from netkit.constructs.guardrails import ClusterGuardrails, GuardPeer, GuardPolicy, GuardRule
from netkit.k8s.cilium import (
    cilium_selector,
    clusterwide_policy,
    merged,
    namespace_selector,
    to_ports,
)
from netkit.k8s.meta import meta
from netkit.render.context import RenderContext

CNP_GROUP = "policy.networking.k8s.io"


def render_guardrails(guard: ClusterGuardrails, ctx: RenderContext) -> None:
    """Emit one cluster-wide policy per guardrail, in the kind the target's CNI implements."""
    kind = require_cluster_policy(ctx.target, guard.display_path)
    for policy in guard.policies:
        name = guard.policy_name(policy)
        if kind == CILIUM_CLUSTERWIDE_POLICY:
            ctx.emit(guard, cilium_policy(name, policy))
        else:
            ctx.emit(guard, cluster_network_policy(
                name, policy, f"{CNP_GROUP}/{ctx.target.cluster_network_policy_version}"))


def cluster_network_policy(name: str, policy: GuardPolicy, api_version: str
                           ) -> dict[str, Any]:
    """A ClusterNetworkPolicy in ``policy``'s tier and priority."""
    spec: dict[str, Any] = {"tier": policy.tier, "priority": policy.priority,
                            "subject": {"namespaces": policy.subject}}
    for direction in ("ingress", "egress"):
        rules = [_cnp_rule(r) for r in policy.rules if r.direction == direction]
        if rules:
            spec[direction] = rules
    return {"apiVersion": api_version, "kind": "ClusterNetworkPolicy",
            "metadata": meta(name), "spec": spec}


def _cnp_rule(rule: GuardRule) -> dict[str, Any]:
    out: dict[str, Any] = {"name": rule.name, "action": rule.action,
                           "from" if rule.direction == "ingress" else "to":
                           [p for peer in rule.peers for p in _cnp_peers(peer)]}
    if rule.ports:
        out["protocols"] = [_cnp_protocol(p) for p in rule.ports]
    return out


def _cnp_peers(peer: GuardPeer) -> list[dict[str, Any]]:
    if peer.networks:
        return [{"networks": list(peer.networks)}]
    if peer.pods is not None:
        return [{"pods": {"namespaceSelector": peer.namespaces or {},
                          "podSelector": peer.pods}}]
    return [{"namespaces": peer.namespaces or {}}]


def _cnp_protocol(spec: PortSpec) -> dict[str, Any]:
    port: dict[str, Any] = ({"range": {"start": spec.port, "end": spec.end_port}}
                            if spec.end_port is not None else {"number": spec.port})
    return {spec.protocol.lower(): {"destinationPort": port}}


def cilium_policy(name: str, policy: GuardPolicy) -> dict[str, Any]:
    """A CiliumClusterwideNetworkPolicy with ``policy``'s rules.

    Cilium has no tiers: Deny rules become ingressDeny/egressDeny (which win over any allow),
    Accept rules allow without isolating anyone, and the Baseline default deny is an empty
    rule that isolates the subject so only explicit allows pass.
    """
    spec: dict[str, Any] = {"endpointSelector": namespace_selector(policy.subject)}
    if policy.tier == "Baseline":
        directions = sorted({r.direction for r in policy.rules})
        spec["enableDefaultDeny"] = {d: True for d in directions}
        for d in directions:
            spec[d] = [{}]
    else:
        spec["enableDefaultDeny"] = {d: False for d in sorted({r.direction
                                                               for r in policy.rules})}
        for rule in policy.rules:
            key = rule.direction + ("Deny" if rule.action == "Deny" else "")
            spec.setdefault(key, []).extend(_cilium_rules(rule))
    return clusterwide_policy(name, spec)


def _cilium_rules(rule: GuardRule) -> list[dict[str, Any]]:
    prefix = "from" if rule.direction == "ingress" else "to"
    out = []
    for peer in rule.peers:
        if peer.networks:
            body: dict[str, Any] = {f"{prefix}CIDR": list(peer.networks)}
        else:
            body = {f"{prefix}Endpoints": [merged(namespace_selector(peer.namespaces or {}),
                                                  cilium_selector(peer.pods or {}))]}
        if rule.ports:
            body["toPorts"] = to_ports([(p.protocol, p.port, p.end_port) for p in rule.ports])
        out.append(body)
    return out
