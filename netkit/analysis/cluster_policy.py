"""ClusterNetworkPolicy (Admin and Baseline tiers) and the older AdminNetworkPolicy and
BaselineAdminNetworkPolicy, parsed into ordered rules with Accept, Deny or Pass actions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from netkit.analysis.external import network
from netkit.analysis.model import Peer, PortRule

GROUP = "policy.networking.k8s.io"
KINDS = ("ClusterNetworkPolicy", "AdminNetworkPolicy", "BaselineAdminNetworkPolicy")
# v1alpha1 says Allow where v1alpha2 says Accept; both end evaluation allowing.
ACTIONS = {"Accept": "Accept", "Allow": "Accept", "Deny": "Deny", "Pass": "Pass"}
TIER_ORDER = {"Admin": 0, "Baseline": 1}


@dataclass(frozen=True)
class TierRule:
    """One ingress or egress rule: the first that matches a connection decides it."""

    direction: str
    index: int
    name: str
    action: str
    peers: tuple[Peer, ...]
    ports: tuple[PortRule, ...] | None

    @property
    def label(self) -> str:
        """``egress[1] "deny-db"`` (index as in the object, name as written)."""
        return f'{self.direction}[{self.index}]' + (f' "{self.name}"' if self.name else "")


@dataclass
class TierPolicy:
    """A cluster-scoped policy of the Admin or Baseline tier."""

    kind: str
    name: str
    tier: str
    priority: int
    subject: Peer
    ingress: list[TierRule]
    egress: list[TierRule]
    file: str | None = None
    line: int | None = None

    @property
    def ref(self) -> str:
        """``ClusterNetworkPolicy platform-guardrails (Admin, priority 10)``."""
        if self.kind == "BaselineAdminNetworkPolicy":
            return f"{self.kind} {self.name} (Baseline)"
        return f"{self.kind} {self.name} ({self.tier}, priority {self.priority})"

    @property
    def order(self) -> tuple[int, int, str]:
        """Evaluation order: tier, then priority, then name (upstream leaves ties open)."""
        return (TIER_ORDER[self.tier], self.priority, self.name)

    def rules(self, direction: str) -> list[TierRule]:
        """The rules of one direction, in precedence order."""
        return self.ingress if direction == "ingress" else self.egress


def _selector(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _pods(value: dict[str, Any]) -> Peer:
    return Peer(_selector(value.get("podSelector")), _selector(value.get("namespaceSelector")))


def _subject(spec: dict[str, Any]) -> Peer:
    subject = _selector(spec.get("subject"))
    if isinstance(subject.get("namespaces"), dict):
        return Peer(None, subject["namespaces"])
    if isinstance(subject.get("pods"), dict):
        return _pods(subject["pods"])
    return Peer(None, None, invalid=True)


def _peers(items: Any) -> tuple[Peer, ...]:
    out: list[Peer] = []
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict):
            continue
        if isinstance(item.get("namespaces"), dict):
            out.append(Peer(None, item["namespaces"]))
        if isinstance(item.get("pods"), dict):
            out.append(_pods(item["pods"]))
        for cidr in item.get("networks") or []:
            net = network(str(cidr))
            out.append(Peer(None, None, net, invalid=net is None))
        for name in item.get("domainNames") or []:
            out.append(Peer(None, None, fqdn=str(name).lower().rstrip(".")))
        if "nodes" in item:  # node IPs are not endpoints of the model: matches none of them
            out.append(Peer(None, None, invalid=True))
    return tuple(out)


def _range(proto: str, port: Any) -> PortRule | None:
    port = _selector(port)
    if isinstance(port.get("number"), int):
        return PortRule(proto, port["number"], None)
    span = _selector(port.get("range"))
    if isinstance(span.get("start"), int):
        return PortRule(proto, span["start"], span.get("end"))
    return PortRule(proto, None, None)


def _protocols(items: Any) -> tuple[PortRule, ...] | None:
    """v1alpha2 ``protocols`` (tcp/udp/sctp destinationPort, destinationNamedPort)."""
    if not items:
        return None
    out = []
    for item in items:
        if not isinstance(item, dict):
            continue
        if item.get("destinationNamedPort"):
            out.append(PortRule("ANY", str(item["destinationNamedPort"]), None))
        for key in ("tcp", "udp", "sctp"):
            if key in item:
                rule = _range(key.upper(), _selector(item[key]).get("destinationPort"))
                if rule is not None:
                    out.append(rule)
    return tuple(out)


def _ports(items: Any) -> tuple[PortRule, ...] | None:
    """v1alpha1 ``ports`` (portNumber, portRange, namedPort)."""
    if not items:
        return None
    out = []
    for item in items:
        if not isinstance(item, dict):
            continue
        if item.get("namedPort"):
            out.append(PortRule("ANY", str(item["namedPort"]), None))
        number = _selector(item.get("portNumber"))
        if isinstance(number.get("port"), int):
            out.append(PortRule(str(number.get("protocol") or "TCP"), number["port"], None))
        span = _selector(item.get("portRange"))
        if isinstance(span.get("start"), int):
            out.append(PortRule(str(span.get("protocol") or "TCP"), span["start"],
                                span.get("end")))
    return tuple(out)


def _rules(spec: dict[str, Any], direction: str, v1alpha1: bool) -> list[TierRule]:
    out = []
    key = "from" if direction == "ingress" else "to"
    for i, raw in enumerate(spec.get(direction) or []):
        raw = _selector(raw)
        action = ACTIONS.get(str(raw.get("action")))
        if action is None:
            continue
        ports = _ports(raw.get("ports")) if v1alpha1 else _protocols(raw.get("protocols"))
        out.append(TierRule(direction, i, str(raw.get("name") or ""), action,
                            _peers(raw.get(key)), ports))
    return out


def is_tier_policy(obj: dict[str, Any]) -> bool:
    """Whether ``obj`` is one of the network-policy-api kinds."""
    return (str(obj.get("apiVersion", "")).split("/")[0] == GROUP
            and obj.get("kind") in KINDS)


def tier_policy_from(obj: dict[str, Any], file: str | None = None,
                     line: int | None = None) -> TierPolicy:
    """A TierPolicy from a ClusterNetworkPolicy, AdminNetworkPolicy or
    BaselineAdminNetworkPolicy object."""
    kind = str(obj.get("kind"))
    spec = _selector(obj.get("spec"))
    name = str(_selector(obj.get("metadata")).get("name"))
    v1alpha1 = kind != "ClusterNetworkPolicy"
    if kind == "ClusterNetworkPolicy":
        tier = "Baseline" if spec.get("tier") == "Baseline" else "Admin"
    else:
        tier = "Admin" if kind == "AdminNetworkPolicy" else "Baseline"
    priority = spec.get("priority")
    return TierPolicy(kind, name, tier, priority if isinstance(priority, int) else 0,
                      _subject(spec), _rules(spec, "ingress", v1alpha1),
                      _rules(spec, "egress", v1alpha1), file, line)
