"""OpenAPI schemas for core kinds (from kubernetes-validate), compiled once per kind."""

from __future__ import annotations

import importlib.util
import json
import re
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import fastjsonschema

from netkit.validate.field import FieldError
from netkit.validate.schema_cache import compile_cached, files_key

_REF = "/api/_definitions.json#/$defs/"


def _schema_root() -> Path:
    # Located, not imported: importing kubernetes_validate pulls in jsonschema (0.15 s).
    spec = importlib.util.find_spec("kubernetes_validate")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("kubernetes-validate is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "kubernetes-json-schema"


@cache
def available_versions() -> tuple[tuple[int, int], ...]:
    """Kubernetes minor versions with strict schemas, ascending."""
    found = set()
    for entry in _schema_root().iterdir():
        m = re.fullmatch(r"v(\d+)\.(\d+)\.\d+-local-strict", entry.name)
        if m:
            found.add((int(m.group(1)), int(m.group(2))))
    return tuple(sorted(found))


def schema_version(wanted: tuple[int, int]) -> tuple[int, int]:
    """The newest schema version not newer than ``wanted`` (else the oldest there is)."""
    versions = available_versions()
    older = [v for v in versions if v <= wanted]
    return older[-1] if older else versions[0]


def field_path(parts: list[Any]) -> str:
    """``["spec", "ports", "0", "port"]`` → ``spec.ports[0].port``."""
    out = ""
    for part in parts:
        index = isinstance(part, int) or (isinstance(part, str) and part.isdigit())
        out += f"[{part}]" if index else (f".{part}" if out else str(part))
    return out


def schema_errors(exc: fastjsonschema.JsonSchemaValueException) -> list[FieldError]:
    """FieldErrors from fastjsonschema's exception: unknown fields named, and each missing
    required field at its own path (``spec.x.name: Required value``), as the API server."""
    text, name = str(exc.message), str(exc.name)
    if text.startswith(name):
        text = text[len(name):].strip()
    parts = list(exc.path)[1:]
    if exc.rule == "required" and isinstance(exc.value, dict):
        missing = [f for f in exc.rule_definition or () if f not in exc.value]
        if missing:
            return [FieldError(field_path([*parts, f]), "Required value") for f in missing]
    if exc.rule == "additionalProperties" and isinstance(exc.value, dict):
        allowed = set((exc.definition or {}).get("properties", {}))
        unknown = sorted(str(k) for k in exc.value if k not in allowed)
        text = f"unknown field(s) {', '.join(map(repr, unknown))}"
    return [FieldError(field_path(parts), text)]


def _no_remote(uri: str) -> Any:
    raise fastjsonschema.JsonSchemaDefinitionException(f"remote $ref {uri} is not fetched")


_HANDLERS = {scheme: _no_remote for scheme in ("http", "https", "ftp", "file")}


# How a kind's schema is made from its files (see _compile): a new value whenever that changes,
# so that no cached validator of the old way is used.
_MADE = "kind schema, $refs into $defs of the definitions it reaches, no $schema or $id: 1"


def compile_schema(make_schema: Callable[[], dict[str, Any]], key: str) -> Any:
    """A validator function; no defaults filled in, formats not enforced (as the apiserver),
    and never a network fetch for a remote ``$ref`` (``make_schema``, ``key``: as for
    :func:`~netkit.validate.schema_cache.compile_cached`)."""
    return compile_cached(make_schema, key, handlers=_HANDLERS, use_default=False,
                          use_formats=False)


_SCHEMA_FILE = re.compile(r"([a-z0-9]+)-([a-z0-9-]+)\.json")


def _schema_files(directory: Any) -> dict[tuple[str, str], str]:
    """(lower-case kind, group-version as ``apps-v1``) → schema file name, from a listing of
    ``directory``: input names a kind to look up, never a path to open."""
    found = (_SCHEMA_FILE.fullmatch(entry.name) for entry in directory.iterdir())
    return {(m.group(1), m.group(2)): m.group(0) for m in found if m}


class CoreSchemas:
    """Strict validators for built-in kinds of one Kubernetes version."""

    def __init__(self, version: tuple[int, int]) -> None:
        self.version = schema_version(version)
        major, minor = self.version
        self._dir = _schema_root().joinpath(f"v{major}.{minor}.0-local-strict")
        self._files = _schema_files(self._dir)
        self._defs: dict[str, Any] | None = None
        self._validators: dict[tuple[str, str], Any] = {}

    def _definitions(self) -> dict[str, Any]:
        if self._defs is None:
            text = self._dir.joinpath("_definitions.json").read_text(encoding="utf-8")
            self._defs = json.loads(text.replace(_REF, "#/$defs/"))["$defs"]
        return self._defs

    def validator(self, api_version: str, kind: str) -> Any | None:
        """The compiled validator for a built-in kind, or None if the version has none."""
        key = (api_version, kind)
        if key not in self._validators:
            self._validators[key] = self._compile(api_version, kind)
        return self._validators[key]

    def _compile(self, api_version: str, kind: str) -> Any | None:
        group_version = re.sub(r"^([^./]*)(?:\.[^/]*)?/", r"\1-", api_version)
        name = self._files.get((kind.lower(), group_version))
        if name is None:
            return None
        path = self._dir.joinpath(name)
        schema = json.loads(path.read_text(encoding="utf-8").replace(_REF, "#/$defs/"))
        enum = (schema.get("properties", {}).get("apiVersion") or {}).get("enum")
        if enum and api_version not in enum:
            return None

        def whole() -> dict[str, Any]:
            """The kind's schema with the definitions it reaches (parsed on a cache miss)."""
            defs = self._definitions()
            needed: dict[str, Any] = {}
            stack = re.findall(r'"#/\$defs/([^"]+)"', json.dumps(schema))
            while stack:
                found = stack.pop()
                if found in needed or found not in defs:
                    continue
                needed[found] = defs[found]
                stack.extend(re.findall(r'"#/\$defs/([^"]+)"', json.dumps(defs[found])))
            out = {k: v for k, v in schema.items() if k not in ("$schema", "$id")}
            out["$defs"] = needed
            return out

        files = [path, self._dir.joinpath("_definitions.json")]
        return compile_schema(whole, files_key(files, _MADE))

    def validate(self, obj: dict[str, Any]) -> list[FieldError] | None:
        """Errors for a built-in kind (the first the schema finds), or None if not built in."""
        validator = self.validator(str(obj.get("apiVersion")), str(obj.get("kind")))
        if validator is None:
            return None
        try:
            validator(obj)
        except fastjsonschema.JsonSchemaValueException as exc:
            return schema_errors(exc)
        return []
