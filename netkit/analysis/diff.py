"""diff: the flows a change opens and closes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from netkit.analysis.engine import Reachability
from netkit.analysis.ports import NONE, PROTOCOLS, PortSet


@dataclass(frozen=True)
class Change:
    """Ports of one protocol that ``src`` → ``dst`` gained or lost."""

    src: str
    dst: str
    protocol: str
    ports: tuple[tuple[int, int], ...]

    def to_json(self) -> dict[str, Any]:
        """``{"from", "to", "protocol", "ports": [[lo, hi]]}``."""
        return {"from": self.src, "to": self.dst, "protocol": self.protocol,
                "ports": [[lo, hi] for lo, hi in self.ports]}


@dataclass
class FlowDiff:
    """Flows added and removed between two states."""

    added: list[Change]
    removed: list[Change]

    def to_json(self) -> dict[str, Any]:
        """``{"added": [...], "removed": [...]}``."""
        return {"added": [c.to_json() for c in self.added],
                "removed": [c.to_json() for c in self.removed]}


def _changes(a: dict[tuple[str, str], PortSet], b: dict[tuple[str, str], PortSet]
             ) -> list[Change]:
    out = []
    for key in sorted(set(a) | set(b)):
        gained = a.get(key, NONE) - b.get(key, NONE)
        for proto in PROTOCOLS:
            ranges = gained.ranges.get(proto)
            if ranges:
                out.append(Change(key[0], key[1], proto, ranges))
    return out


def diff_flows(before: dict[tuple[str, str], PortSet], after: dict[tuple[str, str], PortSet]
               ) -> FlowDiff:
    """What ``after`` allows that ``before`` did not, and the reverse; both map
    (source id, destination id) to the ports allowed."""
    return FlowDiff(added=_changes(after, before), removed=_changes(before, after))


def diff(base: Reachability, head: Reachability) -> FlowDiff:
    """What ``head`` allows that ``base`` did not, and the reverse."""
    return diff_flows({(f.src.id, f.dst.id): f.ports for f in base.flows()},
                      {(f.src.id, f.dst.id): f.ports for f in head.flows()})
