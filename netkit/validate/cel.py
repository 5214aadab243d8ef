"""Evaluate CRD ``x-kubernetes-validations`` CEL rules (with the optional ``cel`` extra)."""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class CelRule:
    """A rule at a schema location; ``[]`` and ``{}`` in the path are list items and map values."""

    path: tuple[str, ...]
    rule: str
    message: str | None
    field_path: str | None


def available() -> bool:
    """Whether a CEL evaluator (cel-python) is installed."""
    try:
        import celpy  # noqa: F401
    except ImportError:
        return False
    return True


@functools.lru_cache(maxsize=4096)
def _program(rule: str) -> Any:
    import celpy

    env = celpy.Environment()
    return env.program(env.compile(rule))


def _values(obj: Any, path: tuple[str, ...], at: str) -> Iterator[tuple[Any, str]]:
    if not path:
        yield obj, at
        return
    head, rest = path[0], path[1:]
    if head == "[]":
        if isinstance(obj, list):
            for i, item in enumerate(obj):
                yield from _values(item, rest, f"{at}[{i}]")
    elif head == "{}":
        if isinstance(obj, dict):
            for key, item in obj.items():
                yield from _values(item, rest, f"{at}[{key}]")
    elif isinstance(obj, dict) and head in obj:
        yield from _values(obj[head], rest, f"{at}.{head}" if at else head)


def evaluate_rules(rules: list[CelRule], obj: dict[str, Any]) -> list[tuple[str, str]]:
    """(field path, message) for each rule that evaluates to false on ``obj``.

    Transition rules (``oldSelf``) need a stored object and are skipped, as are rules using
    functions the evaluator lacks, and everything when no evaluator is installed.
    """
    if not rules or not available():
        return []
    from celpy import celtypes
    from celpy.adapter import json_to_cel

    def holds(rule: str, value: Any) -> bool:
        try:
            result = _program(rule).evaluate({"self": json_to_cel(value)})
        except Exception:  # an unsupported function or a type the evaluator lacks
            return True
        return not (result is False or (isinstance(result, celtypes.BoolType) and not result))

    failures: list[tuple[str, str]] = []
    for rule in rules:
        if "oldSelf" in rule.rule:
            continue
        for value, at in _values(obj, rule.path, ""):
            key = (rule.rule, json.dumps(value, sort_keys=True, separators=(",", ":")))
            verdict = _VERDICTS.get(key)
            if verdict is None:
                verdict = _VERDICTS[key] = holds(rule.rule, value)
                if len(_VERDICTS) > _MAX_VERDICTS:
                    _VERDICTS.pop(next(iter(_VERDICTS)))
            if not verdict:
                where = at + (rule.field_path or "") if at or rule.field_path else "<root>"
                failures.append((where.lstrip("."), rule.message or f"failed rule: {rule.rule}"))
    return failures


# A rule's verdict on a value, for the process: generated manifests repeat the same values
# (a path match, a parentRef, a listener) under many objects, and the evaluator is slow.
_VERDICTS: dict[tuple[str, str], bool] = {}
_MAX_VERDICTS = 100_000
