"""Evaluate CRD ``x-kubernetes-validations`` CEL rules as the API server does on create.

The engine is cel-expr-python (the CEL C++ implementation) with the Kubernetes libraries of
:mod:`netkit.validate.cel_library`. Each rule is compiled once per process, when first used;
a CRD's checked rules are kept across runs in the user cache (serialized checked expressions,
keyed by the rules' text and the engine's version), as loading one is several times faster
than compiling it.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from netkit.validate import cel_library as lib
from netkit.validate.cel_values import has_time_values, typed, with_escaped_names
from netkit.validate.field import FieldError
from netkit.validate.schema_cache import cached


@functools.cache
def _engine() -> Any:
    """The CEL engine's module, imported when a rule is first compiled (input without custom
    resources never needs it); None on Python 3.10, where no build of it exists."""
    try:
        from cel_expr_python import cel  # type: ignore[import-untyped]
    except ImportError:
        return None
    return cel

ENGINE = "cel-expr-python"
_OLD_SELF = re.compile(r"\boldSelf\b")


@dataclass(frozen=True)
class CelRule:
    """A rule at a schema location; ``[]`` and ``{}`` in the path are list items and map values."""

    path: tuple[str, ...]
    rule: str
    message: str | None
    field_path: str | None
    reason: str | None = None
    message_expression: str | None = None
    optional_old_self: bool = False
    schema_type: str = "object"
    # the part of the rule's schema whose values CEL sees typed (see cel_values.typed)
    typing: dict[str, Any] | None = field(default=None, compare=False, hash=False)

    @functools.cached_property
    def transition(self) -> bool:
        """Whether the rule compares with the stored object (``oldSelf``)."""
        return bool(_OLD_SELF.search(self.rule))

    @property
    def text(self) -> str:
        """The rule as the API server names it in errors: its message, else its source."""
        return (self.message or "").strip() or self.rule.strip()


@dataclass(frozen=True)
class Unevaluated:
    """A rule netkit could not evaluate, why, and the first field it applies to."""

    rule: CelRule
    why: str
    at: str = ""


class CelCompileError(Exception):
    """The engine refused a rule (a function or syntax it does not have)."""


def available() -> bool:
    """Whether the CEL engine is installed (it is, except on Python 3.10)."""
    return _engine() is not None


# --- the environment ------------------------------------------------------------------------

def _overload(name: str, result: Any, params: list[Any], impl: Callable[..., Any], *,
              member: bool = False) -> Any:
    return _engine().Overload(f"k8s_{name}_{len(params)}_{'m' if member else 'g'}", result, params,
                         is_member=member, impl=_guarded(impl))


def _guarded(impl: Callable[..., Any]) -> Callable[..., Any]:
    def call(*args: Any) -> Any:
        try:
            return impl(*args)
        except lib.CelLibraryError:
            raise
        except (ValueError, TypeError, KeyError) as exc:
            raise lib.CelLibraryError(str(exc)) from None
    return call


def _declarations() -> list[Any]:
    t = _engine().Type
    dyn, string, boolean, integer = t.DYN, t.STRING, t.BOOL, t.INT
    lst = t.List(t.DYN)
    decls: dict[str, list[Any]] = {}

    def add(name: str, result: Any, params: list[Any], impl: Callable[..., Any],
            member: bool = False) -> None:
        decls.setdefault(name, []).append(_overload(
            name.replace(".", "_") + str(len(decls.get(name, []))), result, params, impl,
            member=member))

    # lists
    add("isSorted", boolean, [lst], lib.is_sorted, True)
    add("sum", dyn, [lst], lib.list_sum, True)
    add("min", dyn, [lst], lib.list_min, True)
    add("max", dyn, [lst], lib.list_max, True)
    add("indexOf", integer, [lst, dyn], lib.index_of, True)
    add("lastIndexOf", integer, [lst, dyn], lib.last_index_of, True)
    # regex
    add("find", string, [string, string], lib.find, True)
    add("findAll", t.List(string), [string, string], lib.find_all, True)
    add("findAll", t.List(string), [string, string, integer], lib.find_all, True)
    # sets
    add("sets.contains", boolean, [lst, lst], lib.sets_contains)
    add("sets.equivalent", boolean, [lst, lst], lib.sets_equivalent)
    add("sets.intersects", boolean, [lst, lst], lib.sets_intersects)
    # IPs and CIDRs
    add("isIP", boolean, [string], lib.is_ip)
    add("ip", dyn, [string], lib.to_ip)
    add("ip.isCanonical", boolean, [string], lib.ip_is_canonical)
    add("family", integer, [dyn], lib.ip_family, True)
    for name, test in lib.IP_PREDICATES.items():
        add(name, boolean, [dyn], lib.ip_predicate(test), True)
    add("isCIDR", boolean, [string], lib.is_cidr)
    add("cidr", dyn, [string], lib.to_cidr)
    add("containsIP", boolean, [dyn, dyn], lib.cidr_contains_ip, True)
    add("containsCIDR", boolean, [dyn, dyn], lib.cidr_contains_cidr, True)
    add("ip", dyn, [dyn], lib.cidr_ip, True)
    add("masked", dyn, [dyn], lib.cidr_masked, True)
    add("prefixLength", integer, [dyn], lib.cidr_prefix_length, True)
    # URLs
    add("isURL", boolean, [string], lib.is_url)
    add("url", dyn, [string], lib.to_url)
    for name, part in lib.URL_PARTS.items():
        add(name, dyn, [dyn], part, True)
    # quantities
    add("isQuantity", boolean, [string], lib.is_quantity)
    add("quantity", dyn, [string], lib.to_quantity)
    for name, fn in lib.QUANTITY_MEMBERS.items():
        add(name, dyn, [dyn], fn, True)
    for name, fn2 in lib.QUANTITY_BINARY.items():
        add(name, dyn, [dyn, dyn], fn2, True)
    # named formats; validate() gives a list standing for optional<list<string>>
    for fmt in lib.FORMATS:
        add(f"format.{fmt}", dyn, [], functools.partial(lib.format_named, fmt))
    add("format.named", dyn, [string], lib.format_named)
    add("validate", dyn, [dyn, string], lib.format_validate, True)
    add("hasValue", boolean, [t.List(string)], lambda errs: bool(errs), True)
    add("value", t.List(string), [t.List(string)], lambda errs: errs, True)
    return [_engine().FunctionDecl(name, overloads) for name, overloads in decls.items()]


@functools.cache
def _env() -> Any:
    from cel_expr_python.ext import (  # type: ignore[import-untyped]
        ext_encoders,
        ext_math,
        ext_optional,
        ext_strings,
    )

    cel = _engine()
    t = cel.Type
    return cel.NewEnv(
        variables={"self": t.DYN, "oldSelf": t.DYN},
        extensions=[ext_strings.ExtStrings(), ext_optional.ExtOptional(),
                    ext_encoders.ExtEncoders(), ext_math.ExtMath(),
                    cel.CelExtension("kubernetes", _declarations())])


# Serialized checked rules from the cache, by rule text.
_SERIALIZED: dict[str, bytes] = {}


def _compiled(sources: list[str]) -> dict[str, bytes]:
    out = {}
    for source in sources:
        try:
            out[source] = _env().compile(source).serialize()
        except RuntimeError:
            continue  # reported when the rule is evaluated
    return out


def load_programs(rules: Iterable[CelRule]) -> None:
    """Make the checked form of ``rules`` (one CRD version's) ready from the cache, compiling
    and caching them all the first time."""
    if _engine() is None:
        return
    sources = sorted({rule.rule for rule in rules} - _SERIALIZED.keys())
    if not sources:
        return
    from importlib.metadata import version

    text = "\0".join([ENGINE, version(ENGINE), *sources])
    key = hashlib.sha256(text.encode()).hexdigest()[:32]
    _SERIALIZED.update(cached("cel", key, lambda: _compiled(sources)))


@functools.cache
def _program(source: str) -> Any:
    """The compiled rule (raises CelCompileError), once per process."""
    if _engine() is None:
        raise CelCompileError(f"no CEL engine: {ENGINE} needs Python 3.11 or newer")
    serialized = _SERIALIZED.get(source)
    if serialized is not None:
        try:
            return _env().deserialize(serialized)
        except RuntimeError:
            pass  # a damaged cache entry: compile instead
    try:
        return _env().compile(source)
    except RuntimeError as exc:
        first = str(exc).split("\n", 1)[0]
        raise CelCompileError(re.sub(r"^[A-Z_]+: (ERROR: <input>:\S+ )?| \(in container ''\)", "",
                                     first)) from None


# --- values ---------------------------------------------------------------------------------

@dataclass
class RuleTree:
    """Rules by schema location (``[]`` list items, ``{}`` map values), so that one walk of an
    object finds the values of every rule; transition rules are left out, as on create."""

    rules: list[CelRule] = field(default_factory=list)
    children: dict[str, RuleTree] = field(default_factory=dict)

    @classmethod
    def of(cls, rules: Iterable[CelRule]) -> RuleTree:
        """The tree of ``rules``."""
        root = cls()
        for rule in rules:
            if rule.transition and not rule.optional_old_self:
                continue
            node = root
            for part in rule.path:
                node = node.children.setdefault(part, cls())
            node.rules.append(rule)
        return root

    def walk(self, obj: Any, at: str = "") -> Iterator[tuple[CelRule, Any, str]]:
        """(rule, value, field path) for every value a rule applies to; nulls are skipped."""
        if obj is None:
            return
        for rule in self.rules:
            yield rule, obj, at
        for part, child in self.children.items():
            if part == "[]":
                if isinstance(obj, list):
                    for i, item in enumerate(obj):
                        yield from child.walk(item, f"{at}[{i}]")
            elif part == "{}":
                if isinstance(obj, dict):
                    for key, item in obj.items():
                        yield from child.walk(item, f"{at}[{key}]")
            elif isinstance(obj, dict) and part in obj:
                yield from child.walk(obj[part], f"{at}.{part}" if at else part)


# --- evaluation -----------------------------------------------------------------------------

def _engine_error(text: str) -> str:
    """cel-cpp's error worded as cel-go's, which the API server prints."""
    m = re.match(r'NOT_FOUND: Key not found in map : "?(.*?)"?$', text)
    if m:
        return f"no such key: {m.group(1)}"
    text = re.sub(r"^[A-Z_]+: ", "", text)
    if text.startswith("No matching overloads found"):
        return "no such overload"
    return text


def _failure(rule: CelRule, where: str, detail: str) -> FieldError:
    reason = rule.reason
    if reason == "FieldValueForbidden":
        return FieldError(where, f"Forbidden: {detail}")
    if reason == "FieldValueRequired":
        return FieldError(where, f"Required value: {detail}")
    if reason == "FieldValueDuplicate":
        return FieldError(where, f'Duplicate value: "{rule.schema_type}"')
    return FieldError(where, f'Invalid value: "{rule.schema_type}": {detail}')


def _message(rule: CelRule, data: dict[str, Any]) -> str:
    if rule.message_expression:
        try:
            result = _program(rule.message_expression).eval(data=data).value()
        except (CelCompileError, RuntimeError):
            result = None
        if isinstance(result, str) and result.strip() and "\n" not in result.strip():
            return result.strip()
    return (rule.message or "").strip() or f"failed rule: {rule.rule.strip()}"


def evaluate(rule: CelRule, value: Any, at: str) -> FieldError | None:
    """The error the API server reports for ``rule`` on ``value`` at field path ``at``
    (None if it holds); raises CelCompileError when the rule cannot be evaluated."""
    source = _OLD_SELF.sub("optional.none()", rule.rule) if rule.optional_old_self else rule.rule
    program = _program(source)
    value = typed(value, rule.typing)
    data = {"self": with_escaped_names(value) if "__" in source else value}
    try:
        result = program.eval(data=data)
    except (RuntimeError, TypeError, ValueError) as exc:
        raise CelCompileError(f"the value could not be given to the engine: {exc}") from None
    where = at or "<root>"
    if result.type().name() == "ERROR":
        err = _engine_error(str(result.value()))
        if has_time_values(rule.typing):
            raise CelCompileError(f"{err}; values of format duration, date or date-time reach "
                                  "it as text, and the API server gives them to CEL typed")
        if err == "no such overload":
            return FieldError(where, f"Invalid value: \"{rule.schema_type}\": '{err}': call "
                              "arguments did not match a supported operator, function or macro "
                              f"signature for rule: {rule.text}")
        return FieldError(where, f'Invalid value: "{rule.schema_type}": {err} evaluating rule: '
                          f"{rule.text}")
    if result.value() is True:
        return None
    if rule.field_path:
        sep = "" if rule.field_path.startswith("[") else "."
        where = (at + sep + rule.field_path.lstrip(".")) if at else rule.field_path.lstrip(".")
    return _failure(rule, where, _message(rule, data))


def evaluate_rules(rules: RuleTree | list[CelRule], obj: dict[str, Any]
                   ) -> tuple[list[FieldError], list[Unevaluated]]:
    """Errors of the rules ``obj`` fails, and the rules that could not be evaluated.

    Transition rules (``oldSelf``) are skipped as on create, unless ``optionalOldSelf``
    lets them run with no old object.
    """
    tree = rules if isinstance(rules, RuleTree) else RuleTree.of(rules)
    errors: list[FieldError] = []
    skipped: dict[CelRule, Unevaluated] = {}
    for rule, value, at in tree.walk(obj):
        if rule in skipped:
            continue
        try:
            error = evaluate(rule, value, at)
        except CelCompileError as exc:
            skipped[rule] = Unevaluated(rule, str(exc), at)
            continue
        if error is not None:
            errors.append(error)
    return errors, list(skipped.values())
