"""What the API server does to a custom resource beside its OpenAPI schema: structural
defaulting (apiextensions ``schema/defaulting``) and list/map semantics
(``schema/listtype``: ``x-kubernetes-list-type`` set and map)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from netkit.validate.field import FieldError


def pruned(schema: Any, wanted: Callable[[dict[str, Any]], bool]) -> dict[str, Any] | None:
    """The part of a structural schema on the way to the nodes ``wanted`` (each kept whole),
    or None if there is none: walking an object along it skips what cannot matter."""
    if not isinstance(schema, dict):
        return None
    if wanted(schema):
        return schema
    out: dict[str, Any] = {}
    props = {}
    for name, sub in (schema.get("properties") or {}).items():
        kept = pruned(sub, wanted)
        if kept is not None:
            props[name] = kept
    if props:
        out["properties"] = props
    for key in ("items", "additionalProperties"):
        kept = pruned(schema.get(key), wanted)
        if kept is not None:
            out[key] = kept
    return out or None


def has_default(schema: dict[str, Any]) -> bool:
    """Whether a schema node sets a ``default``."""
    return "default" in schema


def _non_nullable_null(value: Any, schema: dict[str, Any] | None) -> bool:
    return value is None and schema is not None and not schema.get("nullable", False)


def defaulted(value: Any, schema: dict[str, Any] | None) -> Any:
    """``value`` with every ``default`` of the structural schema filled in, recursively, as
    the API server does before validating; ``value`` itself is left as it is (what changes is
    copied, the rest shared)."""
    if not isinstance(schema, dict):
        return value
    if isinstance(value, dict):
        props = schema.get("properties") or {}
        extra = schema.get("additionalProperties")
        out: dict[str, Any] | None = None
        for name, prop in props.items():
            if "default" in prop and (name not in value or _non_nullable_null(value[name], prop)):
                out = out if out is not None else dict(value)
                out[name] = prop["default"]
        for name, item in list((out if out is not None else value).items()):
            new = item
            sub = props.get(name)
            if sub is None and isinstance(extra, dict):
                sub = extra
                if "default" in extra and _non_nullable_null(item, extra):
                    new = extra["default"]
            if sub is None:
                continue
            new = defaulted(new, sub)
            if new is not item:
                out = out if out is not None else dict(value)
                out[name] = new
        return out if out is not None else value
    if isinstance(value, list):
        items = schema.get("items")
        if not isinstance(items, dict):
            return value
        new_list = [defaulted(items["default"] if "default" in items and _non_nullable_null(
            item, items) else item, items) for item in value]
        changed = any(a is not b for a, b in zip(new_list, value, strict=True))
        return new_list if changed else value
    return value


def go_value(value: Any) -> str:
    """``value`` as Go's ``%#v`` prints a decoded JSON value (apimachinery field errors)."""
    if isinstance(value, dict):
        inner = ", ".join(f"{json.dumps(k)}:{go_value(v)}" for k, v in sorted(value.items()))
        return f"map[string]interface {{}}{{{inner}}}"
    if isinstance(value, list):
        return "[]interface {}{" + ", ".join(go_value(v) for v in value) + "}"
    if value is None:
        return "interface {}(nil)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value)
    return str(value)


def _at(path: str, index: int) -> str:
    return f"{path}[{index}]"


def _list_set(path: str, items: list[Any]) -> list[FieldError]:
    seen: dict[str, int] = {}
    errors = []
    for i, item in enumerate(items):
        key = json.dumps(item, sort_keys=True)
        seen[key] = seen.get(key, 0) + 1
        if seen[key] == 2:
            errors.append(FieldError(_at(path, i), f"Duplicate value: {go_value(item)}"))
    return errors


class _Unspecified:
    """A map key the item leaves out and the schema does not default."""


def _list_map(path: str, schema: dict[str, Any], items: list[Any]) -> list[FieldError]:
    for i, item in enumerate(items):
        if item is not None and not isinstance(item, dict):
            return [FieldError(_at(path, i), f"Invalid value: {go_value(item)}: must be "
                               "an object for an array of list-type map")]
    if len(items) <= 1:
        return []
    keys = schema.get("x-kubernetes-list-map-keys") or []
    props = (schema.get("items") or {}).get("properties") or {}
    for i, item in enumerate(items):
        for key in keys:
            if item is not None and isinstance(item.get(key), (dict, list)):
                return [FieldError(f"{_at(path, i)}.{key}", f"Invalid value: "
                                   f"{go_value(item[key])}: must be a scalar")]
    seen: set[str] = set()
    errors = []
    for i, item in enumerate(items):
        if item is None:
            continue
        shown: dict[str, Any] = {}
        identity = []
        for key in keys:
            if key in item:
                shown[key] = item[key]
                identity.append(json.dumps(item[key]))
            elif "default" in (props.get(key) or {}):
                shown[key] = props[key]["default"]
                identity.append(json.dumps(props[key]["default"]))
            else:
                identity.append(repr(_Unspecified))
        ident = "\x00".join(identity)
        if ident in seen:
            errors.append(FieldError(_at(path, i), f"Duplicate value: {go_value(shown)}"))
        else:
            seen.add(ident)
    return errors


def list_type_errors(schema: dict[str, Any], items: list[Any], path: str = ""
                     ) -> list[FieldError]:
    """Duplicates among the ``items`` of one list whose schema node is of list type set or
    map (none for another node)."""
    kind = schema.get("x-kubernetes-list-type")
    if kind == "set":
        return _list_set(path, items)
    if kind == "map":
        return _list_map(path, schema, items)
    return []


def list_errors(value: Any, schema: dict[str, Any] | None, path: str = "") -> list[FieldError]:
    """Duplicates in ``x-kubernetes-list-type`` ``set`` and ``map`` lists, at their index."""
    if not isinstance(schema, dict):
        return []
    errors: list[FieldError] = []
    if isinstance(value, list):
        errors.extend(list_type_errors(schema, value, path))
        items = schema.get("items")
        for i, item in enumerate(value):
            errors.extend(list_errors(item, items, _at(path, i)))
    elif isinstance(value, dict):
        props = schema.get("properties") or {}
        extra = schema.get("additionalProperties")
        for name, item in value.items():
            sub = props.get(name, extra if isinstance(extra, dict) else None)
            child = f"{path}.{name}" if path and name in props else (
                name if name in props else f"{path}[{name}]")
            errors.extend(list_errors(item, sub, child))
    return errors


def has_list_type(schema: dict[str, Any]) -> bool:
    """Whether a schema node is a list of type set or map."""
    return schema.get("x-kubernetes-list-type") in ("set", "map")
