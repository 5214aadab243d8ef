"""A brute-force evaluator of the policy tiers, one pod pair and one port at a time, straight
from the raw objects: Admin tier (ClusterNetworkPolicy, AdminNetworkPolicy), then
NetworkPolicy with Cilium policies (deny wins), then Baseline tier, then allow."""

from __future__ import annotations

import ipaddress
import re
from typing import Any

from netkit.analysis.model import Endpoint
from netkit.k8s.selectors import matches
from tests.analysis.reference import address, port_matches, side_allows

ALL_PROTOCOLS = ("TCP", "UDP", "SCTP")


def _ns_labels(ns: str, namespaces: dict[str, dict[str, str]]) -> dict[str, str]:
    return namespaces.get(ns, {"kubernetes.io/metadata.name": ns})


def _in_cidr(e: Endpoint, cidr: str, excepts: list[str], *, pods: bool) -> bool:
    if e.external and e.cell is None:  # a domain name: only the whole address space holds it
        return ipaddress.ip_network(cidr, strict=False).prefixlen == 0
    if not pods and not e.external:
        return False
    ip = address(e)
    net = ipaddress.ip_network(cidr, strict=False)
    if ip is None or ip.version != net.version or ip not in net:
        return False
    return not any(ip in x for x in map(lambda c: ipaddress.ip_network(c, strict=False),
                                        excepts) if x.version == ip.version)


def _glob(pattern: str, name: str) -> bool:
    pattern = pattern.lower().rstrip(".")
    if pattern == "*":
        return True
    regex = "".join("[-a-z0-9_]*" if c == "*" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, name) is not None


def _domain(e: Endpoint, pattern: str) -> bool:
    """A domain endpoint is named after a name or pattern some rule allows: a rule covers it
    when it names the same pattern or its pattern matches the name."""
    pattern = pattern.lower().rstrip(".")
    return e.external and e.cell is None and (pattern == e.name or _glob(pattern, e.name))


# -- ClusterNetworkPolicy / AdminNetworkPolicy / BaselineAdminNetworkPolicy ------------------

def _tier(obj: dict[str, Any]) -> str:
    if obj["kind"] == "ClusterNetworkPolicy":
        return str(obj["spec"].get("tier", "Admin"))
    return "Admin" if obj["kind"] == "AdminNetworkPolicy" else "Baseline"


def _pods_match(sel: dict[str, Any], e: Endpoint, namespaces: dict[str, dict[str, str]]) -> bool:
    return (not e.external and matches(sel.get("namespaceSelector") or {},
                                       _ns_labels(e.namespace, namespaces))
            and matches(sel.get("podSelector") or {}, e.label_map()))


def _subject(spec: dict[str, Any], e: Endpoint, namespaces: dict[str, dict[str, str]]) -> bool:
    subject = spec.get("subject") or {}
    if e.external:
        return False
    if "namespaces" in subject:
        return matches(subject["namespaces"], _ns_labels(e.namespace, namespaces))
    if "pods" in subject:
        return _pods_match(subject["pods"], e, namespaces)
    return False


def _tier_peer(peer: dict[str, Any], e: Endpoint, namespaces: dict[str, dict[str, str]]) -> bool:
    if "namespaces" in peer and not e.external and matches(
            peer["namespaces"], _ns_labels(e.namespace, namespaces)):
        return True
    if "pods" in peer and _pods_match(peer["pods"], e, namespaces):
        return True
    if any(_in_cidr(e, c, [], pods=True) for c in peer.get("networks") or []):
        return True
    return any(_domain(e, d) for d in peer.get("domainNames") or [])


def _tier_port(rule: dict[str, Any], v1alpha1: bool, dst: Endpoint, port: int,
               protocol: str) -> bool:
    items = rule.get("ports" if v1alpha1 else "protocols")
    if not items:
        return True
    for item in items:
        name = item.get("namedPort" if v1alpha1 else "destinationNamedPort")
        if name and any(n == name and p == protocol and num == port
                        for n, p, num in dst.named_ports):
            return True
        if v1alpha1:
            number = item.get("portNumber")
            if number and (number.get("protocol") or "TCP") == protocol and number["port"] == port:
                return True
            span = item.get("portRange")
            if span and (span.get("protocol") or "TCP") == protocol and (
                    span["start"] <= port <= span["end"]):
                return True
        else:
            match = item.get(protocol.lower())
            if match is None:
                continue
            dest = match.get("destinationPort")
            if not dest:
                return True
            if dest.get("number") == port:
                return True
            if "range" in dest and dest["range"]["start"] <= port <= dest["range"]["end"]:
                return True
    return False


def tier_action(policies: list[dict[str, Any]], tier: str, selected: Endpoint, other: Endpoint,
                dst: Endpoint, port: int, protocol: str, direction: str,
                namespaces: dict[str, dict[str, str]]) -> str | None:
    """The action of the first rule of ``tier`` that matches, or None."""
    key = "from" if direction == "ingress" else "to"
    ordered = sorted((p for p in policies if _tier(p) == tier),
                     key=lambda p: (p["spec"].get("priority", 0), p["metadata"]["name"]))
    for p in ordered:
        if not _subject(p["spec"], selected, namespaces):
            continue
        for rule in p["spec"].get(direction) or []:
            if not any(_tier_peer(peer, other, namespaces) for peer in rule.get(key) or []):
                continue
            if _tier_port(rule, p["kind"] != "ClusterNetworkPolicy", dst, port, protocol):
                return {"Allow": "Accept"}.get(rule["action"], rule["action"])
    return None


# -- Cilium -----------------------------------------------------------------------------------

def _strip(key: str) -> str:
    for prefix in ("k8s:", "any:"):
        if key.startswith(prefix):
            return key[len(prefix):]
    return key


def _identity(e: Endpoint, namespaces: dict[str, dict[str, str]]) -> dict[str, str]:
    labels = {**e.label_map(), "io.kubernetes.pod.namespace": e.namespace,
              "io.cilium.k8s.policy.cluster": "default"}
    for k, v in _ns_labels(e.namespace, namespaces).items():
        labels[f"io.cilium.k8s.namespace.labels.{k}"] = v
    return labels


def _cilium_selector(sel: dict[str, Any]) -> dict[str, Any]:
    return {"matchLabels": {_strip(k): v for k, v in (sel.get("matchLabels") or {}).items()},
            "matchExpressions": [{**x, "key": _strip(x["key"])}
                                 for x in sel.get("matchExpressions") or []]}


def _endpoint_peer(sel: dict[str, Any], policy_ns: str | None, e: Endpoint,
                   namespaces: dict[str, dict[str, str]]) -> bool:
    if e.external:
        return False
    s = _cilium_selector(sel)
    keys = [*s["matchLabels"], *(x["key"] for x in s["matchExpressions"])]
    if "io.kubernetes.pod.namespace" not in keys:
        if policy_ns is None:
            pass  # clusterwide: every pod has a namespace
        elif not any(k.startswith("io.cilium.k8s.namespace.labels.") for k in keys) and (
                e.namespace != policy_ns):
            return False
    return matches(s, _identity(e, namespaces))


def _entity(entity: str, e: Endpoint) -> bool:
    if entity == "all":
        return True
    return entity == "world" if e.external else entity == "cluster"


PEERS = {"ingress": ("fromEndpoints", "fromEntities", "fromCIDR", "fromCIDRSet"),
         "egress": ("toEndpoints", "toEntities", "toCIDR", "toCIDRSet", "toFQDNs")}


def _cilium_rule_peer(rule: dict[str, Any], direction: str, policy_ns: str | None,
                      other: Endpoint, namespaces: dict[str, dict[str, str]]) -> bool:
    present = [k for k in PEERS[direction] if k in rule]
    if not present:
        return "toPorts" in rule
    p = "from" if direction == "ingress" else "to"
    if any(_endpoint_peer(s, policy_ns, other, namespaces) for s in rule.get(f"{p}Endpoints", [])):
        return True
    if any(_entity(x, other) for x in rule.get(f"{p}Entities", [])):
        return True
    if any(_in_cidr(other, c, [], pods=False) for c in rule.get(f"{p}CIDR", [])):
        return True
    if any(_in_cidr(other, s["cidr"], s.get("except", []), pods=False)
           for s in rule.get(f"{p}CIDRSet", [])):
        return True
    return any(_domain(other, f.get("matchName") or f.get("matchPattern") or "")
               for f in rule.get("toFQDNs", []))


def _cilium_port(rule: dict[str, Any], dst: Endpoint, port: int, protocol: str,
                 *, l7_only: bool = False) -> bool:
    if "toPorts" not in rule:
        return not l7_only
    for entry in rule["toPorts"]:
        if l7_only and not any((entry.get("rules") or {}).get(k)
                               for k in ("http", "dns", "kafka", "l7")):
            continue
        for p in entry.get("ports") or [{}]:
            proto = (p.get("protocol") or "ANY").upper()
            if proto not in ("ANY", protocol):
                continue
            value = str(p.get("port", "0"))
            if value.isdigit():
                n = int(value)
                if n == 0 or n == port or (p.get("endPort") and n <= port <= p["endPort"]):
                    return True
            elif any(name == value and num == port and pr == protocol
                     for name, pr, num in dst.named_ports):
                return True
    return False


def _cilium_specs(obj: dict[str, Any]) -> list[dict[str, Any]]:
    return ([obj["spec"]] if "spec" in obj else []) + list(obj.get("specs") or [])


def _cilium_selects(obj: dict[str, Any], spec: dict[str, Any], e: Endpoint,
                    namespaces: dict[str, dict[str, str]]) -> bool:
    if e.external or "endpointSelector" not in spec:
        return False
    selector = _cilium_selector(spec["endpointSelector"])
    if obj["kind"] == "CiliumNetworkPolicy":  # its own namespace, whatever the selector says
        if e.namespace != obj["metadata"].get("namespace", "default"):
            return False
        selector["matchLabels"].pop("io.kubernetes.pod.namespace", None)
    return matches(selector, _identity(e, namespaces))


def cilium_side(policies: list[dict[str, Any]], selected: Endpoint, other: Endpoint,
                dst: Endpoint, port: int, protocol: str, direction: str,
                namespaces: dict[str, dict[str, str]]) -> tuple[bool, bool, bool, bool]:
    """(denied, isolating, allowed by an L4 rule, allowed by an L7-filtered rule)."""
    denied = isolating = allowed = l7 = False
    for obj in policies:
        ns = obj["metadata"].get("namespace", "default") if obj["kind"] == (
            "CiliumNetworkPolicy") else None
        for spec in _cilium_specs(obj):
            if not _cilium_selects(obj, spec, selected, namespaces):
                continue
            if spec.get(direction) or spec.get(f"{direction}Deny"):
                flag = (spec.get("enableDefaultDeny") or {}).get(direction)
                isolating = isolating or flag is None or flag
            for rule in spec.get(f"{direction}Deny") or []:
                if (_cilium_rule_peer(rule, direction, ns, other, namespaces)
                        and _cilium_port(rule, dst, port, protocol)):
                    denied = True
            for rule in spec.get(direction) or []:
                if not _cilium_rule_peer(rule, direction, ns, other, namespaces):
                    continue
                if _cilium_port(rule, dst, port, protocol, l7_only=True):
                    l7 = True
                elif _cilium_port(rule, dst, port, protocol):
                    allowed = True
    return denied, isolating, allowed, l7


# -- all layers -------------------------------------------------------------------------------

def _np_isolating(policies: list[dict[str, Any]], selected: Endpoint, direction: str) -> bool:
    from tests.analysis.reference import policy_types
    kind = "Ingress" if direction == "ingress" else "Egress"
    return not selected.external and any(
        p["metadata"].get("namespace", "default") == selected.namespace
        and matches(p["spec"].get("podSelector") or {}, selected.label_map())
        and kind in policy_types(p["spec"]) for p in policies)


def side(objs: list[dict[str, Any]], namespaces: dict[str, dict[str, str]], selected: Endpoint,
         other: Endpoint, dst: Endpoint, port: int, protocol: str, direction: str) -> str:
    """``allow``, ``l7`` (allowed only by L7-filtered Cilium rules) or ``deny``."""
    nps = [o for o in objs if o["kind"] == "NetworkPolicy"]
    tiers = [o for o in objs if o["apiVersion"].startswith("policy.networking.k8s.io/")]
    cilium = [o for o in objs if o["apiVersion"] == "cilium.io/v2"]
    args = (selected, other, dst, port, protocol, direction, namespaces)
    action = tier_action(tiers, "Admin", *args)
    if action in ("Accept", "Deny"):
        return "allow" if action == "Accept" else "deny"
    denied, cilium_isolates, cilium_allows, cilium_l7 = cilium_side(cilium, *args)
    if denied:
        return "deny"
    if cilium_isolates or _np_isolating(nps, selected, direction):
        np_allows = _np_isolating(nps, selected, direction) and side_allows(
            nps, selected, other, dst, port, protocol, direction, namespaces)
        if np_allows or cilium_allows:
            return "allow"
        return "l7" if cilium_l7 else "deny"
    action = tier_action(tiers, "Baseline", *args)
    return "deny" if action == "Deny" else "allow"


def verdict(objs: list[dict[str, Any]], namespaces: dict[str, dict[str, str]], src: Endpoint,
            dst: Endpoint, port: int, protocol: str) -> str:
    """``allow``, ``l7`` or ``deny`` for ``src`` → ``dst`` on ``port``/``protocol``."""
    if src.id == dst.id:
        return "allow"
    if src.external and dst.external:
        return "deny"
    out = side(objs, namespaces, src, dst, dst, port, protocol, "egress")
    if out == "deny":
        return out
    into = side(objs, namespaces, dst, src, dst, port, protocol, "ingress")
    if into == "deny":
        return into
    return "l7" if "l7" in (out, into) else "allow"


__all__ = ["ALL_PROTOCOLS", "port_matches", "verdict"]
