"""A custom resource checked against its CRD's structural schema as the API server does
(kube-openapi's validator behind apiextensions, its errors turned into field errors), walking
the object along the schema: no code is generated, so a big CRD costs nothing to load."""

from __future__ import annotations

import base64
import binascii
import functools
import ipaddress
import math
import re
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from netkit.validate.field import Errors, FieldError, Path
from netkit.validate.structural import go_value

# The JSON type go-openapi names for a decoded value.
_TYPE_NAMES: tuple[tuple[type, str], ...] = (
    (bool, "boolean"), (int, "integer"), (float, "number"), (str, "string"), (dict, "object"),
    (list, "array"))


def _type_name(value: Any) -> str:
    return next(name for kind, name in _TYPE_NAMES if isinstance(value, kind))


def has_type(value: Any, wanted: str) -> bool:
    """Whether a decoded value is of the schema type ``wanted``, as go-openapi tells."""
    if isinstance(value, bool):
        return wanted == "boolean"
    if wanted == "number":
        return isinstance(value, (int, float))
    if wanted == "integer":
        return isinstance(value, int) or (isinstance(value, float) and value.is_integer())
    return _type_name(value) == wanted


def _number(value: float) -> str:
    """A bound or value as Go's ``%v`` prints it."""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


@functools.lru_cache(maxsize=4096)
def compiled_pattern(text: str) -> Any:
    """A schema's ``pattern`` compiled as Go's RE2 reads it."""
    import re2  # type: ignore[import-untyped]

    return re2.compile(text)


def _ipv4(text: str) -> bool:
    try:
        return isinstance(ipaddress.ip_address(text), ipaddress.IPv4Address)
    except ValueError:
        return False


def _ipv6(text: str) -> bool:
    try:
        return isinstance(ipaddress.ip_address(text), ipaddress.IPv6Address)
    except ValueError:
        return False


def _cidr(text: str) -> bool:
    try:
        ipaddress.ip_network(text, strict=False)
    except ValueError:
        return False
    return "/" in text


def _uuid(version: int | None) -> Callable[[str], bool]:
    def check(text: str) -> bool:
        try:
            found = uuid.UUID(text)
        except ValueError:
            return False
        return len(text) == 36 and (version is None or found.version == version)
    return check


def _date(text: str) -> bool:
    try:
        datetime.strptime(text, "%Y-%m-%d")
    except ValueError:
        return False
    return True


_DATE_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?"
                        r"([Zz]|[+-]\d{2}:?\d{2})?")


def _byte(text: str) -> bool:
    try:
        base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return False
    return True


# The formats apiextensions keeps (others are ignored, as there), checked as strfmt does.
FORMATS: dict[str, Callable[[str], bool]] = {
    "ipv4": _ipv4,
    "ipv6": _ipv6,
    "cidr": _cidr,
    "uuid": _uuid(None), "uuid3": _uuid(3), "uuid4": _uuid(4), "uuid5": _uuid(5),
    "date": _date,
    "date-time": lambda s: bool(_DATE_TIME.fullmatch(s)) and _date(s[:10]),
    "datetime": lambda s: bool(_DATE_TIME.fullmatch(s)) and _date(s[:10]),
    "byte": _byte,
    "mac": lambda s: bool(re.fullmatch(r"([0-9A-Fa-f]{2}[:-]){5}[0-9A-Fa-f]{2}", s)),
}


class Walk:
    """One object's walk along a schema, collecting field errors."""

    def __init__(self) -> None:
        self.errors = Errors()
        self.blocking = False  # a wrong type or value: the API server then skips CEL
        self.matches = 0  # values that passed: picks the closest alternative of a junctor

    def _at(self, path: Path, message: str, value: Any = "") -> None:
        self.errors.items.append(FieldError(str(path) or "<root>",
                                            f"Invalid value: {_shown(value)}: {message}"))

    def value(self, value: Any, schema: dict[str, Any], path: Path, *,
              structural: bool = True) -> None:
        """Check ``value``; ``structural=False`` inside allOf/anyOf/oneOf/not, where a schema
        restates constraints only (no unknown-field check)."""
        if value is None:
            return  # a null the schema allows, or one the API server prunes
        before = len(self.errors.items)
        self._check(value, schema, path, structural)
        if len(self.errors.items) == before:
            self.matches += 1

    def _check(self, value: Any, schema: dict[str, Any], path: Path, structural: bool) -> None:
        if not self._type(value, schema, path):
            return
        if "enum" in schema and value not in schema["enum"]:
            self.blocking = True
            self.errors.not_supported(path, value, [v if isinstance(v, str) else go_value(v)
                                                    for v in schema["enum"]])
        if isinstance(value, str):
            self._string(value, schema, path)
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            self._number(value, schema, path)
        elif isinstance(value, list):
            self._array(value, schema, path, structural)
        elif isinstance(value, dict):
            self._object(value, schema, path, structural)
        self._junctors(value, schema, path)

    @staticmethod
    def _types(schema: dict[str, Any]) -> str:
        return "integer,string" if schema.get("x-kubernetes-int-or-string") else str(
            schema.get("type"))

    def _type(self, value: Any, schema: dict[str, Any], path: Path) -> bool:
        if schema.get("x-kubernetes-int-or-string"):
            ok = has_type(value, "integer") or isinstance(value, str)
        elif "type" in schema:
            ok = has_type(value, schema["type"])
        else:
            return True
        if not ok:
            self.blocking = True
            actual = _type_name(value)
            self.errors.items.append(FieldError(
                str(path) or "<root>", f"Invalid value: {_shown(actual)}: {path} in body must "
                f"be of type {self._types(schema)}: {_shown(actual)}"))
        return ok

    def _string(self, value: str, schema: dict[str, Any], path: Path) -> None:
        length = len(value)
        if "maxLength" in schema and length > schema["maxLength"]:
            self.errors.too_long(path, schema["maxLength"])
        if "minLength" in schema and length < schema["minLength"]:
            self._at(path, f"{path} in body should be at least {schema['minLength']} chars "
                     "long", value)
        pattern = schema.get("pattern")
        if isinstance(pattern, str) and not compiled_pattern(pattern).search(value):
            self._at(path, f"{path} in body should match '{pattern}'", value)
        check = FORMATS.get(str(schema.get("format")))
        if check is not None and not check(value):
            self._at(path, f"{path} in body must be of type {schema['format']}: {_shown(value)}",
                     value)

    def _number(self, value: float, schema: dict[str, Any], path: Path) -> None:
        if "maximum" in schema:
            bound = schema["maximum"]
            if value > bound or (schema.get("exclusiveMaximum") and value == bound):
                word = "less than" if schema.get("exclusiveMaximum") else \
                    "less than or equal to"
                self._at(path, f"{path} in body should be {word} {_number(bound)}", value)
        if "minimum" in schema:
            bound = schema["minimum"]
            if value < bound or (schema.get("exclusiveMinimum") and value == bound):
                word = "greater than" if schema.get("exclusiveMinimum") else \
                    "greater than or equal to"
                self._at(path, f"{path} in body should be {word} {_number(bound)}", value)
        factor = schema.get("multipleOf")
        if factor and not math.isclose(value / factor, round(value / factor)):
            self._at(path, f"{path} in body should be a multiple of {_number(factor)}", value)

    def _array(self, value: list[Any], schema: dict[str, Any], path: Path,
               structural: bool) -> None:
        if "maxItems" in schema and len(value) > schema["maxItems"]:
            self.errors.items.append(FieldError(str(path), f"Too many: {len(value)}: must have "
                                                           f"at most {schema['maxItems']} items"))
        if "minItems" in schema and len(value) < schema["minItems"]:
            self._at(path, f"{path} in body should have at least {schema['minItems']} items",
                     len(value))
        items = schema.get("items")
        if isinstance(items, dict):
            for i, item in enumerate(value):
                self.value(item, items, path.index(i), structural=structural)

    def _object(self, value: dict[str, Any], schema: dict[str, Any], path: Path,
                structural: bool) -> None:
        props: dict[str, Any] = schema.get("properties") or {}
        present = {k for k, v in value.items()
                   if v is not None or (props.get(k) or {}).get("nullable")}
        for name in schema.get("required") or ():
            if name not in present:
                self.errors.required(path.child(name))
        if "maxProperties" in schema and len(value) > schema["maxProperties"]:
            self.errors.items.append(FieldError(
                str(path), f"Too many: {len(value)}: must have at most "
                           f"{schema['maxProperties']} items"))
        if "minProperties" in schema and len(value) < schema["minProperties"]:
            self._at(path, f"{path} in body should have at least {schema['minProperties']} "
                     "properties", len(value))
        if schema.get("x-kubernetes-embedded-resource"):
            for name in ("apiVersion", "kind"):
                if not value.get(name):
                    self.errors.required(path.child(name), "must not be empty")
        extra = schema.get("additionalProperties")
        unknown = []
        for name, item in value.items():
            if name in props:
                self.value(item, props[name], path.child(name), structural=structural)
            elif isinstance(extra, dict):
                self.value(item, extra, path.child(name), structural=structural)
            elif (structural and extra is not True
                  and not schema.get("x-kubernetes-preserve-unknown-fields")
                  and not (schema.get("x-kubernetes-embedded-resource")
                           and name in ("apiVersion", "kind", "metadata"))):
                unknown.append(name)
        if unknown:
            self.errors.items.append(FieldError(str(path) or "<root>", "unknown field(s) " +
                                                ", ".join(repr(u) for u in sorted(unknown))))

    def _alternative(self, value: Any, schema: dict[str, Any], path: Path) -> Walk:
        walk = Walk()
        walk.value(value, schema, path, structural=False)
        return walk

    def _merge(self, walk: Walk) -> None:
        self.errors.items.extend(walk.errors.items)
        self.blocking = self.blocking or walk.blocking

    def _junctors(self, value: Any, schema: dict[str, Any], path: Path) -> None:
        # As kube-openapi: a failed anyOf/oneOf adds the errors of its closest alternative
        # (the one with the most values that passed), a failed allOf those of every part.
        name = str(path)
        if "anyOf" in schema:
            tries = [self._alternative(value, s, path) for s in schema["anyOf"]]
            if all(t.errors.items for t in tries):
                self._at(path, f"{name} must validate at least one schema (anyOf)")
                self._merge(max(tries, key=lambda t: t.matches))
        if "oneOf" in schema:
            tries = [self._alternative(value, s, path) for s in schema["oneOf"]]
            valid = sum(not t.errors.items for t in tries)
            if valid != 1:
                found = "Found none valid" if valid == 0 else \
                    f"Found {valid} valid alternatives"
                self._at(path, f"{name} must validate one and only one schema (oneOf). {found}")
                if valid == 0:
                    self._merge(max(tries, key=lambda t: t.matches))
        if "allOf" in schema:
            tries = [self._alternative(value, s, path) for s in schema["allOf"]]
            for t in tries:
                self._merge(t)
            valid = sum(not t.errors.items for t in tries)
            if valid != len(tries):
                none = ". None validated" if valid == 0 else ""
                self._at(path, f"{name} must validate all the schemas (allOf){none}")
        if isinstance(schema.get("not"), dict) and not self._alternative(
                value, schema["not"], path).errors.items:
            self._at(path, f"{name} must not validate the schema (not)")


def _shown(value: Any) -> str:
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return _number(value)
    return go_value(value)


def root_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """A CRD's ``openAPIV3Schema`` as the object's root is checked against: ``apiVersion``,
    ``kind`` and ``metadata`` are the API server's, checked elsewhere."""
    root = dict(schema)
    props = dict(root.get("properties") or {})
    for name in ("apiVersion", "kind"):
        props.setdefault(name, {"type": "string"})
    props["metadata"] = {"type": "object", "x-kubernetes-preserve-unknown-fields": True}
    root["properties"] = props
    root.setdefault("type", "object")
    return root


def validate(obj: dict[str, Any], root: dict[str, Any]) -> tuple[list[FieldError], bool]:
    """Every error of a custom resource against its CRD's schema (as :func:`root_schema`
    gives it), and whether one of them keeps the API server from evaluating CEL rules (a wrong
    type or value)."""
    walk = Walk()
    walk.value(obj, root, Path(""))
    return walk.errors.items, walk.blocking
