"""why: the verdict on one flow, the policies on each side, and the smallest fix."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from ipaddress import ip_address
from typing import Any

from netkit.analysis.decisions import admitting, trace
from netkit.analysis.engine import Group, Reachability
from netkit.analysis.model import Endpoint
from netkit.analysis.ports import PortSet
from netkit.analysis.tiers import Layers, Step
from netkit.k8s import cilium
from netkit.k8s import networking as np
from netkit.k8s.meta import CLUSTER_DNS_NAMESPACE, CLUSTER_DNS_POD_LABELS
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
    decided_by: Step | None = None
    passed_by: list[Step] = field(default_factory=list)
    not_consulted: list[str] = field(default_factory=list)
    filtered_at_l7: list[dict[str, Any]] = field(default_factory=list)

    @property
    def tier(self) -> str:
        """The layer that decided: Admin, NetworkPolicy, Baseline, or default."""
        return self.decided_by.layer if self.decided_by else "default"

    @property
    def fixable(self) -> bool:
        """Whether a NetworkPolicy can allow what this side denies (Admin-tier and Cilium
        denies win over any NetworkPolicy)."""
        return not self.allowed and self.tier in ("NetworkPolicy", "Baseline") and not (
            self.decided_by is not None and "Deny[" in self.decided_by.rule)

    def to_json(self) -> dict[str, Any]:
        """JSON form."""
        return {"allowed": self.allowed, "isolated": self.isolated, "policies": self.policies,
                "allowed_by": self.allowed_by, "note": self.note, "tier": self.tier,
                "decided_by": self.decided_by.to_json() if self.decided_by else None,
                "passed_by": [s.to_json() for s in self.passed_by],
                "not_consulted": self.not_consulted, "filtered_at_l7": self.filtered_at_l7}


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

    @property
    def filtered_at_l7(self) -> bool:
        """Allowed at L4, with Cilium L7 rules filtering what passes."""
        return self.allowed and bool(self.egress.filtered_at_l7 or self.ingress.filtered_at_l7)

    def to_json(self) -> dict[str, Any]:
        """``{"allowed", "egress", "ingress", ...}`` naming policies as namespace/name."""
        return {"from": self.src.id, "to": self.dst.id, "port": self.port,
                "protocol": self.protocol, "allowed": self.allowed,
                "filtered_at_l7": self.filtered_at_l7,
                "egress": self.egress.to_json(), "ingress": self.ingress.to_json(),
                "fix": self.fix, "blueprint_fix": self.blueprint_fix}

    def fix_yaml(self) -> str:
        """The fix as YAML documents."""
        return dump_all(self.fix)


def _np_rules(r: Reachability, selected: Group, other: Group, port: int, protocol: str,
              direction: str) -> list[dict[str, Any]]:
    """The NetworkPolicy and Cilium allow rules that admit this port from/to ``other``."""
    return [{"policy": policy, "rule": rule, **({"l7": list(l7)} if l7 else {})}
            for policy, rule, l7 in admitting(r, selected, other, direction,
                                                PortSet.of(protocol, port))]


def _selecting(selected: Group, direction: str, tier: str) -> list[str]:
    layers = selected.layers.get(direction) or Layers()
    deciders = layers.admin if tier == "Admin" else layers.baseline
    return list(dict.fromkeys(d.policy.ref for d in deciders))


def _verdict(step: Step, passed: list[Step], skipped: list[str]) -> str:
    verb = "allowed" if step.action == "Accept" else "denied"
    text = f"{verb} by {step.describe()}"
    if passed:
        text = f"passed on by {', '.join(p.describe() for p in passed)}; {text}"
    if skipped:
        text += f"; {', '.join(skipped)} {'was' if len(skipped) == 1 else 'were'} not consulted"
    return text


def _side(r: Reachability, selected: Group, other: Group, port: int, protocol: str,
          direction: str) -> Side:
    if selected.sample.external:
        where = "on its hosts' network" if selected.sample.implied else "outside the cluster"
        return Side(True, False, note=f"{where}: no NetworkPolicy applies there")
    isolated = selected.isolated(direction)
    nps = [p.ref for p in getattr(selected, f"{direction}_policies")]
    cps = [p.ref for p in selected.cilium.get(direction, [])]
    found, allowed, l7 = trace(r, selected, other, direction, PortSet.of(protocol, port))
    step = found[-1]
    side = Side(bool(allowed), isolated, nps + cps, decided_by=step,
                passed_by=[s for s in found[:-1] if s.action == "Pass"])
    if step.layer == "Admin":
        side.not_consulted = ([f"NetworkPolicy {n}" for n in nps] + cps
                              + _selecting(selected, direction, "Baseline"))
        side.note = _verdict(step, side.passed_by, side.not_consulted)
    elif step.layer == "NetworkPolicy":
        side.not_consulted = _selecting(selected, direction, "Baseline") if isolated else []
        if step.action == "Deny" and "Deny[" in step.rule:
            side.note = _verdict(step, side.passed_by, [])
        else:
            side.allowed_by = _np_rules(r, selected, other, port, protocol, direction)
            side.note = "" if side.allowed else (
                f"no {direction} rule of these policies admits {protocol}/{port}")
            if not side.allowed and side.not_consulted:
                side.note += f"; {', '.join(side.not_consulted)} not consulted"
        side.filtered_at_l7 = [a for a in side.allowed_by if "l7" in a] if l7 else []
    elif step.layer == "Baseline":
        side.note = _verdict(step, side.passed_by, [])
    else:
        side.decided_by = None
        side.note = (f"no policy selects {selected.sample.id} for {direction}, so it is open"
                     if not side.passed_by and not _selecting(selected, direction, "Baseline")
                     else "no rule matched in any tier, so it is open")
    return side


def _domain(e: Endpoint) -> bool:
    return e.external and e.cell is None and e.ip is None


def _block(e: Endpoint) -> tuple[str, list[str]]:
    """The ipBlock of an endpoint outside the pod network: the API server's own address, or
    a cell of the world outside."""
    if e.ip is not None:
        ip = ip_address(e.ip)
        return f"{ip}/{ip.max_prefixlen}", []
    assert e.cell is not None
    return str(e.cell.network), [str(h) for h in e.cell.holes]


def _peer(e: Endpoint, seen_from: str) -> dict[str, Any]:
    if _domain(e):  # a name's addresses are unknown: only the whole address space holds them
        return np.ip_peer("0.0.0.0/0")
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
        if not side.fixable:
            continue
        name = _fix_name(direction, here, link, there)
        if direction == "egress" and _domain(there):  # only Cilium allows a DNS name
            out.append(cilium.fqdn_egress_policy(
                name, here.namespace, pods=here.label_map(),
                targets=[(there.name, x.port, x.protocol)],
                dns_namespace=CLUSTER_DNS_NAMESPACE, dns_pods=dict(CLUSTER_DNS_POD_LABELS)))
            continue
        rule = np.rule([_peer(there, here.namespace)], port, direction=direction)
        out.append(np.network_policy(
            name, here.namespace,
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
    egress = _side(r, a, b, port, protocol, "egress")
    ingress = _side(r, b, a, port, protocol, "ingress")
    x = Explanation(ea, eb, port, protocol, egress.allowed and ingress.allowed, egress, ingress)
    if not x.allowed and (egress.fixable or egress.allowed) and (
            ingress.fixable or ingress.allowed):
        x.fix = _fix(x)
        if workloads and (src in workloads or dst in workloads):
            owner = ea.namespace if src in workloads else eb.namespace
            proto = "" if protocol == "TCP" else f', protocol="{protocol}"'
            if _domain(eb):
                x.blueprint_fix = (f"{_identifier(owner)}.allow_egress_fqdn("
                                   f'{_construct_expr(ea)}, "{eb.name}", port={port}{proto})')
            else:
                x.blueprint_fix = (f"{_identifier(owner)}.allow({_construct_expr(ea)}, "
                                   f"to={_construct_expr(eb)}, port={port}{proto})")
    return x
