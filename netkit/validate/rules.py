"""The catalogue of finding rules: stable ids, default severity and a title."""

from __future__ import annotations

from dataclasses import dataclass

from netkit.validate.findings import Severity


@dataclass(frozen=True)
class Rule:
    """A finding rule."""

    id: str
    severity: Severity
    title: str


_RULES = [
    Rule("NK120", "warning", "ingress-nginx is retired"),
    Rule("NK121", "info", "rate limit is enforced per proxy replica"),
    Rule("NK122", "info", "rate limit needs the gateway's global rate limit service"),
    Rule("NK123", "warning", "rate-limited Service has no entry point"),
    Rule("NK124", "warning", "wildcard certificate needs a DNS-01 solver"),
]

RULES: dict[str, Rule] = {r.id: r for r in _RULES}
