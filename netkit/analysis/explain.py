"""why: the verdict on one flow, the policies on each side, and the smallest fix."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from ipaddress import ip_address
from typing import Any

from netkit.analysis.engine import Group, Reachability, resolve_ports
from netkit.analysis.model import Endpoint, Policy
from netkit.k8s import networking as np
from netkit.k8s.names import DNS1123_SUBDOMAIN_MAX
from netkit.serialize import dump_all


@dataclass
class Side:
    """One side of a flow: egress at the source or ingress at the destination."""

    allowed: bool
    isolated: bool
    policies: list[str] = field(default_factory=list)
    allowed_by: list[dict[str, Any]] = field(default_factory=list)
    note: str = ""

    def to_json(self) -> dict[str, Any]:
        """JSON form."""
        return {"allowed": self.allowed, "isolated": self.isolated, "policies": self.policies,
                "allowed_by": self.allowed_by, "note": self.note}


@dataclass
class Explanation:
    """Why ``src`` may or may not open ``port``/``protocol`` on ``dst``."""

    src: Endpoint
    dst: Endpoint
    port: int
    protocol: str
    allowed: bool
    egress: Side
    ingress: Side
    fix: list[dict[str, Any]] = field(default_factory=list)
    blueprint_fix: str | None = None

    def to_json(self) -> dict[str, Any]:
        """``{"allowed", "egress", "ingress", ...}`` naming policies as namespace/name."""
        return {"from": self.src.id, "to": self.dst.id, "port": self.port,
                "protocol": self.protocol, "allowed": self.allowed,
                "egress": self.egress.to_json(), "ingress": self.ingress.to_json(),
                "fix": self.fix, "blueprint_fix": self.blueprint_fix}

    def fix_yaml(self) -> str:
        """The fix as YAML documents."""
        return dump_all(self.fix)


def _side(r: Reachability, selected: Group, other: Group, dst: Group, port: int,
          protocol: str, direction: str) -> Side:
    if selected.sample.external:
        where = "on its hosts' network" if selected.sample.implied else "outside the cluster"
        return Side(True, False, note=f"{where}: no NetworkPolicy applies there")
    policies: list[Policy] = getattr(selected, f"{direction}_policies")
    if not policies:
        return Side(True, False, note=f"no policy selects {selected.sample.id} for "
                                      f"{direction}, so it is open")
    side = Side(False, True, [p.ref for p in policies])
    for policy in policies:
        for i, rule in enumerate(getattr(policy, direction) or []):
            peers = rule.peers is None or any(r.peer_matches(p, policy, other)
                                               for p in rule.peers)
            if peers and resolve_ports(rule.ports, dst.sample).contains(port, protocol):
                side.allowed_by.append({"policy": policy.ref, "rule": f"{direction}[{i}]"})
    side.allowed = bool(side.allowed_by)
    if not side.allowed:
        side.note = f"no {direction} rule of these policies admits {protocol}/{port}"
    return side


def _block(e: Endpoint) -> tuple[str, list[str]]:
    """The ipBlock of an endpoint outside the pod network: the API server's own address, or
    a cell of the world outside."""
    if e.ip is not None:
        ip = ip_address(e.ip)
        return f"{ip}/{ip.max_prefixlen}", []
    assert e.cell is not None
    return str(e.cell.network), [str(h) for h in e.cell.holes]


def _peer(e: Endpoint, seen_from: str) -> dict[str, Any]:
    if e.external:
        return np.ip_peer(*_block(e))
    pods = e.label_map() or None
    return np.pod_peer(pods if e.name != "*" else None,
                       namespace=None if e.namespace == seen_from else e.namespace)


def _slug(e: Endpoint) -> str:
    """The endpoint (its id past the namespace, so kinds that share a name differ) as part
    of a name: lower-case letters, digits and dashes, never empty."""
    return re.sub(r"[^a-z0-9]+", "-", e.id.split("/", 1)[-1].lower()).strip("-") or "all-pods"


def _fix_name(direction: str, here: Endpoint, link: str, there: Endpoint) -> str:
    """``allow-<direction>-<here>-<to|from>-<there>``; a name past the 253 characters of a
    DNS subdomain is cut short and ends with a hash of the whole."""
    name = f"allow-{direction}-{_slug(here)}-{link}-{_slug(there)}"
    if len(name) <= DNS1123_SUBDOMAIN_MAX:
        return name
    digest = hashlib.sha256(name.encode()).hexdigest()[:12]
    return f"{name[:DNS1123_SUBDOMAIN_MAX - 13].rstrip('-')}-{digest}"


def _fix(x: Explanation) -> list[dict[str, Any]]:
    """A policy for each denying side: at the source for egress, at the destination for
    ingress, admitting exactly this port from/to the other end."""
    port = [np.policy_port(x.port, protocol=x.protocol)]
    out = []
    for direction, side, here, there, link in (("egress", x.egress, x.src, x.dst, "to"),
                                               ("ingress", x.ingress, x.dst, x.src, "from")):
        if side.allowed:
            continue
        rule = np.rule([_peer(there, here.namespace)], port, direction=direction)
        out.append(np.network_policy(
            _fix_name(direction, here, link, there), here.namespace,
            pod_selector=here.label_map() or None, policy_types=[direction.capitalize()],
            ingress=[rule] if direction == "ingress" else None,
            egress=[rule] if direction == "egress" else None))
    return out


def _identifier(text: str) -> str:
    return re.sub(r"\W", "_", text)


def _construct_expr(e: Endpoint) -> str:
    if e.external:
        cidr, excepts = _block(e)
        return f'cidr("{cidr}", except_={excepts})' if excepts else f'cidr("{cidr}")'
    if e.name == "*":
        return f'any_pod_in("{e.namespace}")'
    return _identifier(e.name)


def explain(r: Reachability, src: str, dst: str, port: int, protocol: str = "TCP",
            *, workloads: set[str] | None = None) -> Explanation:
    """Explain the verdict on ``src`` → ``dst`` ``port``/``protocol``.

    ``workloads`` are the endpoint ids declared in blueprints; when given and the flow is
    denied, the fix also comes as the ``allow(...)`` line to add to the blueprint.
    """
    a, b = r.group(src), r.group(dst)
    ea = next(e for e in a.members if e.id == src)
    eb = next(e for e in b.members if e.id == dst)
    if src == dst:
        side = Side(True, False, note="a pod may always reach itself")
        return Explanation(ea, eb, port, protocol, True, side, side)
    egress = _side(r, a, b, b, port, protocol, "egress")
    ingress = _side(r, b, a, b, port, protocol, "ingress")
    x = Explanation(ea, eb, port, protocol, egress.allowed and ingress.allowed, egress, ingress)
    if not x.allowed:
        x.fix = _fix(x)
        if workloads and (src in workloads or dst in workloads):
            owner = ea.namespace if src in workloads else eb.namespace
            proto = "" if protocol == "TCP" else f', protocol="{protocol}"'
            x.blueprint_fix = (f"{_identifier(owner)}.allow({_construct_expr(ea)}, "
                               f"to={_construct_expr(eb)}, port={port}{proto})")
    return x
