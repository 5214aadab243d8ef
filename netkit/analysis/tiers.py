"""The layers that decide one direction of a connection, in the order the dataplane applies
them: the ClusterNetworkPolicy Admin tier, NetworkPolicy together with Cilium policies (deny
rules first), the Baseline tier, and finally the default, allow.

A layer takes the ports still undecided: an Accept or Deny rule settles the ports it matches,
Pass hands them on to the next layer, as does a rule that does not match.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from netkit.analysis.cilium import (
    CiliumPolicy,
    cilium_policies_from,
    is_cilium_policy,
)
from netkit.analysis.cluster_policy import TierPolicy, TierRule, is_tier_policy, tier_policy_from
from netkit.analysis.external import Network
from netkit.analysis.implied import ClusterParts
from netkit.analysis.model import Cluster, Endpoint, NamedPorts, PortRule, build_cluster
from netkit.analysis.ports import ALL, NONE, PROTOCOLS, PortSet
from netkit.k8s.pods import PodTemplate
from netkit.objects import KubeObject, as_objects


def tiered_cluster(objects: Iterable[KubeObject | dict[str, Any]],
                   workloads: Iterable[PodTemplate] = (), parts: ClusterParts | None = None,
                   *, well_formed: bool = False) -> Cluster:
    """The Cluster of ``objects``, ``workloads`` and the parts ``parts`` implies, with its
    ClusterNetworkPolicies (and the older Admin/BaselineAdminNetworkPolicies) and Cilium
    policies."""
    items = as_objects(objects)
    tiers: list[TierPolicy] = []
    cilium: list[CiliumPolicy] = []
    for o in items:
        if isinstance(o.obj, dict) and is_tier_policy(o.obj):
            tiers.append(tier_policy_from(o.obj, o.file, o.line))
        elif isinstance(o.obj, dict) and is_cilium_policy(o.obj):
            cilium += cilium_policies_from(o.obj, o.file, o.line)
    cluster = build_cluster(items, workloads, parts, _cidrs(tiers, cilium),
                            well_formed=well_formed)
    cluster.tiers, cluster.cilium = tiers, cilium
    cluster.endpoints += fqdn_endpoints(cluster)
    return cluster


def _cidrs(tiers: list[TierPolicy], cilium: list[CiliumPolicy]) -> list[Network]:
    """CIDRs the tier and Cilium policies mention, so the world is cut into cells for them."""
    out: list[Network] = []
    for policy in tiers:
        for rule in (*policy.ingress, *policy.egress):
            out += [p.cidr for p in rule.peers if p.cidr is not None]
    for cp in cilium:
        for rules in cp.rules.values():
            for r in rules:
                for peer in r.peers or ():
                    if peer.cidr is not None:
                        out += [peer.cidr, *peer.excepts]
    return out


def fqdn_endpoints(cluster: Cluster) -> list[Endpoint]:
    """A named external endpoint for each domain name or FQDN pattern policies allow."""
    names = {p.fqdn for t in cluster.tiers for r in (*t.ingress, *t.egress) for p in r.peers
             if p.fqdn}
    names |= {p.fqdn.lower().rstrip(".") for cp in cluster.cilium
              for r in cp.rules.get("egress", []) + cp.rules.get("egressDeny", [])
              for p in r.peers or () if p.fqdn}
    return [Endpoint(f"fqdn/{n}", "", n, "External") for n in sorted(names)]


@lru_cache(maxsize=8192)
def _resolve(ports: tuple[PortRule, ...], named: NamedPorts) -> PortSet:
    out = NONE
    for p in ports:
        protocols = PROTOCOLS if p.protocol == "ANY" else (p.protocol,)
        if p.port is None:
            for proto in protocols:
                out = out | PortSet.of(proto)
        elif isinstance(p.port, int):
            hi = p.end_port if p.end_port is not None and p.end_port >= p.port else p.port
            for proto in protocols:
                out = out | PortSet.of(proto, p.port, hi)
        else:
            for name, protocol, number in named:
                if name == p.port and protocol in protocols:
                    out = out | PortSet.of(protocol, number)
    return out


def resolve_ports(ports: Sequence[PortRule] | None, dst: Endpoint) -> PortSet:
    """The ports a rule matches on ``dst``: named ports resolve on the destination pods;
    protocol ``ANY`` is TCP, UDP and SCTP."""
    if ports is None:
        return ALL
    return _resolve(tuple(ports), dst.named_ports)


DENY_RULES = "deny rules"  # the rule of a step that Cilium deny rules took, until named


@dataclass(frozen=True)
class Decider:
    """A tier rule as it applies to one selected group: the peer groups it matches."""

    policy: TierPolicy
    rule: TierRule
    peers: frozenset[int]


@dataclass(frozen=True)
class Step:
    """A layer that settled some ports: who, with which action, and which ports."""

    layer: str
    action: str
    ports: PortSet
    policy: str = ""
    rule: str = ""
    number: int = 0

    def to_json(self) -> dict[str, Any]:
        """``{"layer", "action", "policy", "rule"}``."""
        return {"layer": self.layer, "action": self.action, "policy": self.policy,
                "rule": self.rule}

    def describe(self) -> str:
        """``ClusterNetworkPolicy x (Admin, priority 10), rule 2 "deny-db"``."""
        if not self.number:
            return f"{self.policy} {self.rule}".strip()
        name = self.rule.split(" ", 1)[1] if " " in self.rule else ""
        return f"{self.policy}, rule {self.number}" + (f" {name}" if name else "")


@dataclass
class Layers:
    """What decides one direction of a group's connections besides NetworkPolicy allows:
    tier rules in order, Cilium denies, and ports Cilium allows only through L7 rules."""

    admin: list[Decider] = field(default_factory=list)
    baseline: list[Decider] = field(default_factory=list)
    deny: dict[int, PortSet] = field(default_factory=dict)
    l7: dict[int, PortSet] = field(default_factory=dict)
    plain: dict[tuple[int, NamedPorts], tuple[PortSet, PortSet]] = field(default_factory=dict)

    def _tier(self, deciders: list[Decider], tier: str, peer: int, dst: Endpoint,
              undecided: PortSet, trace: list[Step] | None) -> tuple[PortSet, PortSet, PortSet]:
        """(accepted, passed, still undecided) after the rules of one tier."""
        accepted = passed = NONE
        for d in deciders:
            if not undecided:
                break
            if peer not in d.peers:
                continue
            hit = undecided & resolve_ports(d.rule.ports, dst)
            if not hit:
                continue
            if d.rule.action == "Accept":
                accepted = accepted | hit
            elif d.rule.action == "Pass":
                passed = passed | hit
            undecided = undecided - hit
            if trace is not None:
                trace.append(Step(tier, d.rule.action, hit, d.policy.ref, d.rule.label,
                                  d.rule.index + 1))
        return accepted, passed, undecided

    def evaluate(self, peer: int, dst: Endpoint, allowed_here: PortSet, isolated: bool,
                 start: PortSet = ALL, trace: list[Step] | None = None
                 ) -> tuple[PortSet, PortSet]:
        """(allowed ports, those of them only L7-filtered rules allow) towards ``peer``."""
        accepted, passed, rest = self._tier(self.admin, "Admin", peer, dst, start, trace)
        rest = rest | passed
        denied = rest & self.deny.get(peer, NONE)
        if denied:
            rest = rest - denied
            if trace is not None:
                trace.append(Step("NetworkPolicy", "Deny", denied, rule=DENY_RULES))
        if not rest:
            return accepted, NONE
        l7 = self.l7.get(peer, NONE)
        if isolated:
            here = rest & (allowed_here | l7)
            if trace is not None:
                if here:
                    trace.append(Step("NetworkPolicy", "Accept", here))
                if rest - here:
                    trace.append(Step("NetworkPolicy", "Deny", rest - here))
            return accepted | here, here & (l7 - allowed_here)
        more, passed, rest = self._tier(self.baseline, "Baseline", peer, dst, rest, trace)
        if trace is not None and rest:
            trace.append(Step("default", "Accept", rest))
        return accepted | more | passed | rest, NONE

