"""ClusterGuardrails: platform rules above every namespace (metadata deny, DNS and monitoring
always allowed, tenant isolation) and a baseline default deny below them."""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from netkit.constructs.flows import PortSpec
from netkit.constructs.zero_trust import DnsEgress
from netkit.errors import ConstructError
from netkit.k8s.meta import NAMESPACE_NAME_LABEL
from netkit.k8s.names import dns1123_label_errors
from netkit.spec import canonical_network, check_metadata_map, check_port
from netkit.tree import Blueprint, Construct

Tier = Literal["Admin", "Baseline"]
Action = Literal["Accept", "Deny"]
Direction = Literal["ingress", "egress"]
METADATA_ADDRESSES = ("169.254.169.254/32",)
PRIORITY_RANGE = (0, 1000)  # ClusterNetworkPolicy spec.priority
EVERYWHERE = ("0.0.0.0/0", "::/0")


@dataclass(frozen=True)
class MonitoringScrapes:
    """The scrapers (pods of ``namespace`` labelled ``pods``) and the ports they scrape."""

    namespace: str = "monitoring"
    pods: tuple[tuple[str, str], ...] = (("app.kubernetes.io/name", "prometheus"),)
    ports: tuple[int, ...] = (9090,)


@dataclass(frozen=True)
class GuardPeer:
    """The other end of a guardrail rule: namespaces, pods of namespaces, or networks
    (a LabelSelector dict each; ``pods=None`` means every pod of the namespaces)."""

    namespaces: dict[str, Any] | None = None
    pods: dict[str, Any] | None = None
    networks: tuple[str, ...] = ()


@dataclass(frozen=True)
class GuardRule:
    """Accept or deny traffic of one direction with ``peers`` on ``ports`` (empty: all)."""

    name: str
    action: Action
    direction: Direction
    peers: tuple[GuardPeer, ...]
    ports: tuple[PortSpec, ...] = ()


@dataclass(frozen=True)
class GuardPolicy:
    """One cluster-wide policy: the namespaces it applies to, its tier, priority and rules."""

    suffix: str
    tier: Tier
    priority: int
    subject: dict[str, Any]
    rules: tuple[GuardRule, ...]


DNS_PORTS = (PortSpec("UDP", 53), PortSpec("TCP", 53))


class ClusterGuardrails(Construct):
    """Cluster-wide rules no namespace can override (Admin tier, from ``priority`` upwards, in
    the order: DNS, monitoring, metadata, tenants) and a baseline default deny that applies
    where a namespace's own policies say nothing (Baseline tier, at ``priority``)."""

    def __init__(self, scope: Construct, id: str, *, priority: int,
                 deny_metadata: bool = True,
                 metadata_addresses: Sequence[str] = METADATA_ADDRESSES,
                 dns: DnsEgress | None = None,
                 monitoring: MonitoringScrapes | None = None,
                 tenant_label: str | None = None, tenants: Sequence[str] = (),
                 baseline_deny: bool = True,
                 exempt_namespaces: Sequence[str] = ("kube-system",)) -> None:
        super().__init__(scope, id)
        where = self.display_path
        if scope.namespace() is not None:
            raise ConstructError(where, "guardrails are cluster-wide, not part of a namespace",
                                 hint="create ClusterGuardrails directly in the Blueprint")
        if not isinstance(priority, int) or isinstance(priority, bool):
            raise ConstructError(where, f"priority must be an integer, got {priority!r}",
                                 field="priority", hint="e.g. priority=10")
        self.dns = dns or DnsEgress()
        self.monitoring = monitoring
        self.exempt_namespaces = tuple(exempt_namespaces)
        for ns in (*self.exempt_namespaces, *([monitoring.namespace] if monitoring else [])):
            if errs := dns1123_label_errors(ns):
                raise ConstructError(where, f"namespace {ns!r}: {errs[0]}",
                                     field="exempt_namespaces" if ns in self.exempt_namespaces
                                     else "monitoring", hint="use a namespace name")
        self.baseline_deny = baseline_deny
        self.metadata = tuple(self._networks(metadata_addresses)) if deny_metadata else ()
        self.tenant_label = tenant_label
        self.tenants = tuple(tenants)
        self._check_tenants()
        if monitoring is not None:
            check_metadata_map(dict(monitoring.pods), where, "monitoring", labels=True,
                               hint="the scrapers' pod labels")
            for port in monitoring.ports:
                check_port(port, where, hint="the port the scrapers connect to, e.g. 9090")
        self.policies = self._policies(priority)
        self._check_priorities()

    def _networks(self, addresses: Sequence[str]) -> list[str]:
        out = []
        for address in addresses:
            try:
                out.append(str(canonical_network(address)))
            except ValueError as exc:
                raise ConstructError(self.display_path, str(exc), field="metadata_addresses",
                                     hint="e.g. 169.254.169.254/32") from None
        return out

    def _check_tenants(self) -> None:
        if bool(self.tenant_label) != bool(self.tenants):
            raise ConstructError(self.display_path, "tenant_label and tenants go together",
                                 field="tenants", hint="e.g. tenant_label='tenant', "
                                 "tenants=['acme', 'globex']")
        if self.tenant_label:
            for tenant in self.tenants:
                check_metadata_map({self.tenant_label: tenant}, self.display_path, "tenants",
                                   labels=True, hint="a namespace label key and its values")
            if len(set(self.tenants)) != len(self.tenants):
                raise ConstructError(self.display_path, "tenants are listed twice",
                                     field="tenants", hint="list each tenant once")

    def _policies(self, priority: int) -> tuple[GuardPolicy, ...]:
        everyone: dict[str, Any] = {}
        admin: list[tuple[str, dict[str, Any], tuple[GuardRule, ...]]] = []
        dns_peers = [GuardPeer(namespaces=_names(self.dns.namespace),
                               pods={"matchLabels": dict(self.dns.pod_selector)})]
        if self.dns.node_local_address:
            dns_peers.append(GuardPeer(networks=(str(ipaddress.ip_network(
                self.dns.node_local_address)),)))
        admin.append(("allow-dns", everyone, (GuardRule(
            "dns", "Accept", "egress", tuple(dns_peers), DNS_PORTS),)))
        if self.monitoring is not None:
            scrapers = GuardPeer(namespaces=_names(self.monitoring.namespace),
                                 pods={"matchLabels": dict(self.monitoring.pods)})
            admin.append(("allow-monitoring", everyone, (GuardRule(
                "scrapes", "Accept", "ingress", (scrapers,),
                tuple(PortSpec("TCP", p) for p in self.monitoring.ports)),)))
        if self.metadata:
            admin.append(("deny-metadata", everyone, (GuardRule(
                "metadata", "Deny", "egress", (GuardPeer(networks=self.metadata),)),)))
        for tenant in self.tenants:
            assert self.tenant_label is not None
            others = GuardPeer(namespaces={"matchExpressions": [
                {"key": self.tenant_label, "operator": "Exists"},
                {"key": self.tenant_label, "operator": "NotIn", "values": [tenant]}]})
            admin.append((f"tenant-{tenant}", {"matchLabels": {self.tenant_label: tenant}}, (
                GuardRule("other-tenants-in", "Deny", "ingress", (others,)),
                GuardRule("other-tenants-out", "Deny", "egress", (others,)))))
        out = [GuardPolicy(name, "Admin", priority + i, subject, rules)
               for i, (name, subject, rules) in enumerate(admin)]
        if self.baseline_deny:
            subject = ({"matchExpressions": [{"key": NAMESPACE_NAME_LABEL, "operator": "NotIn",
                                              "values": sorted(self.exempt_namespaces)}]}
                       if self.exempt_namespaces else everyone)
            out.append(GuardPolicy("baseline-deny", "Baseline", priority, subject, (
                GuardRule("deny-in", "Deny", "ingress", (GuardPeer(namespaces={}),)),
                GuardRule("deny-out", "Deny", "egress",
                          (GuardPeer(namespaces={}), GuardPeer(networks=EVERYWHERE))))))
        return tuple(out)

    def _check_priorities(self) -> None:
        low, high = PRIORITY_RANGE
        for policy in self.policies:
            if not low <= policy.priority <= high:
                raise ConstructError(self.display_path, f"priority {policy.priority} of "
                                     f"{policy.suffix} is outside {low}-{high}",
                                     field="priority", hint=f"these guardrails use "
                                     f"{len(self.policies)} consecutive priorities; start lower")
        taken = used_priorities(self.blueprint, exclude=self)
        for policy in self.policies:
            other = taken.get((policy.tier, policy.priority))
            if other is not None:
                raise ConstructError(self.display_path, f"{policy.tier} priority "
                                     f"{policy.priority} ({policy.suffix}) is also used by "
                                     f"{other}; implementations order equal priorities "
                                     "arbitrarily", field="priority",
                                     hint="give each ClusterGuardrails its own priority range")

    def policy_name(self, policy: GuardPolicy) -> str:
        """The cluster-wide name of one of the rendered policies."""
        return f"{self.node.id}-{policy.suffix}"


def used_priorities(root: Construct, exclude: Construct | None = None
                    ) -> dict[tuple[str, int], str]:
    """(tier, priority) → ``path (policy)`` for every guardrail policy under ``root``."""
    out: dict[tuple[str, int], str] = {}
    for c in root.node.walk():
        # hasattr: a ClusterGuardrails whose own checks failed is in the tree without policies
        if isinstance(c, ClusterGuardrails) and c is not exclude and hasattr(c, "policies"):
            for p in c.policies:
                out[(p.tier, p.priority)] = f"{c.display_path} ({p.suffix})"
    return out


def check_cluster_priorities(blueprints: Sequence[Blueprint]) -> None:
    """Fail when guardrails of two blueprints for one cluster share a tier and priority."""
    by_cluster: dict[str, dict[tuple[str, int], str]] = {}
    for bp in blueprints:
        taken = by_cluster.setdefault(bp.target.cluster, {})
        for key, where in used_priorities(bp).items():
            if key in taken:
                raise ConstructError(f"{bp.name}:{where}", f"{key[0]} priority {key[1]} is "
                                     f"also used by {taken[key]} in cluster "
                                     f"{bp.target.cluster}", field="priority",
                                     hint="give each ClusterGuardrails of a cluster its own "
                                          "priority range")
            taken[key] = f"{bp.name}:{where}"


def _names(namespace: str) -> dict[str, Any]:
    return {"matchLabels": {NAMESPACE_NAME_LABEL: namespace}}

