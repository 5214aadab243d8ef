"""Custom resource schemas from CRDs: structural validation, list types and CEL rules
(which CRDs there are is :mod:`netkit.validate.crd_registry`'s)."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from netkit import schemas
from netkit.inputs.load_error import LoadError
from netkit.validate import openapi
from netkit.validate.cel import CelRule, RuleTree, Unevaluated, evaluate_rules, load_programs
from netkit.validate.cel_values import typing_schema
from netkit.validate.field import FieldError
from netkit.validate.openapi_accepts import Accepts, accepts
from netkit.validate.schema_cache import cached, files_key
from netkit.validate.structural import (
    Defaulter,
    defaulter,
    has_default,
    has_list_type,
    list_errors,
    pruned,
)

CEL_SKIPPED = ("some validation rules were not checked because the object was invalid; "
               "correct the existing errors to complete validation")
COMPILE_AFTER = 16  # objects of a kind walked before its schema predicate is compiled


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
    _prepared: bool = False
    _root: dict[str, Any] = field(default_factory=dict)
    _accepts: Accepts | None = None
    _walked: int = 0
    _expected: int = 0
    _compilable: bool = True
    _default: Defaulter | None = None
    _list_types: dict[str, Any] | None = None
    _rules: RuleTree | None = None
    _programs_loaded: bool = False

    @functools.cached_property
    def cel_rules(self) -> list[CelRule]:
        """The CEL rules of the schema (found when first asked for: objects netkit renders
        are not held to them at synth)."""
        return list(_cel_rules(self.structural, ()))

    def expect(self, count: int) -> None:
        """``count`` objects of the kind are about to be checked: when they are enough to
        repay compiling the predicate, it is compiled for the first of them."""
        self._expected += count

    def validate(self, obj: dict[str, Any], *, cel: bool = True) -> list[FieldError]:
        """The errors the API server reports when ``obj`` is created (see ``check``)."""
        return self.check(obj, cel=cel).errors

    def check(self, obj: dict[str, Any], *, cel: bool = True) -> SchemaResult:
        """As the API server on create: defaults applied (to a copy), then the schema's errors,
        duplicate list-type set/map items and failed CEL rules (unless ``cel`` is False, or a
        wrong type or value keeps the API server from evaluating them)."""
        if not self._prepared:
            self._root = openapi.root_schema(self.structural)
            self._default = defaulter(pruned(self.structural, has_default))
            # The root as the walk sees it: metadata is the API server's, checked elsewhere.
            self._list_types = pruned(self._root, has_list_type)
            self._prepared = True
        obj = self._default(obj) if self._default is not None else obj
        # Most objects pass: once a kind has enough of them to repay compiling its predicate,
        # the predicate says so quickly, and the walk and list checks only tell the errors of
        # those that fail.
        if self._accepts is None and self._compilable and \
                self._walked + self._expected >= COMPILE_AFTER:
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
        if not cel:
            return SchemaResult(errors)
        if self._rules is None:
            self._rules = RuleTree.of(self.cel_rules)
        if blocking:
            return SchemaResult([*errors, FieldError("<root>",
                                                     f'Invalid value: "null": {CEL_SKIPPED}')])
        if not self._programs_loaded:
            load_programs(self.cel_rules)
            self._programs_loaded = True
        failed, unevaluated = evaluate_rules(self._rules, obj)
        return SchemaResult(errors + failed, unevaluated)


@functools.cache
def bundled_schemas(crd: schemas.BundledCrd) -> dict[str, CustomResourceSchema]:
    """Served version → schema of a bundled CRD, shared by every registry of the process."""
    doc = cached("crds", files_key([crd.path], crd.group, crd.kind), crd.load)
    return served_schemas(doc, str(crd.path))[2]


def served_schemas(crd: dict[str, Any], where: str
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
        served[version["name"]] = CustomResourceSchema(group, version["name"], kind,
                                                       namespaced, raw)
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
