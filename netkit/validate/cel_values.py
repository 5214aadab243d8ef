"""Values as the API server hands them to CEL: typed by their schema (``format: byte`` is
bytes, ``type: number`` a double) and property names a CEL identifier cannot spell escaped
(``__namespace__``, ``__dash__``).

The API server also makes ``format: duration`` a duration and ``date``/``date-time`` a
timestamp; cel-expr-python takes no such values from Python, so they stay text, and a rule that
fails on one is reported as not evaluated (``TIME_FORMATS``) rather than as the object's fault.
"""

from __future__ import annotations

import base64
import binascii
import re
from typing import Any

from netkit.validate.structural import pruned

_RESERVED = frozenset({"true", "false", "null", "in", "as", "break", "const", "continue", "else",
                       "for", "function", "if", "import", "let", "loop", "package", "namespace",
                       "return", "var", "void", "while"})
TIME_FORMATS = frozenset({"duration", "date", "date-time", "datetime"})
_TYPED_FORMATS = frozenset({"byte"}) | TIME_FORMATS


def _escaped(name: str) -> str | None:
    """The CEL name of a property the API server escapes, or None if it needs none."""
    if name in _RESERVED:
        return f"__{name}__"
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_./-]*", name):
        return None
    out = name.replace("__", "__underscores__").replace(".", "__dot__")
    out = out.replace("-", "__dash__").replace("/", "__slash__")
    return out if out != name else None


def with_escaped_names(value: Any) -> Any:
    """``value`` with each escaped property name added beside the name as written."""
    if isinstance(value, list):
        return [with_escaped_names(v) for v in value]
    if not isinstance(value, dict):
        return value
    out = {k: with_escaped_names(v) for k, v in value.items()}
    for key in value:
        alias = _escaped(str(key))
        if alias is not None:
            out.setdefault(alias, out[key])
    return out


def _needs_typing(schema: dict[str, Any]) -> bool:
    return schema.get("type") == "number" or (
        schema.get("type") == "string" and schema.get("format") in _TYPED_FORMATS)


def typing_schema(schema: dict[str, Any]) -> dict[str, Any] | None:
    """The part of a schema whose values CEL sees as another type than JSON's (None if
    none): what ``typed`` walks."""
    return pruned(schema, _needs_typing)


def _scalar(value: Any, schema: dict[str, Any]) -> Any:
    if schema.get("type") == "number" and isinstance(value, int) and not isinstance(value,
                                                                                      bool):
        return float(value)
    if not isinstance(value, str):
        return value
    if schema.get("format") == "byte":
        try:
            return base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            return value
    return value


def has_time_values(schema: Any) -> bool:
    """Whether a typing schema reaches a duration, date or date-time value."""
    if not isinstance(schema, dict):
        return False
    if schema.get("format") in TIME_FORMATS:
        return True
    subs = list((schema.get("properties") or {}).values())
    subs += [schema[k] for k in ("items", "additionalProperties") if k in schema]
    return any(has_time_values(s) for s in subs)


def typed(value: Any, schema: dict[str, Any] | None) -> Any:
    """``value`` as CEL sees it under ``schema`` (a ``typing_schema``); what needs no change
    is shared, not copied."""
    if schema is None:
        return value
    if isinstance(value, dict):
        props = schema.get("properties") or {}
        extra = schema.get("additionalProperties")
        out: dict[str, Any] | None = None
        for name, item in value.items():
            sub = props.get(name, extra if isinstance(extra, dict) else None)
            new = typed(item, sub) if sub is not None else item
            if new is not item:
                out = out if out is not None else dict(value)
                out[name] = new
        return out if out is not None else value
    if isinstance(value, list):
        items = schema.get("items")
        if not isinstance(items, dict):
            return value
        new_list = [typed(item, items) for item in value]
        return new_list if any(a is not b for a, b in zip(new_list, value, strict=True)) \
            else value
    return _scalar(value, schema)
