"""diff: the flows a change opens and closes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from netkit.analysis.decisions import steps
from netkit.analysis.engine import Reachability
from netkit.analysis.ports import NONE, PROTOCOLS, PortSet


@dataclass(frozen=True)
class Change:
    """Ports of one protocol that ``src`` → ``dst`` gained or lost."""

    src: str
    dst: str
    protocol: str
    ports: tuple[tuple[int, int], ...]
    decided_by: tuple[dict[str, str], ...] = field(default=(), compare=False)

    def to_json(self) -> dict[str, Any]:
        """``{"from", "to", "protocol", "ports": [[lo, hi]], "decided_by": [...]}``: the
        layers (tier, policy, rule) that now allow an opened flow or deny a closed one."""
        return {"from": self.src, "to": self.dst, "protocol": self.protocol,
                "ports": [[lo, hi] for lo, hi in self.ports],
                "decided_by": list(self.decided_by)}

    def describe(self) -> str:
        """``egress: default; ingress: Admin ClusterNetworkPolicy x (...), rule 2``."""
        sides: dict[str, list[str]] = {}
        for d in self.decided_by:
            text = d["layer"] + (f" {d['policy']}" if d["policy"] else "")
            text += f" {d['rule']}" if d["rule"] else ""
            sides.setdefault(d["side"], [])
            if text not in sides[d["side"]]:
                sides[d["side"]].append(text)
        return "; ".join(f"{side}: {', '.join(texts)}" for side, texts in sides.items())


@dataclass
class FlowDiff:
    """Flows added and removed between two states."""

    added: list[Change]
    removed: list[Change]

    def to_json(self) -> dict[str, Any]:
        """``{"added": [...], "removed": [...]}``."""
        return {"added": [c.to_json() for c in self.added],
                "removed": [c.to_json() for c in self.removed]}


def _changes(a: dict[tuple[str, str], PortSet], b: dict[tuple[str, str], PortSet],
             now: Reachability | None, action: str) -> list[Change]:
    """Ports ``a`` allows and ``b`` does not; ``now`` names the layers that ``action`` them."""
    out = []
    for key in sorted(set(a) | set(b)):
        gained = a.get(key, NONE) - b.get(key, NONE)
        for proto in PROTOCOLS:
            ranges = gained.ranges.get(proto)
            if ranges:
                found = (steps(now, key[0], key[1], PortSet({proto: ranges}))
                         if now is not None and now.has(key[0]) and now.has(key[1]) else [])
                decided = tuple({"side": side, **s.to_json()} for side, s in found
                                if s.action == action)
                out.append(Change(key[0], key[1], proto, ranges, decided))
    return out


def diff_flows(before: dict[tuple[str, str], PortSet], after: dict[tuple[str, str], PortSet],
               now: Reachability | None = None) -> FlowDiff:
    """What ``after`` allows that ``before`` did not, and the reverse; both map
    (source id, destination id) to the ports allowed, and ``now`` (``after``'s analysis, if
    any) names the layers that decided each change."""
    return FlowDiff(added=_changes(after, before, now, "Accept"),
                    removed=_changes(before, after, now, "Deny"))


def diff(base: Reachability, head: Reachability) -> FlowDiff:
    """What ``head`` allows that ``base`` did not, and the reverse."""
    return diff_flows({(f.src.id, f.dst.id): f.ports for f in base.flows()},
                      {(f.src.id, f.dst.id): f.ports for f in head.flows()}, head)
