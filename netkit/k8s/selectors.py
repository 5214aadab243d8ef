"""Label selector matching (matchLabels AND matchExpressions), as the apiserver does it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def matches(selector: Mapping[str, Any] | None, labels: Mapping[str, str]) -> bool:
    """Whether ``labels`` satisfy ``selector``; an empty selector matches everything.

    ``NotIn`` and ``DoesNotExist`` match objects that lack the key.
    """
    if not selector:
        return True
    for key, value in (selector.get("matchLabels") or {}).items():
        if labels.get(key) != value:
            return False
    for expr in selector.get("matchExpressions") or []:
        key, op = expr.get("key"), expr.get("operator")
        values = expr.get("values") or []
        has = key in labels
        if op == "In" and not (has and labels[key] in values):
            return False
        if op == "NotIn" and has and labels[key] in values:
            return False
        if op == "Exists" and not has:
            return False
        if op == "DoesNotExist" and has:
            return False
        if op not in ("In", "NotIn", "Exists", "DoesNotExist"):
            return False
    return True


def selector_key(selector: Mapping[str, Any] | None) -> str:
    """A canonical string for a selector, for grouping equal selectors."""
    if not selector:
        return "{}"
    ml = sorted((selector.get("matchLabels") or {}).items())
    me = sorted((e.get("key"), e.get("operator"), tuple(sorted(e.get("values") or [])))
                for e in selector.get("matchExpressions") or [])
    return repr((ml, me))


def describe(selector: Mapping[str, Any] | None) -> str:
    """A selector as kubectl writes one: ``app=web,tier in (a,b),!legacy``; empty for one
    that selects everything."""
    if not selector:
        return ""
    parts = [f"{k}={v}" for k, v in (selector.get("matchLabels") or {}).items()]
    for expr in selector.get("matchExpressions") or []:
        key, op = expr.get("key"), expr.get("operator")
        values = ",".join(str(v) for v in expr.get("values") or [])
        parts.append({"In": f"{key} in ({values})", "NotIn": f"{key} notin ({values})",
                      "Exists": str(key), "DoesNotExist": f"!{key}"}.get(str(op), f"{key} {op}"))
    return ",".join(parts)


def pods(selector: Mapping[str, Any] | None, namespace: str) -> str:
    """Which pods a policy's podSelector picks: ``pods app=web in namespace shop`` or ``all
    pods in namespace shop``."""
    text = describe(selector)
    return f"pods {text} in namespace {namespace}" if text else f"all pods in namespace {namespace}"
