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

from netkit.analysis.external import block_matches
from netkit.analysis.implied import ClusterParts
from netkit.analysis.model import Cluster, Endpoint, Peer, Policy, PortRule, Rule, build_cluster
from netkit.analysis.ports import ALL, NONE, PortSet
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

    @property
    def ingress_isolated(self) -> bool:
        """Some policy selects these pods for ingress."""
        return bool(self.ingress_policies)

    @property
    def egress_isolated(self) -> bool:
        """Some policy selects these pods for egress."""
        return bool(self.egress_policies)


@dataclass(frozen=True)
class Flow:
    """What ``src`` may open to ``dst``."""

    src: Endpoint
    dst: Endpoint
    ports: PortSet

    def to_json(self) -> dict[str, Any]:
        """``{"from", "to", "allowed"}``."""
        return {"from": self.src.id, "to": self.dst.id, "allowed": self.ports.to_json()}


def _group_key(e: Endpoint) -> tuple[Any, ...]:
    if e.external:
        return ("external", e.id)
    return (e.namespace, e.labels, e.named_ports, e.cell.id if e.cell else None)


def _address_key(e: Endpoint) -> tuple[int, int]:
    assert e.cell is not None
    return e.cell.network.version, int(e.cell.network.network_address)


def resolve_ports(ports: list[PortRule] | None, dst: Endpoint) -> PortSet:
    """The ports a rule allows on ``dst``: named ports resolve on the destination pods."""
    if ports is None:
        return ALL
    out = NONE
    for p in ports:
        if p.port is None:
            out = out | PortSet.of(p.protocol)
        elif isinstance(p.port, int):
            hi = p.end_port if p.end_port is not None and p.end_port >= p.port else p.port
            out = out | PortSet.of(p.protocol, p.port, hi)
        else:
            for name, protocol, number in dst.named_ports:
                if name == p.port and protocol == p.protocol:
                    out = out | PortSet.of(protocol, number)
    return out


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
        self._by_label: dict[tuple[str, str, str], list[Group]] = defaultdict(list)
        for ns, groups in self._in_namespace.items():
            for g in groups:
                for key, value in g.labels.items():
                    self._by_label[(ns, key, value)].append(g)
        self._namespaces_matching: dict[str, list[str]] = {}
        self._compute()

    # -- matching ---------------------------------------------------------------------------

    def selects(self, policy: Policy, g: Group) -> bool:
        """Whether ``policy`` selects the group's pods."""
        e = g.sample
        return (not e.external and e.namespace == policy.namespace
                and matches(policy.pod_selector, g.labels))

    def peer_matches(self, peer: Peer, policy: Policy, g: Group) -> bool:
        """Whether ``peer`` (of a rule in ``policy``) matches the group."""
        e = g.sample
        if peer.invalid:
            return False
        if peer.cidr is not None:
            return e.cell is not None and block_matches(e.cell, peer.cidr, peer.excepts)
        return not e.external and self.cluster.peer_selects(peer, policy, e.namespace, g.labels)

    def _candidates_for(self, peer: Peer, policy: Policy) -> list[Group]:
        """Groups that ``peer`` could match, narrowed by namespace or ipBlock cell."""
        if peer.invalid:
            return []
        if peer.cidr is not None:  # cells within the block start inside its address range
            lo = bisect_left(self._cell_keys, (peer.cidr.version, int(peer.cidr[0])))
            hi = bisect_right(self._cell_keys, (peer.cidr.version, int(peer.cidr[-1])))
            return self._with_cell[lo:hi]
        if peer.namespace_selector is None:
            names = [policy.namespace]
        else:
            key = selector_key(peer.namespace_selector)
            cached = self._namespaces_matching.get(key)
            if cached is None:
                cached = self._namespaces_matching[key] = [
                    ns for ns in self._in_namespace
                    if matches(peer.namespace_selector, self.cluster.namespace_labels(ns))]
            names = cached
        first = next(iter(((peer.pod_selector or {}).get("matchLabels") or {}).items()), None)
        if first is not None:
            return [g for ns in names for g in self._by_label.get((ns, *first), [])]
        return [g for ns in names for g in self._in_namespace.get(ns, [])]

    def rule_peers(self, rule: Rule, policy: Policy) -> list[Group]:
        """Groups a rule's peers match (every group when it lists none), in group order."""
        if rule.peers is None:
            return self.groups
        found: dict[int, Group] = {}
        for peer in rule.peers:
            for g in self._candidates_for(peer, policy):
                if g.index not in found and self.peer_matches(peer, policy, g):
                    found[g.index] = g
        return [found[i] for i in sorted(found)]

    # -- computation ------------------------------------------------------------------------

    def _compute(self) -> None:
        for policy in self.cluster.policies:
            selected = [g for g in self._in_namespace.get(policy.namespace, [])
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

    def group_ports(self, src: Group, dst: Group) -> PortSet:
        """Ports ``src`` may open to ``dst``: egress at src AND ingress at dst."""
        if src.sample.external and dst.sample.external:
            return NONE
        egress = src.egress.get(dst.index, NONE) if src.egress_isolated else ALL
        if not egress:
            return NONE
        ingress = dst.ingress.get(src.index, NONE) if dst.ingress_isolated else ALL
        return egress & ingress

    # -- queries ----------------------------------------------------------------------------

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
        if src.egress_isolated:
            return [self.groups[i] for i in sorted(src.egress)]
        if src.sample.external:  # nothing outside the pod network reaches the outside
            return [g for ns in self._in_namespace.values() for g in ns]
        return self.groups

    def flows(self) -> Iterator[Flow]:
        """One flow per ordered pair of distinct endpoints that allows anything, sorted by
        source then destination, produced one source at a time."""
        reachable: dict[int, list[tuple[Group, PortSet]]] = {}
        for a in sorted(self.endpoints, key=lambda e: e.id):
            src = self._group_of[a.id]
            targets = reachable.get(src.index)
            if targets is None:
                targets = reachable[src.index] = [
                    (dst, ports) for dst in self._candidates(src)
                    if (ports := self.group_ports(src, dst))]
            row = [Flow(a, b, ports) for dst, ports in targets for b in dst.members
                   if b.id != a.id]
            row.sort(key=lambda f: f.dst.id)
            yield from row

    def to_json(self) -> dict[str, Any]:
        """The audit contract: ``{"endpoints": [...], "flows": [...]}``."""
        return {"endpoints": [e.to_json() for e in self.endpoints],
                "flows": [f.to_json() for f in self.flows()]}


def reachability(objects: Iterable[KubeObject | dict[str, Any]],
                 workloads: Iterable[PodTemplate] = (), parts: ClusterParts | None = None
                 ) -> Reachability:
    """Reachability of the pods and workloads in ``objects`` (plus declared ``workloads``
    and the parts of the cluster ``parts`` implies)."""
    return Reachability(build_cluster(objects, workloads, parts))
