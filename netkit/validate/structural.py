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


Defaulter = Callable[[Any], Any]


def defaulted(value: Any, schema: dict[str, Any] | None) -> Any:
    """``value`` with every ``default`` of the structural schema filled in, recursively, as
    the API server does before validating; ``value`` itself is left as it is (what changes is
    copied, the rest shared)."""
    return defaulter(schema)(value)


def defaulter(schema: dict[str, Any] | None) -> Defaulter:
    """:func:`defaulted` for one schema, worked out once: each node keeps only the defaults
    and children that can change a value (many objects of a kind are defaulted by it)."""
    return _node(schema) or _unchanged


def _unchanged(value: Any) -> Any:
    return value


def _node(schema: Any) -> Defaulter | None:
    """The defaulting of one schema node, or None when it never changes a value."""
    if not isinstance(schema, dict):
        return None
    props = schema.get("properties") or {}
    extra = schema.get("additionalProperties")
    on_dict = _object(props, extra if isinstance(extra, dict) else None) \
        if isinstance(props, dict) else None
    items = schema.get("items")
    on_list = _array(items) if isinstance(items, dict) else None
    if on_dict is None and on_list is None:
        return None

    def node(value: Any) -> Any:
        if isinstance(value, dict):
            return on_dict(value) if on_dict is not None else value
        if isinstance(value, list):
            return on_list(value) if on_list is not None else value
        return value

    return node


def _filler(schema: dict[str, Any]) -> tuple[bool, Any, bool]:
    """(whether the node has a default, the default, whether a null is kept)."""
    return "default" in schema, schema.get("default"), bool(schema.get("nullable", False))


def _object(props: dict[str, Any], extra: dict[str, Any] | None
            ) -> Callable[[dict[str, Any]], dict[str, Any]] | None:
    """Defaulting of an object's fields: absent (or non-nullable null) fields with a default
    are filled, then each field is defaulted by its schema (``extra``'s when not a property)."""
    fills = [(name, prop["default"], bool(prop.get("nullable", False)))
             for name, prop in props.items() if isinstance(prop, dict) and "default" in prop]
    subs = [(name, sub) for name, prop in props.items() if (sub := _node(prop)) is not None]
    claimed = {name for name, prop in props.items() if prop is not None}
    has_extra_default, extra_default, extra_nullable = _filler(extra or {})
    extra_node = _node(extra)
    open_map = extra is not None and (has_extra_default or extra_node is not None)
    if not fills and not subs and not open_map:
        return None

    def on_dict(value: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] | None = None
        for name, default, nullable in fills:
            if name not in value or (value[name] is None and not nullable):
                out = out if out is not None else dict(value)
                out[name] = default
        current = out if out is not None else value
        for name, sub in subs:
            if name in current:
                item = current[name]
                new = sub(item)
                if new is not item:
                    out = out if out is not None else dict(value)
                    out[name] = new
        if open_map:
            for name, item in list(current.items()):
                if name in claimed:
                    continue
                new = extra_default if has_extra_default and item is None \
                    and not extra_nullable else item
                if extra_node is not None:
                    new = extra_node(new)
                if new is not item:
                    out = out if out is not None else dict(value)
                    out[name] = new
        return out if out is not None else value

    return on_dict


def _array(items: dict[str, Any]) -> Callable[[list[Any]], list[Any]] | None:
    """Defaulting of a list's items: a non-nullable null item with a default is filled, then
    each item is defaulted by the items' schema."""
    has_default, default, nullable = _filler(items)
    item_node = _node(items)
    if not has_default and item_node is None:
        return None

    def on_list(value: list[Any]) -> list[Any]:
        changed = False
        out = []
        for item in value:
            new = default if has_default and item is None and not nullable else item
            if item_node is not None:
                new = item_node(new)
            changed = changed or new is not item
            out.append(new)
        return out if changed else value

    return on_list


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
