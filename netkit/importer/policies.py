"""NetworkPolicies to ZeroTrustNamespace allows: what a policy means, as allow() calls where
constructs express exactly the same flows; the rest is kept as it is, re-pointed from the old
ingress controller's namespace to the new gateway's."""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from netkit.importer.plan import (
    AllowPlan,
    AnyPodRef,
    CidrRef,
    DnsPlan,
    NamespacePlan,
    PeerRef,
    WorkloadRef,
)
from netkit.k8s.meta import NAMESPACE_NAME_LABEL
from netkit.k8s.networking import effective_policy_types
from netkit.k8s.selectors import matches
from netkit.objects import KubeObject

PROTOCOLS = ("TCP", "UDP", "SCTP")
EDGE = "edge"


class Untranslatable(Exception):
    """A policy (part) that allow() cannot express; the message says why."""


@dataclass(frozen=True)
class EdgeAllow:
    """The old ingress controller may reach ``workload`` on ``port``/``protocol``."""

    workload: WorkloadRef
    protocol: str
    port: int | str | None
    end_port: int | None


@dataclass(frozen=True)
class Candidate:
    """One allow a policy asks for, from its ``direction``; ``mirrored`` when the other side
    must be asked for too (both ends in zero-trust namespaces)."""

    allow: AllowPlan
    direction: str
    mirrored: bool


@dataclass
class Edge:
    """The ingress controller being replaced and the gateway replacing it."""

    old_namespace: str
    new_namespace: str
    old_labels: dict[str, str] = field(default_factory=dict)

    def is_old(self, peer: Mapping[str, Any]) -> bool:
        """Whether ``peer`` selects (some of) the old controller's pods."""
        ns_sel = peer.get("namespaceSelector")
        if not isinstance(ns_sel, dict) or not ns_sel or ns_sel.get("matchExpressions"):
            return False
        labels = {NAMESPACE_NAME_LABEL: self.old_namespace, **self.old_labels}
        return matches(ns_sel, labels)

    def is_edge(self, peer: Mapping[str, Any]) -> bool:
        """Whether ``peer`` is the old controller or the new gateway's namespace (an input
        already on Gateway API admits the gateway's proxies)."""
        ns_sel = peer.get("namespaceSelector")
        return self.is_old(peer) or (isinstance(ns_sel, dict) and ns_sel == {
            "matchLabels": {NAMESPACE_NAME_LABEL: self.new_namespace}})

    def repointed(self, policy: dict[str, Any]) -> dict[str, Any]:
        """A copy of ``policy`` whose peers in the old controller's namespace name the new
        gateway's namespace (all its pods) instead."""
        out = copy.deepcopy(policy)
        spec = out.get("spec") or {}
        for direction, key in (("ingress", "from"), ("egress", "to")):
            for rule in spec.get(direction) or []:
                peers = rule.get(key) if isinstance(rule, dict) else None
                if not isinstance(peers, list):
                    continue
                for i, peer in enumerate(peers):
                    if isinstance(peer, dict) and self.is_old(peer):
                        peers[i] = {"namespaceSelector": {"matchLabels": {
                            NAMESPACE_NAME_LABEL: self.new_namespace}}}
        return out


def _only_labels(selector: Any, where: str) -> dict[str, str]:
    if not isinstance(selector, dict):
        return {}
    if selector.get("matchExpressions"):
        raise Untranslatable(f"{where} uses matchExpressions")
    return {str(k): str(v) for k, v in (selector.get("matchLabels") or {}).items()}


@dataclass
class Context:
    """What peer resolution needs: the declared namespaces and the edge."""

    namespaces: dict[str, NamespacePlan]
    edge: Edge

    def zero_trust(self, ns: str) -> bool:
        """Whether ``ns`` is a ZeroTrustNamespace of the import."""
        plan = self.namespaces.get(ns)
        return plan is not None and plan.zero_trust

    def workloads(self, ns: str, selector: dict[str, str], where: str
                  ) -> list[WorkloadRef] | list[AnyPodRef]:
        """The declared workloads ``selector`` picks in ``ns`` (at least one), or every pod
        of a zero-trust ``ns`` for an empty selector."""
        if not selector and self.zero_trust(ns):
            return [AnyPodRef(ns)]
        plan = self.namespaces.get(ns)
        found = [w.name for w in (plan.workloads if plan else [])
                 if matches({"matchLabels": selector}, w.labels)] if selector else []
        if not found:
            raise Untranslatable(f"{where} selects no declared workload in {ns} (or every "
                                 "pod); an allow names workloads")
        return [WorkloadRef(ns, name) for name in found]

    def inside(self, end: PeerRef) -> bool:
        """Whether ``end`` is pods of a zero-trust namespace (whose policies netkit renders)."""
        if isinstance(end, WorkloadRef):
            return self.zero_trust(end.namespace)
        return isinstance(end, AnyPodRef) and end.pods is None and self.zero_trust(
            end.namespace)

    def peers(self, raw: Any, ns: str, where: str) -> list[PeerRef] | str:
        """The allow() peers for a NetworkPolicyPeer of a policy in ``ns``, or EDGE."""
        if not isinstance(raw, dict):
            raise Untranslatable(f"{where} is not a mapping")
        block = raw.get("ipBlock")
        if isinstance(block, dict):
            return [CidrRef(str(block.get("cidr")), tuple(str(x) for x in
                                                          block.get("except") or []))]
        if self.edge.is_edge(raw):
            return EDGE
        pods = _only_labels(raw.get("podSelector"), f"{where} podSelector")
        if "namespaceSelector" not in raw:
            if not self.zero_trust(ns):
                raise Untranslatable(f"{where} is in a namespace without default deny")
            return list(self.workloads(ns, pods, where))
        names = _only_labels(raw.get("namespaceSelector"), f"{where} namespaceSelector")
        other = names.get(NAMESPACE_NAME_LABEL)
        if other is None or len(names) != 1:
            raise Untranslatable(f"{where} selects namespaces by labels other than their name")
        if self.zero_trust(other):
            return list(self.workloads(other, pods, where))
        return [AnyPodRef(other, tuple(sorted(pods.items())) if pods else None)]


def _ports(raw: Any, where: str) -> list[tuple[int | str | None, str, int | None]]:
    if not raw:
        return [(None, p, None) for p in PROTOCOLS]
    out = []
    for p in raw:
        if not isinstance(p, dict):
            raise Untranslatable(f"{where} has a port that is not a mapping")
        port = p.get("port")
        out.append((port, str(p.get("protocol") or "TCP"),
                    p.get("endPort") if isinstance(port, int) else None))
    return out


def resolved_port(ctx: Context, dst: PeerRef, port: int | str | None, protocol: str,
                  where: str) -> int | None:
    """The number a (named) port stands for on ``dst``."""
    if not isinstance(port, str):
        return port
    if not isinstance(dst, WorkloadRef):
        raise Untranslatable(f"{where}: named port {port!r} on a destination that is not a "
                             "declared workload")
    plan = ctx.namespaces[dst.namespace].workload(dst.name)
    found = plan.ports.get(port) if plan else None
    if found is None or found[1] != protocol:
        raise Untranslatable(f"{where}: port {port!r}/{protocol} is not declared on "
                             f"{dst.namespace}/{dst.name}")
    return found[0]


def candidates(policy: KubeObject, ctx: Context) -> tuple[list[Candidate], list[EdgeAllow]]:
    """Every allow ``policy`` asks for (raises Untranslatable when one cannot be expressed)."""
    spec, ns, where = policy.spec, policy.namespace, policy.ref
    chosen = ctx.workloads(ns, _only_labels(spec.get("podSelector"), f"{where} podSelector"),
                           f"{where} podSelector")
    out: list[Candidate] = []
    edges: list[EdgeAllow] = []
    types = effective_policy_types(spec)
    for direction, key in (("ingress", "from"), ("egress", "to")):
        if direction.capitalize() not in types:
            continue
        for i, rule in enumerate(spec.get(direction) or []):
            at = f"{where} {direction}[{i}]"
            if not isinstance(rule, dict):
                raise Untranslatable(f"{at} is not a mapping")
            peers = rule.get(key)
            if not peers:
                raise Untranslatable(f"{at} admits every peer")
            for j, raw in enumerate(peers):
                resolved = ctx.peers(raw, ns, f"{at}.{key}[{j}]")
                for selected in chosen:
                    for port, protocol, end in _ports(rule.get("ports"), at):
                        if resolved == EDGE:
                            if direction == "egress" or not isinstance(selected, WorkloadRef):
                                raise Untranslatable(f"{at} allows egress to the ingress "
                                                     "controller, or admits it to every pod")
                            resolved_port(ctx, selected, port, protocol, at)
                            edges.append(EdgeAllow(selected, protocol, port, end))
                            continue
                        assert not isinstance(resolved, str)
                        out += _allows(ctx, direction, selected, resolved, port, protocol, end,
                                       at)
    return out, edges


def _allows(ctx: Context, direction: str, selected: PeerRef, peers: list[PeerRef],
            port: int | str | None, protocol: str, end: int | None, at: str) -> list[Candidate]:
    out = []
    for peer in peers:
        src, dst = (peer, selected) if direction == "ingress" else (selected, peer)
        if not any(isinstance(e, WorkloadRef) for e in (src, dst)):
            raise Untranslatable(f"{at}: neither end is a declared workload")
        if isinstance(port, str):
            resolved_port(ctx, dst, port, protocol, at)
        both = all(ctx.inside(e) for e in (src, dst))
        protocol_arg = None if protocol == "TCP" and port is not None else protocol
        out.append(Candidate(AllowPlan(src, dst, port, protocol_arg, end), direction, both))
    return out


def key(ctx: Context, allow: AllowPlan) -> tuple[Any, ...]:
    """An allow with its port resolved to a number, for matching the two sides of a flow."""
    number = resolved_port(ctx, allow.dst, allow.port, allow.protocol or "TCP", "")
    return (allow.src, allow.dst, number, allow.protocol or "TCP", allow.end_port)


# -- default deny and DNS ----------------------------------------------------------------


def _deny_types(policy: KubeObject) -> set[str]:
    spec = policy.spec
    if spec.get("podSelector") or spec.get("ingress") or spec.get("egress"):
        return set()
    return set(effective_policy_types(spec))


def _dns(policy: KubeObject) -> DnsPlan | None:
    spec = policy.spec
    if spec.get("podSelector") or effective_policy_types(spec) != ["Egress"]:
        return None
    rules = spec.get("egress") or []
    if len(rules) != 1 or not isinstance(rules[0], dict) or not rules[0].get("to"):
        return None
    peers = rules[0]["to"]
    local = None
    if len(peers) == 2 and isinstance(peers[1], dict) and set(peers[1]) == {"ipBlock"}:
        block = str((peers[1]["ipBlock"] or {}).get("cidr", ""))
        if not block.endswith(("/32", "/128")) or (peers[1]["ipBlock"] or {}).get("except"):
            return None
        local = block.rsplit("/", 1)[0]
    elif len(peers) != 1:
        return None
    peer = peers[0]
    ports = sorted((str(p.get("protocol") or "TCP"), p.get("port"), p.get("endPort"))
                   for p in rules[0].get("ports") or [] if isinstance(p, dict))
    if ports != [("TCP", 53, None), ("UDP", 53, None)] or not isinstance(peer, dict) or (
            set(peer) != {"namespaceSelector", "podSelector"}):
        return None
    try:
        names = _only_labels(peer["namespaceSelector"], "")
        pods = _only_labels(peer["podSelector"], "")
    except Untranslatable:
        return None
    if set(names) != {NAMESPACE_NAME_LABEL} or not pods:
        return None
    return DnsPlan(names[NAMESPACE_NAME_LABEL], tuple(sorted(pods.items())), local)


def zero_trust_pattern(policies: list[KubeObject]) -> tuple[list[KubeObject], DnsPlan] | None:
    """The default-deny and DNS policies of a namespace, when it follows the zero-trust
    pattern (deny both directions, DNS egress to kube-dns on UDP and TCP 53)."""
    deny = [p for p in policies if _deny_types(p)]
    covered = set().union(*(_deny_types(p) for p in deny)) if deny else set()
    dns = [(p, d) for p in policies if (d := _dns(p)) is not None]
    if covered != {"Ingress", "Egress"} or not dns:
        return None
    return [*deny, dns[0][0]], dns[0][1]


def iter_sides(found: list[Candidate], ctx: Context) -> Iterator[tuple[tuple[Any, ...], str]]:
    """(flow key, side) for every candidate that needs its other side."""
    for c in found:
        if c.mirrored:
            yield key(ctx, c.allow), c.direction
