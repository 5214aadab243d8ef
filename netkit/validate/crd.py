"""Custom resource schemas from CRDs: structural validation, list types and CEL rules."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from netkit import schemas
from netkit.inputs.manifests import LoadError, read_file, yaml_files
from netkit.validate import openapi
from netkit.validate.cel import CelRule, RuleTree, Unevaluated, evaluate_rules, load_programs
from netkit.validate.cel_values import typing_schema
from netkit.validate.field import FieldError
from netkit.validate.openapi_accepts import Accepts, accepts
from netkit.validate.schema_cache import cached, file_key
from netkit.validate.structural import (
    defaulted,
    has_default,
    has_list_type,
    list_errors,
    pruned,
)

CEL_SKIPPED = ("some validation rules were not checked because the object was invalid; "
               "correct the existing errors to complete validation")
COMPILE_AFTER = 16  # objects of a kind walked before its schema predicate is compiled
# The groups whose bundled CRDs follow [tool.netkit] gateway_api_channel.
GATEWAY_API_GROUPS = frozenset({"gateway.networking.k8s.io", "gateway.networking.x-k8s.io"})


@dataclass(frozen=True)
class SchemaResult:
    """What checking one object against its custom resource schema found."""

    errors: list[FieldError]
    unevaluated: list[Unevaluated] = field(default_factory=list)


@dataclass
class CustomResourceSchema:
    """The served version of one custom resource kind."""

    group: str
    version: str
    kind: str
    namespaced: bool
    structural: dict[str, Any]  # the CRD's openAPIV3Schema
    cel_rules: list[CelRule] = field(default_factory=list)
    _prepared: bool = False
    _root: dict[str, Any] = field(default_factory=dict)
    _accepts: Accepts | None = None
    _walked: int = 0
    _compilable: bool = True
    _defaults: dict[str, Any] | None = None
    _list_types: dict[str, Any] | None = None
    _rules: RuleTree | None = None
    _programs_loaded: bool = False

    def validate(self, obj: dict[str, Any], *, cel: bool = True) -> list[FieldError]:
        """The errors the API server reports when ``obj`` is created (see ``check``)."""
        return self.check(obj, cel=cel).errors

    def check(self, obj: dict[str, Any], *, cel: bool = True) -> SchemaResult:
        """As the API server on create: defaults applied (to a copy), then the schema's errors,
        duplicate list-type set/map items and failed CEL rules (unless ``cel`` is False, or a
        wrong type or value keeps the API server from evaluating them)."""
        if not self._prepared:
            self._root = openapi.root_schema(self.structural)
            self._defaults = pruned(self.structural, has_default)
            # The root as the walk sees it: metadata is the API server's, checked elsewhere.
            self._list_types = pruned(self._root, has_list_type)
            self._rules = RuleTree.of(self.cel_rules)
            self._prepared = True
        obj = defaulted(obj, self._defaults)
        # Most objects pass: once a kind has enough of them to repay compiling its predicate,
        # the predicate says so quickly, and the walk and list checks only tell the errors of
        # those that fail.
        if self._accepts is None and self._compilable and self._walked >= COMPILE_AFTER:
            try:
                self._accepts = accepts(self._root)
            except Exception:  # e.g. a pattern RE2 refuses: the walk decides, as it does for
                self._compilable = False  # the first objects (and reports what it meets)
        self._walked += 1
        errors: list[FieldError] = []
        blocking = False
        if self._accepts is None or not self._accepts(obj):
            errors, blocking = openapi.validate(obj, self._root)
            errors += list_errors(obj, self._list_types)
        if not cel or self._rules is None:
            return SchemaResult(errors)
        if blocking:
            return SchemaResult([*errors, FieldError("<root>",
                                                     f'Invalid value: "null": {CEL_SKIPPED}')])
        if not self._programs_loaded:
            load_programs(self.cel_rules)
            self._programs_loaded = True
        failed, unevaluated = evaluate_rules(self._rules, obj)
        return SchemaResult(errors + failed, unevaluated)


@dataclass(frozen=True)
class CrdSource:
    """Where the CRD of one group and kind comes from, and the versions it serves."""

    where: str
    versions: tuple[str, ...]
    channel: str | None = None  # the bundled channel; None for a CRD the user added
    plural: str = ""


class CrdRegistry:
    """Custom resource schemas by (apiVersion, kind): CRDs the user added, then netkit's
    bundled ones (each parsed on first use, once per process)."""

    def __init__(self, *, bundled: bool = True, gateway_api_channel: str = "standard") -> None:
        if gateway_api_channel not in schemas.CHANNELS:
            raise ValueError(f"unknown Gateway API channel {gateway_api_channel!r}; expected "
                             f"one of {', '.join(schemas.CHANNELS)}")
        self.bundled = bundled
        self.gateway_api_channel = gateway_api_channel
        self._schemas: dict[tuple[str, str], CustomResourceSchema] = {}
        self._sources: dict[tuple[str, str], CrdSource] = {}

    def kinds(self) -> list[str]:
        """``group/version Kind`` of every schema, the user's and the bundled ones, sorted."""
        found = {f"{a} {k}" for a, k in self._schemas}
        for entry in schemas.bundled():
            crd = self._bundled(entry.group, entry.kind)
            if crd is not None and (crd.group, crd.kind) not in self._sources:
                found.update(f"{a} {crd.kind}" for a in crd.api_versions)
        return sorted(found)

    def load(self, paths: Iterable[str | Path]) -> CrdRegistry:
        """Add the CRDs in files or directories (recursive); other objects are ignored."""
        for raw in paths:
            for file in yaml_files(Path(raw)):
                for loaded in read_file(file):
                    if loaded.obj.get("kind") == "CustomResourceDefinition":
                        self.add(loaded.obj, where=f"{loaded.file}:{loaded.line}")
        return self

    def add(self, crd: dict[str, Any], *, where: str = "<crd>") -> None:
        """Add every served version of one CRD; it replaces a bundled CRD of its group/kind."""
        group, kind, served = _served(crd, where)
        plural = str(((crd.get("spec") or {}).get("names") or {}).get("plural") or "")
        self._sources[(group, kind)] = CrdSource(where, tuple(served), plural=plural)
        for version, schema in served.items():
            self._schemas[(f"{group}/{version}", kind)] = schema

    def get(self, api_version: str, kind: str) -> CustomResourceSchema | None:
        """The schema for ``apiVersion``/``kind``, if a CRD serves that version."""
        found = self._schemas.get((api_version, kind))
        group, _, version = api_version.rpartition("/")
        if found is not None or (group, kind) in self._sources:
            return found
        crd = self._bundled(group, kind)
        if crd is None or version not in crd.versions:
            return None
        return _bundled_schemas(crd)[version]

    def source(self, group: str, kind: str) -> CrdSource | None:
        """The CRD that defines ``group``/``kind`` here: the user's, else a bundled one."""
        found = self._sources.get((group, kind))
        if found is not None:
            return found
        crd = self._bundled(group, kind)
        return None if crd is None else CrdSource(str(crd.path), crd.versions, crd.channel,
                                                  crd.plural)

    def _bundled(self, group: str, kind: str) -> schemas.BundledCrd | None:
        if not self.bundled or not group:
            return None
        channel = self.gateway_api_channel if group in GATEWAY_API_GROUPS else "standard"
        return schemas.find(group, kind, channel=channel)


@functools.cache
def _bundled_schemas(crd: schemas.BundledCrd) -> dict[str, CustomResourceSchema]:
    """Served version → schema of a bundled CRD, shared by every registry of the process."""
    doc = cached("crds", file_key(crd.path, crd.group, crd.kind), crd.load)
    return _served(doc, str(crd.path))[2]


def _served(crd: dict[str, Any], where: str
            ) -> tuple[str, str, dict[str, CustomResourceSchema]]:
    """(group, kind, served version → schema) of one CRD document."""
    spec = crd.get("spec") or {}
    try:
        group, kind = spec["group"], spec["names"]["kind"]
        namespaced = spec.get("scope", "Namespaced") == "Namespaced"
        versions = spec["versions"]
    except (KeyError, TypeError):
        raise LoadError(where, "not a CustomResourceDefinition v1 (spec.group, spec.names"
                        ".kind and spec.versions are required)",
                        hint="pass apiextensions.k8s.io/v1 CRDs") from None
    served = {}
    for version in versions:
        if not version.get("served", True):
            continue
        raw = ((version.get("schema") or {}).get("openAPIV3Schema")) or {
            "type": "object", "x-kubernetes-preserve-unknown-fields": True}
        served[version["name"]] = CustomResourceSchema(
            group, version["name"], kind, namespaced, raw, list(_cel_rules(raw, ())))
    return group, kind, served


def _cel_rules(schema: dict[str, Any], path: tuple[str, ...]) -> Iterator[CelRule]:
    kind = schema.get("type") or ("object" if "properties" in schema else "")
    for rule in schema.get("x-kubernetes-validations") or ():
        yield CelRule(path, rule["rule"], rule.get("message"), rule.get("fieldPath"),
                      rule.get("reason"), rule.get("messageExpression"),
                      bool(rule.get("optionalOldSelf", False)), kind, typing_schema(schema))
    for sub in schema.get("allOf") or ():
        yield from _cel_rules(sub, path)
    for name, sub in (schema.get("properties") or {}).items():
        yield from _cel_rules(sub, (*path, name))
    if isinstance(schema.get("items"), dict):
        yield from _cel_rules(schema["items"], (*path, "[]"))
    if isinstance(schema.get("additionalProperties"), dict):
        yield from _cel_rules(schema["additionalProperties"], (*path, "{}"))
