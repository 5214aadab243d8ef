"""A brute-force NetworkPolicy evaluator: one pod pair, one port at a time, straight from the
raw objects. Slow and obvious, so the engine can be checked against it."""

from __future__ import annotations

import ipaddress
from typing import Any

from netkit.analysis.model import Endpoint
from netkit.k8s.selectors import matches


def policy_types(spec: dict[str, Any]) -> list[str]:
    if spec.get("policyTypes"):
        return list(spec["policyTypes"])
    types = ["Ingress"]
    if spec.get("egress"):
        types.append("Egress")
    return types


def address(e: Endpoint) -> Any:
    if e.external and e.cell is not None:
        return e.cell.representative()
    return ipaddress.ip_address(e.ip) if e.ip else None


def peer_matches(peer: dict[str, Any], policy_ns: str, other: Endpoint,
                 namespaces: dict[str, dict[str, str]]) -> bool:
    if "ipBlock" in peer:
        if other.external and other.cell is None:  # a domain name: inside only ::/0, 0/0
            return ipaddress.ip_network(peer["ipBlock"]["cidr"], strict=False).prefixlen == 0
        ip = address(other)
        if ip is None:
            return False
        block = peer["ipBlock"]
        cidr = ipaddress.ip_network(block["cidr"], strict=False)
        if ip.version != cidr.version or ip not in cidr:
            return False
        return not any(ip in ipaddress.ip_network(x, strict=False)
                       for x in block.get("except") or []
                       if ipaddress.ip_network(x, strict=False).version == ip.version)
    if other.external:
        return False
    if "namespaceSelector" in peer:
        labels = namespaces.get(other.namespace, {"kubernetes.io/metadata.name": other.namespace})
        if not matches(peer["namespaceSelector"], labels):
            return False
    elif other.namespace != policy_ns:
        return False
    return "podSelector" not in peer or matches(peer["podSelector"], other.label_map())


def port_matches(ports: list[dict[str, Any]] | None, dst: Endpoint, port: int,
                 protocol: str) -> bool:
    if not ports:
        return True
    for p in ports:
        if (p.get("protocol") or "TCP") != protocol:
            continue
        value = p.get("port")
        if value is None:
            return True
        if isinstance(value, int):
            end = p.get("endPort")
            if value == port or (end is not None and value <= port <= end):
                return True
        elif (value, protocol, port) in dst.named_ports:
            return True
    return False


def side_allows(policies: list[dict[str, Any]], selected: Endpoint, other: Endpoint,
                dst: Endpoint, port: int, protocol: str, direction: str,
                namespaces: dict[str, dict[str, str]]) -> bool:
    kind = "Ingress" if direction == "ingress" else "Egress"
    peers_key = "from" if direction == "ingress" else "to"
    isolating = [p for p in policies
                 if p["metadata"].get("namespace", "default") == selected.namespace
                 and not selected.external
                 and matches(p["spec"].get("podSelector") or {}, selected.label_map())
                 and kind in policy_types(p["spec"])]
    if not isolating:
        return True
    for p in isolating:
        ns = p["metadata"].get("namespace", "default")
        for rule in p["spec"].get(direction) or []:
            peers = rule.get(peers_key)
            if peers and not any(peer_matches(peer, ns, other, namespaces) for peer in peers):
                continue
            if port_matches(rule.get("ports"), dst, port, protocol):
                return True
    return False


def allowed(policies: list[dict[str, Any]], namespaces: dict[str, dict[str, str]],
            src: Endpoint, dst: Endpoint, port: int, protocol: str) -> bool:
    """Whether ``src`` may connect to ``dst`` on ``port``/``protocol``."""
    if src.id == dst.id:
        return True
    if src.external and dst.external:
        return False
    return (side_allows(policies, src, dst, dst, port, protocol, "egress", namespaces)
            and side_allows(policies, dst, src, dst, port, protocol, "ingress", namespaces))
