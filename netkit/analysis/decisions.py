"""The layers, policies and rules that decide a connection: for why, diff and reports."""

from __future__ import annotations

from netkit.analysis.engine import Group, Reachability
from netkit.analysis.ports import NONE, PortSet
from netkit.analysis.tiers import DENY_RULES, Layers, Step, resolve_ports


def steps(r: Reachability, src: str, dst: str, ports: PortSet) -> list[tuple[str, Step]]:
    """The layers that settle ``ports`` from ``src`` to ``dst``: (side, step) pairs,
    egress at the source first."""
    a, b = r.group(src), r.group(dst)
    return [(direction, step)
            for g, peer, direction in ((a, b, "egress"), (b, a, "ingress"))
            if not g.sample.external for step in trace(r, g, peer, direction, ports)[0]]


def trace(r: Reachability, g: Group, peer: Group, direction: str, ports: PortSet
          ) -> tuple[list[Step], PortSet, PortSet]:
    """(the steps that settle ``ports`` at ``g`` towards ``peer``, with the policies of
    the NetworkPolicy layer named; the allowed ports; those of them L7-filtered)."""
    found: list[Step] = []
    table = g.ingress if direction == "ingress" else g.egress
    dst = g if direction == "ingress" else peer
    allowed, l7 = g.layers.get(direction, Layers()).evaluate(
        peer.index, dst.sample, table.get(peer.index, NONE), g.isolated(direction), ports,
        found)
    return [_named(r, g, peer, direction, step) for step in found], allowed, l7


def admitting(r: Reachability, g: Group, peer: Group, direction: str, ports: PortSet
              ) -> list[tuple[str, str, tuple[str, ...]]]:
    """(policy, rule, L7 filters) of the NetworkPolicy and Cilium allow rules at ``g``
    that admit some of ``ports`` from/to ``peer``."""
    dst = (g if direction == "ingress" else peer).sample
    out: list[tuple[str, str, tuple[str, ...]]] = []
    for policy in getattr(g, f"{direction}_policies"):
        for i, rule in enumerate(getattr(policy, direction) or []):
            if (rule.peers is None or any(r.peer_matches(p, policy.namespace, peer)
                                          for p in rule.peers)) and (
                    resolve_ports(rule.ports, dst) & ports):
                out.append((policy.ref, f"{direction}[{i}]", ()))
    for cp in g.cilium.get(direction, []):
        for c_rule in cp.allows(direction):
            if r.cilium_peer_matches(c_rule.peers, peer) and (
                    resolve_ports(c_rule.ports, dst) & ports):
                l7 = c_rule.l7 if resolve_ports(c_rule.l7_ports, dst) & ports else ()
                out.append((cp.ref, c_rule.label, l7))
    return out


def _named(r: Reachability, g: Group, peer: Group, direction: str, step: Step) -> Step:
    """The step with the NetworkPolicy layer's policies named."""
    if step.layer != "NetworkPolicy" or step.policy:
        return step
    if step.rule == DENY_RULES:
        rules = denying(r, g, peer, direction, step.ports)
    elif step.action == "Accept":
        rules = [(p, r) for p, r, _ in admitting(r, g, peer, direction, step.ports)]
    else:
        return Step(step.layer, step.action, step.ports, ", ".join(
            [p.ref for p in getattr(g, f"{direction}_policies")]
            + [p.ref for p in g.cilium.get(direction, [])]))
    return Step(step.layer, step.action, step.ports,
                ", ".join(dict.fromkeys(p for p, _ in rules)), ", ".join(r for _, r in rules))


def denying(r: Reachability, g: Group, peer: Group, direction: str, ports: PortSet
            ) -> list[tuple[str, str]]:
    """(policy, rule) of the Cilium deny rules at ``g`` that deny some of ``ports``
    from/to ``peer``."""
    dst = (g if direction == "ingress" else peer).sample
    return [(cp.ref, rule.label) for cp in g.cilium.get(direction, [])
            for rule in cp.denies(direction) if r.cilium_peer_matches(rule.peers, peer)
            and resolve_ports(rule.ports, dst) & ports]
