"""Cilium egress to DNS names (``toFQDNs``): which observed names a CiliumNetworkPolicy admits.

NetworkPolicy matches addresses only, so an observed flow to an address that Hubble knew by
name (``destination_names``) is also admitted when a CiliumNetworkPolicy selecting the source
allows that name and port.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from netkit.flows.records import Peer
from netkit.k8s.selectors import matches
from netkit.objects import KubeObject

_NAMESPACE_KEY = "io.kubernetes.pod.namespace"


@dataclass(frozen=True)
class FqdnRule:
    """One ``toFQDNs`` egress rule of a CiliumNetworkPolicy."""

    policy: str  # namespace/name
    namespace: str
    selector: dict[str, Any]
    patterns: tuple[re.Pattern[str], ...]
    ports: tuple[tuple[str, int, int], ...]  # (protocol or ANY, first, last); empty: all

    def admits(self, src: Peer, names: Iterable[str], protocol: str, port: int) -> bool:
        """Whether this rule lets ``src`` reach one of ``names`` on ``port``/``protocol``."""
        if not src.is_pod or src.namespace != self.namespace:
            return False
        labels = {**dict(src.labels), _NAMESPACE_KEY: src.namespace}
        if not matches(self.selector, labels):
            return False
        if self.ports and not any(p in ("ANY", protocol) and lo <= port <= hi
                                  for p, lo, hi in self.ports):
            return False
        return any(pattern.fullmatch(name.lower().rstrip(".")) for name in names
                   for pattern in self.patterns)


def _pattern(match: Any) -> re.Pattern[str] | None:
    if not isinstance(match, dict):
        return None
    if isinstance(match.get("matchName"), str):
        return re.compile(re.escape(match["matchName"].lower().rstrip(".")))
    pattern = match.get("matchPattern")
    if not isinstance(pattern, str):
        return None
    pattern = pattern.lower().rstrip(".")
    if pattern == "*":
        return re.compile(r".+")
    # "**." spans any number of labels; "*" stays within one label (Cilium's matchpattern)
    parts = (re.escape(p).replace(r"\*", "[-a-z0-9_]*") for p in pattern.split("**."))
    return re.compile(r"(?:[-a-z0-9_]+\.)+".join(parts))


def _unprefixed(selector: Any) -> dict[str, Any]:
    if not isinstance(selector, dict):
        return {}
    labels = selector.get("matchLabels") or {}
    out: dict[str, Any] = {"matchLabels": {str(k).split(":", 1)[-1]: str(v)
                                           for k, v in labels.items()}}
    if selector.get("matchExpressions"):
        out["matchExpressions"] = [{**e, "key": str(e.get("key", "")).split(":", 1)[-1]}
                                   for e in selector["matchExpressions"] if isinstance(e, dict)]
    return out


def _ports(to_ports: Any) -> tuple[tuple[str, int, int], ...]:
    out = []
    for item in to_ports or []:
        for p in (item or {}).get("ports") or []:
            try:
                lo = int(p.get("port") or 0)
            except (TypeError, ValueError):
                continue  # a named port: never an address outside the cluster
            hi = int(p.get("endPort") or lo)
            out.append((str(p.get("protocol") or "ANY").upper(), lo or 1, hi or 65535))
    return tuple(out)


def fqdn_rules(objects: Iterable[KubeObject]) -> list[FqdnRule]:
    """The ``toFQDNs`` egress rules of the CiliumNetworkPolicies in ``objects``."""
    out = []
    for o in objects:
        if o.kind != "CiliumNetworkPolicy" or not o.api_version.startswith("cilium.io/"):
            continue
        selector = _unprefixed(o.spec.get("endpointSelector"))
        for rule in o.spec.get("egress") or []:
            if not isinstance(rule, dict):
                continue
            patterns = tuple(p for p in map(_pattern, rule.get("toFQDNs") or []) if p)
            if patterns:
                out.append(FqdnRule(f"{o.namespace}/{o.name}", o.namespace, selector,
                                    patterns, _ports(rule.get("toPorts"))))
    return out
