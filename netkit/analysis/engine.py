"""Reachability under NetworkPolicy v1, computed over groups of indistinguishable endpoints.

Two endpoints that share namespace, labels, named ports and ipBlock cell answer every selector,
peer and port lookup alike, so the engine works on such groups and port-range sets, and its
memory grows with distinct label sets rather than with pods².
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from netkit.analysis.cilium import (
    CiliumPeer,
    CiliumPolicy,
    CiliumRule,
    fqdn_matches,
    identity,
)
from netkit.analysis.external import block_matches
from netkit.analysis.implied import ClusterParts
from netkit.analysis.model import Cluster, Endpoint, Peer, Policy, Rule
from netkit.analysis.ports import ALL, NONE, PortSet
from netkit.analysis.tiers import (
    Decider,
    Layers,
    resolve_ports,
    tiered_cluster,
)
from netkit.errors import NetkitError
from netkit.k8s.pods import PodTemplate
from netkit.k8s.selectors import matches, selector_key
from netkit.objects import KubeObject


class UnknownEndpoint(NetkitError):
    """An endpoint id that is not in the input."""


@dataclass
class Group:
    """Endpoints no selector can tell apart."""

    index: int
    sample: Endpoint
    members: list[Endpoint] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)
    ingress_policies: list[Policy] = field(default_factory=list)
    egress_policies: list[Policy] = field(default_factory=list)
    ingress: dict[int, PortSet] = field(default_factory=dict)  # source group → ports
    egress: dict[int, PortSet] = field(default_factory=dict)  # destination group → ports
    cilium: dict[str, list[CiliumPolicy]] = field(default_factory=dict)  # direction → selecting
    layers: dict[str, Layers] = field(default_factory=dict)  # direction → tiers, denies, L7

    def isolated(self, direction: str) -> bool:
        """Some NetworkPolicy, or Cilium policy in default deny, selects these pods for
        ``direction``."""
        if self.ingress_policies if direction == "ingress" else self.egress_policies:
            return True
        return bool(self.cilium) and any(p.default_deny[direction]
                                         for p in self.cilium.get(direction, []))

    @property
    def ingress_isolated(self) -> bool:
        """Some policy selects these pods for ingress."""
        return self.isolated("ingress")

    @property
    def egress_isolated(self) -> bool:
        """Some policy selects these pods for egress."""
        return self.isolated("egress")

    def layers_for(self, direction: str) -> Layers:
        """The tier layers of ``direction``, created on first use."""
        return self.layers.setdefault(direction, Layers())


@dataclass(frozen=True)
class Flow:
    """What ``src`` may open to ``dst``."""

    src: Endpoint
    dst: Endpoint
    ports: PortSet
    l7: PortSet = NONE

    def to_json(self) -> dict[str, Any]:
        """``{"from", "to", "allowed"}``, plus ``"filtered_at_l7"``: the allowed ports that
        Cilium L7 rules filter."""
        out = {"from": self.src.id, "to": self.dst.id, "allowed": self.ports.to_json()}
        if self.l7:
            out["filtered_at_l7"] = self.l7.to_json()
        return out


def _group_key(e: Endpoint) -> tuple[Any, ...]:
    if e.external:
        return ("external", e.id)
    return (e.namespace, e.labels, e.named_ports, e.cell.id if e.cell else None)


def _address_key(e: Endpoint) -> tuple[int, int]:
    assert e.cell is not None
    return e.cell.network.version, int(e.cell.network.network_address)


class Reachability:
    """Who can open connections to whom, and on which ports."""

    def __init__(self, cluster: Cluster) -> None:
        self.cluster = cluster
        self.endpoints = cluster.endpoints
        by_key: dict[tuple[Any, ...], Group] = {}
        self._group_of: dict[str, Group] = {}
        for e in self.endpoints:
            group = by_key.get(_group_key(e))
            if group is None:
                group = by_key[_group_key(e)] = Group(len(by_key), e, labels=e.label_map())
            group.members.append(e)
            self._group_of[e.id] = group
        self.groups = list(by_key.values())
        self._in_namespace: dict[str, list[Group]] = defaultdict(list)
        for g in self.groups:
            if not g.sample.external:
                self._in_namespace[g.sample.namespace].append(g)
        self._with_cell = sorted((g for g in self.groups if g.sample.cell is not None),
                                 key=lambda g: _address_key(g.sample))
        self._cell_keys = [_address_key(g.sample) for g in self._with_cell]
        self._domains = [g for g in self.groups if g.sample.external and g.sample.cell is None]
        self._by_label: dict[tuple[str, str, str], list[Group]] = defaultdict(list)
        for ns, groups in self._in_namespace.items():
            for g in groups:
                for key, value in g.labels.items():
                    self._by_label[(ns, key, value)].append(g)
        self._namespaces_matching: dict[str, list[str]] = {}
        self._identities: dict[int, dict[str, str]] = {}
        self._masks: dict[tuple[int, ...], dict[int, int]] = {}
        self._compute()

    # -- matching ---------------------------------------------------------------------------

    def selects(self, policy: Policy, g: Group) -> bool:
        """Whether ``policy`` selects the group's pods."""
        e = g.sample
        return (not e.external and e.namespace == policy.namespace
                and matches(policy.pod_selector, g.labels))

    def peer_matches(self, peer: Peer, namespace: str, g: Group) -> bool:
        """Whether ``peer`` (of a rule of a policy in ``namespace``) matches the group.

        A domain name is outside every CIDR but the whole address space (``/0``).
        """
        e = g.sample
        if peer.invalid:
            return False
        if peer.fqdn is not None:
            return e.external and e.cell is None and fqdn_matches(peer.fqdn, e.name)
        if peer.cidr is not None:
            if e.external and e.cell is None:
                return peer.cidr.prefixlen == 0
            return e.cell is not None and block_matches(e.cell, peer.cidr, peer.excepts)
        if e.external:
            return False
        if peer.namespace_selector is None:
            in_scope = e.namespace == namespace
        else:
            in_scope = matches(peer.namespace_selector,
                               self.cluster.namespace_labels(e.namespace))
        if not in_scope:
            return False
        return peer.pod_selector is None or matches(peer.pod_selector, g.labels)

    def _candidates_for(self, peer: Peer, namespace: str) -> list[Group]:
        """Groups that ``peer`` could match, narrowed by namespace or ipBlock cell."""
        if peer.invalid:
            return []
        if peer.fqdn is not None:
            return self._domains
        if peer.cidr is not None:
            # cells within the block start inside its address range
            lo = bisect_left(self._cell_keys, (peer.cidr.version, int(peer.cidr[0])))
            hi = bisect_right(self._cell_keys, (peer.cidr.version, int(peer.cidr[-1])))
            return self._with_cell[lo:hi] + (self._domains if peer.cidr.prefixlen == 0 else [])
        if peer.namespace_selector is None:
            names = [namespace]
        else:
            key = selector_key(peer.namespace_selector)
            cached = self._namespaces_matching.get(key)
            if cached is None:
                cached = self._namespaces_matching[key] = [
                    ns for ns in self._in_namespace
                    if matches(peer.namespace_selector, self.cluster.namespace_labels(ns))]
            names = cached
        return self._labelled(names, peer.pod_selector)

    def _labelled(self, names: Iterable[str], selector: dict[str, Any] | None) -> list[Group]:
        """Groups of namespaces ``names`` that pod ``selector`` could match: those carrying its
        first matchLabels pair, else all of them."""
        first = next(iter(((selector or {}).get("matchLabels") or {}).items()), None)
        if first is not None:
            return [g for ns in names for g in self._by_label.get((ns, *first), [])]
        return [g for ns in names for g in self._in_namespace.get(ns, [])]

    def peers_matching(self, peers: Iterable[Peer] | None, namespace: str) -> list[Group]:
        """Groups any of ``peers`` matches (every group for None), in group order."""
        if peers is None:
            return self.groups
        found: dict[int, Group] = {}
        for peer in peers:
            for g in self._candidates_for(peer, namespace):
                if g.index not in found and self.peer_matches(peer, namespace, g):
                    found[g.index] = g
        return [found[i] for i in sorted(found)]

    def rule_peers(self, rule: Rule, policy: Policy) -> list[Group]:
        """Groups a rule's peers match (every group when it lists none), in group order."""
        return self.peers_matching(rule.peers, policy.namespace)

    def cilium_peers(self, peers: Iterable[CiliumPeer] | None) -> list[Group]:
        """Groups any of a Cilium rule's peers matches (every group for None)."""
        if peers is None:
            return self.groups
        found: dict[int, Group] = {}
        for peer in peers:
            ns = peer.namespace
            for g in self._in_namespace.get(ns, []) if ns is not None else self.groups:
                if g.index not in found and peer.matches(g.sample, self.identity(g)):
                    found[g.index] = g
        return [found[i] for i in sorted(found)]

    def cilium_peer_matches(self, peers: Iterable[CiliumPeer] | None, g: Group) -> bool:
        """Whether any of a Cilium rule's peers (every peer for None) matches the group."""
        return peers is None or any(p.matches(g.sample, self.identity(g)) for p in peers)

    def cilium_selects(self, policy: CiliumPolicy, g: Group) -> bool:
        """Whether the Cilium rule set applies to the group's pods."""
        return policy.selects(g.sample, self.identity(g))

    def identity(self, g: Group) -> dict[str, str]:
        """The group's Cilium identity labels (none outside the cluster)."""
        labels = self._identities.get(g.index)
        if labels is None:
            e = g.sample
            labels = self._identities[g.index] = {} if e.external else identity(
                e, self.cluster.namespace_labels(e.namespace))
        return labels

    # -- computation ------------------------------------------------------------------------

    def _compute(self) -> None:
        for policy in self.cluster.policies:
            selected = [g for g in self._labelled((policy.namespace,), policy.pod_selector)
                        if self.selects(policy, g)]
            if not selected:
                continue
            for direction in ("ingress", "egress"):
                rules: list[Rule] | None = getattr(policy, direction)
                if rules is None:
                    continue
                for g in selected:
                    getattr(g, f"{direction}_policies").append(policy)
                for rule in rules:
                    peers = self.rule_peers(rule, policy)
                    cache: dict[Any, PortSet] = {}
                    for g in selected:
                        for peer_group in peers:
                            dst = g if direction == "ingress" else peer_group
                            key = dst.sample.named_ports
                            ports = cache.get(key)
                            if ports is None:
                                ports = cache[key] = resolve_ports(rule.ports, dst.sample)
                            if not ports:
                                continue
                            table = g.ingress if direction == "ingress" else g.egress
                            table[peer_group.index] = table.get(peer_group.index, NONE) | ports
        for cp in self.cluster.cilium:
            self._add_cilium(cp)
        for tp in sorted(self.cluster.tiers, key=lambda t: t.order):
            subject = [g for g in self.groups if self.peer_matches(tp.subject, "", g)]
            for direction in ("ingress", "egress"):
                for tier_rule in tp.rules(direction):
                    matched = self.peers_matching(tier_rule.peers, "")
                    decider = Decider(tp, tier_rule, frozenset(g.index for g in matched))
                    for g in subject:
                        layers = g.layers_for(direction)
                        (layers.admin if tp.tier == "Admin" else layers.baseline).append(decider)

    def _add_cilium(self, cp: CiliumPolicy) -> None:
        candidates = self._in_namespace.get(cp.namespace, []) if cp.namespace else self.groups
        selected = [g for g in candidates if self.cilium_selects(cp, g)]
        if not selected:
            return
        for direction in ("ingress", "egress"):
            if not (cp.default_deny[direction] or cp.allows(direction) or cp.denies(direction)):
                continue
            for g in selected:
                g.cilium.setdefault(direction, []).append(cp)
                g.layers_for(direction)
            for rule in cp.allows(direction):
                self._add_cilium_rule(rule, direction, selected, deny=False)
            for rule in cp.denies(direction):
                self._add_cilium_rule(rule, direction, selected, deny=True)

    def _add_cilium_rule(self, rule: CiliumRule, direction: str, selected: list[Group],
                         *, deny: bool) -> None:
        peers = self.cilium_peers(rule.peers)
        l7 = set(rule.l7_ports)
        plain = [p for p in rule.ports or () if p not in l7] if rule.ports is not None else None
        for g in selected:
            layers = g.layers[direction]
            table = g.ingress if direction == "ingress" else g.egress
            for peer_group in peers:
                dst = (g if direction == "ingress" else peer_group).sample
                i = peer_group.index
                if deny:
                    layers.deny[i] = layers.deny.get(i, NONE) | resolve_ports(rule.ports, dst)
                    continue
                allowed = resolve_ports(plain, dst) if plain is None or plain else NONE
                if allowed:
                    table[i] = table.get(i, NONE) | allowed
                if l7:
                    layers.l7[i] = layers.l7.get(i, NONE) | resolve_ports(rule.l7_ports, dst)

    def side(self, g: Group, peer: Group, direction: str) -> tuple[PortSet, PortSet]:
        """(ports, of which L7-filtered) that ``direction`` at ``g`` allows towards ``peer``."""
        table = g.ingress if direction == "ingress" else g.egress
        layers = g.layers.get(direction)
        if layers is None:
            return (table.get(peer.index, NONE) if g.isolated(direction) else ALL), NONE
        dst = g if direction == "ingress" else peer
        i = peer.index
        here = table.get(i)
        if here is None and i not in layers.deny and i not in layers.l7:
            # Only the tier rules tell such peers apart: one evaluation per kind of peer.
            key = (self._membership(layers).get(i, 0),
                   dst.sample.named_ports if direction == "egress" else ())
            cached = layers.plain.get(key)
            if cached is None:
                cached = layers.plain[key] = layers.evaluate(i, dst.sample, NONE,
                                                             g.isolated(direction))
            return cached
        return layers.evaluate(i, dst.sample, here or NONE, g.isolated(direction))

    def _membership(self, layers: Layers) -> dict[int, int]:
        """Peer group → bit mask of the tier rules (of ``layers``) whose peers include it;
        shared by every group that the same tier rules apply to."""
        key = tuple(id(d) for d in (*layers.admin, *layers.baseline))
        masks = self._masks.get(key)
        if masks is None:
            masks = self._masks[key] = {}
            for bit, d in enumerate((*layers.admin, *layers.baseline)):
                for i in d.peers:
                    masks[i] = masks.get(i, 0) | (1 << bit)
        return masks

    def group_flow(self, src: Group, dst: Group) -> tuple[PortSet, PortSet]:
        """(ports ``src`` may open to ``dst``: egress at src AND ingress at dst, of which
        L7-filtered)."""
        if src.sample.external and dst.sample.external:
            return NONE, NONE
        egress, l7_out = self.side(src, dst, "egress")
        if not egress:
            return NONE, NONE
        ingress, l7_in = self.side(dst, src, "ingress")
        ports = egress & ingress
        return ports, (l7_out | l7_in) & ports

    def group_ports(self, src: Group, dst: Group) -> PortSet:
        """Ports ``src`` may open to ``dst``: egress at src AND ingress at dst."""
        return self.group_flow(src, dst)[0]

    # -- queries ----------------------------------------------------------------------------

    def has(self, endpoint_id: str) -> bool:
        """Whether the endpoint is in the input."""
        return endpoint_id in self._group_of

    def group(self, endpoint_id: str) -> Group:
        """The group of an endpoint id."""
        group = self._group_of.get(endpoint_id)
        if group is None:
            close = [e.id for e in self.endpoints if endpoint_id.split("/")[-1] in e.id][:3]
            raise UnknownEndpoint(endpoint_id, "no such endpoint in the input",
                                  hint=f"did you mean {', '.join(close)}?" if close else
                                  "endpoints are namespace/name of pods and workloads")
        return group

    def ports(self, src: str, dst: str) -> PortSet:
        """Every port ``src`` may open to ``dst`` (loopback is always allowed)."""
        if src == dst:
            return ALL
        return self.group_ports(self.group(src), self.group(dst))

    def allowed(self, src: str, dst: str, port: int, protocol: str = "TCP") -> bool:
        """Whether ``src`` may connect to ``dst`` on ``port``/``protocol``."""
        return self.ports(src, dst).contains(port, protocol)

    def _candidates(self, src: Group) -> Iterable[Group]:
        """Groups ``src`` may reach at all: when its egress is isolated, those an allow rule
        or an Admin-tier Accept names."""
        if not src.egress_isolated:
            if src.sample.external:  # nothing outside the pod network reaches the outside
                return [g for ns in self._in_namespace.values() for g in ns]
            return self.groups
        layers = src.layers.get("egress")
        if layers is None:
            return [self.groups[i] for i in sorted(src.egress)]
        named = set(src.egress) | set(layers.l7)
        for d in layers.admin:
            if d.rule.action == "Accept":
                named |= d.peers
        return [self.groups[i] for i in sorted(named)]

    def flows(self) -> Iterator[Flow]:
        """One flow per ordered pair of distinct endpoints that allows anything, sorted by
        source then destination, produced one source at a time."""
        reachable: dict[int, list[tuple[Group, tuple[PortSet, PortSet]]]] = {}
        for a in sorted(self.endpoints, key=lambda e: e.id):
            src = self._group_of[a.id]
            targets = reachable.get(src.index)
            if targets is None:
                targets = reachable[src.index] = [
                    (dst, flow) for dst in self._candidates(src)
                    if (flow := self.group_flow(src, dst))[0]]
            row = [Flow(a, b, *flow) for dst, flow in targets for b in dst.members
                   if b.id != a.id]
            row.sort(key=lambda f: f.dst.id)
            yield from row

    def to_json(self) -> dict[str, Any]:
        """The audit contract: ``{"endpoints": [...], "flows": [...]}``."""
        return {"endpoints": [e.to_json() for e in self.endpoints],
                "flows": [f.to_json() for f in self.flows()]}


def reachability(objects: Iterable[KubeObject | dict[str, Any]],
                 workloads: Iterable[PodTemplate] = (), parts: ClusterParts | None = None,
                 *, well_formed: bool = False) -> Reachability:
    """Reachability of the pods and workloads in ``objects`` (plus declared ``workloads``
    and the parts of the cluster ``parts`` implies); ``well_formed`` as for
    :func:`~netkit.analysis.model.build_cluster`."""
    return Reachability(tiered_cluster(objects, workloads, parts, well_formed=well_formed))
