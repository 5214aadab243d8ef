"""A CRD's structural schema compiled once into a Python predicate: whether the walk of
:mod:`netkit.validate.openapi` and the list-type checks of :mod:`netkit.validate.structural`
would find no error in a value. Most objects pass, and then need no walk; one that fails is
walked for its errors, so the predicate follows the walk's rules exactly (tests hold the two
together on every single edit of upstream examples)."""

from __future__ import annotations

import functools
import hashlib
import math
import sys
from collections.abc import Callable
from typing import Any

from netkit.validate.openapi import FORMATS, compiled_pattern, has_type
from netkit.validate.schema_cache import cached
from netkit.validate.structural import has_list_type, list_type_errors

Accepts = Callable[[Any], bool]

# Each node's test of its value's type, with the value in ``v`` (go-openapi's type names).
_TYPE_TESTS = {
    "boolean": "isinstance(v, bool)",
    "string": "isinstance(v, str)",
    "object": "isinstance(v, dict)",
    "array": "isinstance(v, list)",
    "number": "isinstance(v, (int, float)) and not isinstance(v, bool)",
    "integer": "not isinstance(v, bool) and (isinstance(v, int) or (isinstance(v, float) "
               "and v.is_integer()))",
}
_INT_OR_STRING = f"isinstance(v, str) or ({_TYPE_TESTS['integer']})"


def accepts(schema: dict[str, Any]) -> Accepts:
    """The predicate of a root schema (as :func:`netkit.validate.openapi.root_schema` gives)."""
    compiler = _Compiler()
    root = compiler.node(schema, structural=True)
    source = "\n".join(compiler.lines)
    # Writing the source is quick, compiling a big CRD's is not: its bytecode is cached under
    # a key of the source itself (the constants it reads are made again with it).
    key = hashlib.sha256(f"{sys.version}\0{source}".encode()).hexdigest()[:32]
    code = cached("predicates", key, lambda: compile(source, "<netkit schema predicate>", "exec"))
    namespace: dict[str, Any] = {**compiler.constants, "has_type": has_type, "math": math}
    exec(code, namespace)
    for table in compiler.tables:  # property name → the name of its function, now defined
        namespace[table] = {prop: namespace[name] for prop, name in namespace[table].items()}
    check: Accepts = namespace[root]
    return check


class _Compiler:
    """Python source of one function per schema node (a node reached twice is written once)."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.constants: dict[str, Any] = {}
        self.tables: list[str] = []  # constants mapping property names to function names
        self._names: dict[tuple[int, bool], str] = {}  # by id: every node lives in the root

    def constant(self, value: Any) -> str:
        """A name the generated code reads ``value`` by."""
        name = f"k{len(self.constants)}"
        self.constants[name] = value
        return name

    def node(self, schema: dict[str, Any], structural: bool) -> str:
        """The name of the function checking a non-null value against ``schema``."""
        key = (id(schema), structural)
        if key not in self._names:
            name = self._names[key] = f"n{len(self._names)}"
            body = self._body(schema, structural)
            self.lines += [f"def {name}(v):", *(f"    {line}" for line in body),
                           "    return True"]
        return self._names[key]

    def _body(self, schema: dict[str, Any], structural: bool) -> list[str]:
        out = []
        if schema.get("x-kubernetes-int-or-string"):
            kinds = {"string", "number"}
            out.append(f"if not ({_INT_OR_STRING}): return False")
        elif "type" in schema:
            wanted = schema["type"]
            test = _TYPE_TESTS.get(wanted) if isinstance(wanted, str) else None
            out.append(f"if not ({test}): return False" if test else
                       f"if not has_type(v, {self.constant(wanted)}): return False")
            kinds = {"number" if wanted == "integer" else str(wanted)}
        else:
            kinds = {"string", "number", "array", "object"}
        if "enum" in schema:
            out.append(f"if v not in {self.constant(schema['enum'])}: return False")
        branches = [(kind, lines) for kind, lines in (
            ("string", self._string(schema)), ("number", self._number(schema)),
            ("array", self._array(schema, structural)),
            ("object", self._object(schema, structural))) if kind in kinds and lines]
        for i, (kind, lines) in enumerate(branches):
            if len(kinds) == 1:
                out += lines
            else:
                out.append(f"{'if' if i == 0 else 'elif'} {_TYPE_TESTS[kind]}:")
                out += [f"    {line}" for line in lines]
        return out + self._junctors(schema)

    def _sizes(self, schema: dict[str, Any], most: str, least: str) -> list[str]:
        """Lines refusing a length above ``schema[most]`` or below ``schema[least]``."""
        return [f"if len(v) {op} {self.constant(schema[key])}: return False"
                for key, op in ((most, ">"), (least, "<")) if key in schema]

    def _string(self, schema: dict[str, Any]) -> list[str]:
        out = self._sizes(schema, "maxLength", "minLength")
        pattern = schema.get("pattern")
        if isinstance(pattern, str):
            # RE2 through its binding costs microseconds a call; values repeat, so each
            # pattern keeps its answers.
            search = self.constant(compiled_pattern(pattern).search)
            seen = self.constant({})
            out += [f"r = {seen}.get(v)", "if r is None:",
                    f"    r = {seen}[v] = {search}(v) is not None", "if not r: return False"]
        form = FORMATS.get(str(schema.get("format")))
        if form is not None:
            out.append(f"if not {self.constant(form)}(v): return False")
        return out

    def _number(self, schema: dict[str, Any]) -> list[str]:
        out = []
        if "maximum" in schema:
            top = self.constant(schema["maximum"])
            out.append(f"if v > {top}: return False")
            if schema.get("exclusiveMaximum"):
                out.append(f"if v == {top}: return False")
        if "minimum" in schema:
            bottom = self.constant(schema["minimum"])
            out.append(f"if v < {bottom}: return False")
            if schema.get("exclusiveMinimum"):
                out.append(f"if v == {bottom}: return False")
        if schema.get("multipleOf"):
            factor = self.constant(schema["multipleOf"])
            out.append(f"if not math.isclose(v / {factor}, round(v / {factor})): return False")
        return out

    def _array(self, schema: dict[str, Any], structural: bool) -> list[str]:
        out = self._sizes(schema, "maxItems", "minItems")
        if structural and has_list_type(schema):  # as list_errors, which junctors do not see
            duplicates = self.constant(functools.partial(list_type_errors, schema))
            out.append(f"if {duplicates}(v): return False")
        items = schema.get("items")
        if isinstance(items, dict):
            item = self.node(items, structural)
            out += ["for x in v:", f"    if x is not None and not {item}(x): return False"]
        return out

    def _object(self, schema: dict[str, Any], structural: bool) -> list[str]:
        out = []
        props: dict[str, Any] = schema.get("properties") or {}
        for name in schema.get("required") or ():
            key = self.constant(name)
            sub = props.get(name)
            # Present means set, or null where the property is nullable.
            out.append(f"if {key} not in v: return False" if isinstance(sub, dict)
                       and sub.get("nullable") else f"if v.get({key}) is None: return False")
        out += self._sizes(schema, "maxProperties", "minProperties")
        embedded = bool(schema.get("x-kubernetes-embedded-resource"))
        if embedded:
            out.append("if not (v.get('apiVersion') and v.get('kind')): return False")
        extra = schema.get("additionalProperties")
        other = self.node(extra, structural) if isinstance(extra, dict) else None
        closed = (other is None and structural and extra is not True
                  and not schema.get("x-kubernetes-preserve-unknown-fields"))
        if not props and other is None and not closed:
            return out
        fields = self.constant({name: self.node(sub, structural) for name, sub in props.items()})
        self.tables.append(fields)
        out += ["for k, x in v.items():", f"    f = {fields}.get(k)", "    if f is not None:",
                "        if x is not None and not f(x): return False"]
        if other is not None:
            out += [f"    elif x is not None and not {other}(x): return False"]
        elif closed:
            allowed = "k not in ('apiVersion', 'kind', 'metadata')" if embedded else "True"
            out += [f"    elif {allowed}: return False"]
        return out

    def _junctors(self, schema: dict[str, Any]) -> list[str]:
        out = []
        if "anyOf" in schema:
            alts = [self.node(s, False) for s in schema["anyOf"]]
            out.append(f"if not ({' or '.join(f'{a}(v)' for a in alts)}): return False")
        if "oneOf" in schema:
            alts = [self.node(s, False) for s in schema["oneOf"]]
            out.append(f"if ({' + '.join(f'{a}(v)' for a in alts)}) != 1: return False")
        if schema.get("allOf"):
            alts = [self.node(s, False) for s in schema["allOf"]]
            out.append(f"if not ({' and '.join(f'{a}(v)' for a in alts)}): return False")
        if isinstance(schema.get("not"), dict):
            out.append(f"if {self.node(schema['not'], False)}(v): return False")
        return out
