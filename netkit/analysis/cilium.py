"""CiliumNetworkPolicy and CiliumClusterwideNetworkPolicy at L3/L4, parsed as Cilium does.

Selectors match a pod's Cilium identity: its labels, ``io.kubernetes.pod.namespace`` and
``io.cilium.k8s.namespace.labels.<key>`` for each label of its namespace (``k8s:`` and
``any:`` source prefixes are accepted). A namespaced policy selects and, unless a peer selector
names a namespace, peers only in its own namespace.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from netkit.analysis.external import Network, block_matches, network
from netkit.analysis.model import Endpoint, PortRule
from netkit.k8s.selectors import matches

GROUP = "cilium.io"
KINDS = ("CiliumNetworkPolicy", "CiliumClusterwideNetworkPolicy")
NAMESPACE_KEY = "io.kubernetes.pod.namespace"
NAMESPACE_LABELS = "io.cilium.k8s.namespace.labels."
CLUSTER_KEY = "io.cilium.k8s.policy.cluster"
# Entities that stand for identities the model has: the rest (host, remote-node, health,
# init, ingress, unmanaged, none) are nodes and agents, never pods or the world.
IN_CLUSTER = ("cluster", "all")
OUTSIDE = ("world", "world-ipv4", "world-ipv6", "all")
L7_KINDS = ("http", "dns", "kafka", "l7")
UNMATCHABLE = "\0"  # a key no identity carries: selectors on other label sources


def identity(e: Endpoint, namespace_labels: dict[str, str]) -> dict[str, str]:
    """The labels Cilium gives a pod's identity, without source prefixes."""
    out = dict(e.labels)
    out[NAMESPACE_KEY] = e.namespace
    out[CLUSTER_KEY] = "default"
    for key, value in namespace_labels.items():
        out[NAMESPACE_LABELS + key] = value
    return out


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _key(key: Any) -> str:
    text = str(key)
    source, sep, rest = text.partition(":")
    if not sep or "." in source or "/" in source:
        return text
    return rest if source in ("k8s", "any") else UNMATCHABLE + text


def normalize(selector: Any) -> dict[str, Any]:
    """A label selector with ``k8s:``/``any:`` prefixes dropped from its keys."""
    selector = _dict(selector)
    out: dict[str, Any] = {}
    if selector.get("matchLabels"):
        out["matchLabels"] = {_key(k): str(v) for k, v in selector["matchLabels"].items()}
    if selector.get("matchExpressions"):
        out["matchExpressions"] = [{**e, "key": _key(e.get("key"))}
                                   for e in selector["matchExpressions"] if isinstance(e, dict)]
    return out


def _keys(selector: dict[str, Any]) -> list[str]:
    return [*(selector.get("matchLabels") or {}),
            *(e.get("key") for e in selector.get("matchExpressions") or [])]


def _reserved(selector: Any) -> str | None:
    """The entity a ``reserved:<entity>`` selector names."""
    for key in _keys(selector if isinstance(selector, dict) else {}):
        if str(key).startswith("reserved:"):
            return str(key).split(":", 1)[1]
    return None


def peer_selector(selector: Any, namespace: str | None) -> dict[str, Any]:
    """A from/toEndpoints selector scoped as Cilium scopes it for a policy in ``namespace``
    (None for a clusterwide policy)."""
    out = normalize(selector)
    keys = _keys(out)
    if NAMESPACE_KEY in keys:
        return out
    if namespace is None:
        exprs = [*out.get("matchExpressions", []), {"key": NAMESPACE_KEY, "operator": "Exists"}]
        return {**out, "matchExpressions": exprs}
    if any(k.startswith(NAMESPACE_LABELS) for k in keys):
        return out
    return {**out, "matchLabels": {**out.get("matchLabels", {}), NAMESPACE_KEY: namespace}}


def fqdn_pattern(pattern: str) -> re.Pattern[str]:
    """A matchName or matchPattern as a regex: ``*`` is any run of DNS label characters, and
    a lone ``*`` every name."""
    text = pattern.lower().rstrip(".")
    if text == "*":
        return re.compile(r".*")
    return re.compile("".join(r"[-a-z0-9_]*" if c == "*" else re.escape(c) for c in text))


def fqdn_matches(pattern: str, name: str) -> bool:
    """Whether a domain name pattern (``*.example.com``) covers the endpoint named ``name``
    (itself a name, or a pattern some rule allows)."""
    pattern = pattern.lower().rstrip(".")
    return pattern == name or bool(fqdn_pattern(pattern).fullmatch(name))


@dataclass(frozen=True)
class CiliumPeer:
    """One endpoint selector, entity, CIDR set or FQDN of a rule."""

    selector: dict[str, Any] | None = None
    entity: str | None = None
    cidr: Network | None = None
    excepts: tuple[Network, ...] = ()
    fqdn: str | None = None

    @property
    def namespace(self) -> str | None:
        """The one namespace an endpoint selector confines the peer to, if any."""
        if self.selector is None:
            return None
        value = (self.selector.get("matchLabels") or {}).get(NAMESPACE_KEY)
        return str(value) if value is not None else None

    def matches(self, e: Endpoint, labels: dict[str, str]) -> bool:
        """Whether the peer matches endpoint ``e`` whose Cilium identity is ``labels``."""
        if self.entity is not None:
            if e.external:
                return self.entity in OUTSIDE
            return self.entity in IN_CLUSTER or (
                self.entity == "kube-apiserver" and e.label_map().get("component")
                == "kube-apiserver" and e.namespace == "kube-system")
        if self.selector is not None:
            return not e.external and matches(self.selector, labels)
        if self.fqdn is not None:
            return e.cell is None and e.external and fqdn_matches(self.fqdn, e.name)
        if self.cidr is not None:  # CIDR rules apply only to traffic leaving the cluster
            if not e.external:
                return False
            if e.cell is None:
                return self.cidr.prefixlen == 0
            return block_matches(e.cell, self.cidr, self.excepts)
        return False


@dataclass(frozen=True)
class CiliumRule:
    """An allow or deny rule; ``peers`` None means every peer, ``ports`` None every port;
    ``l7`` names the L7 protocols that filter the ports in ``l7_ports``."""

    section: str
    index: int
    peers: tuple[CiliumPeer, ...] | None
    ports: tuple[PortRule, ...] | None
    l7_ports: tuple[PortRule, ...] = ()
    l7: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """``ingressDeny[0]``."""
        return f"{self.section}[{self.index}]"


@dataclass
class CiliumPolicy:
    """One rule set (``spec`` or an item of ``specs``) of a Cilium policy."""

    kind: str
    namespace: str | None
    name: str
    selector: dict[str, Any] | None
    rules: dict[str, list[CiliumRule]] = field(default_factory=dict)
    default_deny: dict[str, bool] = field(default_factory=dict)
    spec: str = "spec"
    file: str | None = None
    line: int | None = None

    @property
    def ref(self) -> str:
        """``CiliumNetworkPolicy shop/allow-web`` (with ``specs[i]`` when from a list)."""
        where = f"{self.namespace}/{self.name}" if self.namespace else self.name
        return f"{self.kind} {where}" + (f" {self.spec}" if self.spec != "spec" else "")

    def selects(self, e: Endpoint, labels: dict[str, str]) -> bool:
        """Whether this rule set applies to endpoint ``e`` (pods only) whose Cilium identity
        is ``labels``."""
        return self.selector is not None and not e.external and matches(self.selector, labels)

    def allows(self, direction: str) -> list[CiliumRule]:
        """Allow rules of ``direction``."""
        return self.rules.get(direction, [])

    def denies(self, direction: str) -> list[CiliumRule]:
        """Deny rules of ``direction``."""
        return self.rules.get(f"{direction}Deny", [])


def _port_rules(to_ports: Any) -> tuple[tuple[PortRule, ...] | None, tuple[PortRule, ...],
                                          tuple[str, ...]]:
    if to_ports is None:
        return None, (), ()
    ports: list[PortRule] = []
    l7_ports: list[PortRule] = []
    kinds: set[str] = set()
    for entry in to_ports if isinstance(to_ports, list) else []:
        if not isinstance(entry, dict):
            continue
        rules = _dict(entry.get("rules"))
        filtered = sorted(k for k in L7_KINDS if rules.get(k))
        raw_ports = entry.get("ports") or [{}]
        parsed = []
        for p in raw_ports:
            if not isinstance(p, dict):
                continue
            protocol = str(p.get("protocol") or "ANY").upper()
            if protocol not in ("TCP", "UDP", "SCTP", "ANY"):
                continue  # GRE, ESP, VRRP...: no ports, and outside what the audit covers
            value = str(p.get("port", "0") or "0")
            if value.isdigit():
                number = int(value)
                end = p.get("endPort") if isinstance(p.get("endPort"), int) else None
                parsed.append(PortRule(protocol, number or None, end if number else None))
            else:
                parsed.append(PortRule(protocol, value, None))
        ports += parsed
        if filtered:
            l7_ports += parsed
            kinds.update(filtered)
    return tuple(ports), tuple(l7_ports), tuple(sorted(kinds))


PEER_FIELDS = {"ingress": ("fromEndpoints", "fromEntities", "fromCIDR", "fromCIDRSet",
                           "fromNodes", "fromGroups", "fromRequires"),
               "egress": ("toEndpoints", "toEntities", "toCIDR", "toCIDRSet", "toFQDNs",
                          "toServices", "toNodes", "toGroups", "toRequires")}


def _peers(raw: dict[str, Any], direction: str, namespace: str | None
           ) -> tuple[CiliumPeer, ...] | None:
    """The peers of a rule; Services, nodes, cloud groups and CIDR group references match
    nothing the model holds (lint reports them)."""
    present = [f for f in PEER_FIELDS[direction] if raw.get(f) is not None]
    if not present:
        return None
    out: list[CiliumPeer] = []
    for f in present:
        items = raw[f] if isinstance(raw[f], list) else []
        if f.endswith("Endpoints"):
            for sel in items:
                entity = _reserved(sel)
                out.append(CiliumPeer(entity=entity) if entity
                           else CiliumPeer(selector=peer_selector(sel, namespace)))
        elif f.endswith("Entities"):
            out += [CiliumPeer(entity=str(x)) for x in items]
        elif f.endswith("CIDR"):
            out += [CiliumPeer(cidr=n) for n in (network(str(x)) for x in items) if n]
        elif f.endswith("CIDRSet"):
            for item in items:
                net = network(str(_dict(item).get("cidr", "")))
                if net is None:
                    continue
                excepts = tuple(x for x in (network(str(e)) for e in item.get("except") or [])
                                if x is not None)
                out.append(CiliumPeer(cidr=net, excepts=excepts))
        elif f == "toFQDNs":
            out += [CiliumPeer(fqdn=str(x.get("matchName") or x.get("matchPattern")))
                    for x in items if isinstance(x, dict)
                    and (x.get("matchName") or x.get("matchPattern"))]
    return tuple(out)


def _rules(spec: dict[str, Any], section: str, namespace: str | None) -> list[CiliumRule]:
    direction = "ingress" if section.startswith("ingress") else "egress"
    out = []
    for i, raw in enumerate(spec.get(section) or []):
        raw = raw if isinstance(raw, dict) else {}
        ports, l7_ports, l7 = _port_rules(raw.get("toPorts"))
        if ports is None and raw.get("icmps"):
            ports = ()  # an ICMP-only rule allows no TCP, UDP or SCTP port
        peers = _peers(raw, direction, namespace)
        if peers is None and ports is None:
            peers = ()  # neither peers nor ports: the rule selects nothing
        out.append(CiliumRule(section, i, peers, ports, l7_ports, l7))
    return out


SECTIONS = ("ingress", "ingressDeny", "egress", "egressDeny")


def _rule_set(obj: dict[str, Any], spec: dict[str, Any], where: str, file: str | None,
              line: int | None) -> CiliumPolicy:
    kind = str(obj.get("kind"))
    md = _dict(obj.get("metadata"))
    namespace = str(md.get("namespace") or "default") if kind == "CiliumNetworkPolicy" else None
    raw_selector = spec.get("endpointSelector")
    selector = None
    if isinstance(raw_selector, dict):
        selector = normalize(raw_selector)
        if namespace is not None:
            selector["matchLabels"] = {**selector.get("matchLabels", {}),
                                       NAMESPACE_KEY: namespace}
    policy = CiliumPolicy(kind, namespace, str(md.get("name")), selector, spec=where,
                          file=file, line=line)
    policy.rules = {s: _rules(spec, s, namespace) for s in SECTIONS}
    flags = _dict(spec.get("enableDefaultDeny"))
    for direction in ("ingress", "egress"):
        has_rules = bool(policy.rules[direction] or policy.rules[f"{direction}Deny"])
        flag = flags.get(direction)
        policy.default_deny[direction] = has_rules and (flag if isinstance(flag, bool)
                                                        else True)
    return policy


def is_cilium_policy(obj: dict[str, Any]) -> bool:
    """Whether ``obj`` is a CiliumNetworkPolicy or CiliumClusterwideNetworkPolicy."""
    return (str(obj.get("apiVersion", "")).split("/")[0] == GROUP
            and obj.get("kind") in KINDS)


def cilium_policies_from(obj: dict[str, Any], file: str | None = None,
                         line: int | None = None) -> list[CiliumPolicy]:
    """A CiliumPolicy for ``spec`` and each item of ``specs``."""
    out = []
    if isinstance(obj.get("spec"), dict):
        out.append(_rule_set(obj, obj["spec"], "spec", file, line))
    for i, spec in enumerate(obj.get("specs") or []):
        if isinstance(spec, dict):
            out.append(_rule_set(obj, spec, f"specs[{i}]", file, line))
    return out
