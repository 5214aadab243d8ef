"""A cdk8s app of given objects, synthesized: the cdk8s rows of ``synth_compare.py``.

Three ways to build the same objects, each a whole process:
- ``apiobject``: one ``cdk8s.ApiObject`` per object, its fields added as JSON (cdk8s's lightest
  path);
- ``typed``: as a cdk8s user writes a chart: core kinds through the typed L1 classes of
  ``cdk8s_plus_33.k8s`` (``KubeService``, ``KubeNetworkPolicy`` ...) with nested typed structs
  (``k8s.ObjectMeta``, ``k8s.NetworkPolicySpec``, ``k8s.IntOrString.from_number()`` ...);
  custom resources through ``ApiObject``;
- ``imported``: as ``typed``, and custom resources through the classes ``cdk8s import`` generated
  from their CRDs (``HttpRoute``, ``BackendTrafficPolicy`` ... with their typed structs and
  enums), found in the ``imports`` package under IMPORTS_ROOT (``cdk8s_import.py`` makes it).

Usage: python benchmarks/cdk8s_app.py {apiobject,typed} OBJECTS.json OUTDIR
       python benchmarks/cdk8s_app.py imported OBJECTS.json OUTDIR IMPORTS_ROOT
"""

from __future__ import annotations

import enum
import importlib
import json
import re
import sys
import typing
from collections.abc import Callable, Mapping, Sequence
from functools import cache, partial
from pathlib import Path
from types import ModuleType
from typing import Any

import netkit.cdk8s  # noqa: F401  # first: it points jsii at Node.js before cdk8s starts it

# isort: split
import cdk8s
import yaml

from netkit.cdk8s.chart import api_object

Json = dict[str, Any]


def is_struct(hint: object) -> bool:
    """Whether ``hint`` is a jsii struct (data type) class."""
    return isinstance(hint, type) and hasattr(hint, "__jsii_name_mapping__")


def has_factories(hint: object) -> bool:
    """Whether ``hint`` is built through ``from_number``/``from_string`` (IntOrString,
    Quantity)."""
    factories = ("from_number", "from_string")
    return isinstance(hint, type) and all(hasattr(hint, name) for name in factories)


@cache
def fields(struct: type) -> tuple[dict[str, str], dict[str, Any]]:
    """A struct's Python keyword by JSON field name, and its type hint by Python keyword."""
    names = {js: py for py, js in struct.__jsii_name_mapping__.items()}  # type: ignore[attr-defined]
    return names, typing.get_type_hints(vars(struct)["__init__"])


@cache
def enum_members(hint: type[enum.Enum]) -> dict[object, enum.Enum]:
    """A jsii enum's members by JSON value.

    jsii passes members by name (``PATH_PREFIX``) and only Node.js knows their values
    (``PathPrefix``), so each member is rendered there once.
    """
    return {yaml.safe_load(cdk8s.Yaml.stringify(member)): member for member in hint}


def keywords(struct: type, value: Mapping[str, Any]) -> dict[str, Any]:
    """The keyword arguments of ``struct`` for the JSON object ``value``, typed recursively."""
    names, hints = fields(struct)
    out = {}
    for key, item in value.items():
        if key not in names:
            sys.exit(f"{struct.__name__} has no field {key!r}")
        out[names[key]] = typed(hints[names[key]], item)
    return out


def accepts(hint: Any, value: object) -> bool:
    """Whether a JSON ``value`` fits the type ``hint`` (to choose a member of a Union)."""
    origin = typing.get_origin(hint) or hint
    if is_struct(hint) or origin in (dict, Mapping):
        return isinstance(value, dict)
    if has_factories(hint):
        return isinstance(value, str | int | float)
    if origin in (list, Sequence):
        return isinstance(value, list)
    if origin is typing.Union:
        return any(accepts(arg, value) for arg in typing.get_args(hint))
    if isinstance(origin, type) and issubclass(origin, enum.Enum):
        return value in enum_members(origin)
    return not isinstance(origin, type) or isinstance(value, origin)


def typed(hint: Any, value: Any) -> Any:
    """The JSON ``value`` as the type ``hint`` asks: structs, factories, enums, lists, maps."""
    origin = typing.get_origin(hint)
    if origin is typing.Union:
        args = [arg for arg in typing.get_args(hint) if arg is not type(None)]
        return typed(next((arg for arg in args if accepts(arg, value)), Any), value)
    if origin in (list, Sequence):
        (item,) = typing.get_args(hint)
        return [typed(item, v) for v in value]
    if origin in (dict, Mapping):
        _, item = typing.get_args(hint)
        return {k: typed(item, v) for k, v in value.items()}
    if is_struct(hint):
        return hint(**keywords(hint, value))
    if has_factories(hint):
        return hint.from_string(value) if isinstance(value, str) else hint.from_number(value)
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return enum_members(hint)[value]
    return value


def core_modules() -> tuple[ModuleType, ...]:
    """The module of the typed L1 classes of core kinds (``cdk8s_plus_33.k8s``)."""
    from cdk8s_plus_33 import k8s  # here: the ApiObject row must not pay for importing it

    return (k8s,)


def imported_modules(root: Path) -> tuple[ModuleType, ...]:
    """The modules ``cdk8s import`` generated in the ``imports`` package under ``root``."""
    sys.path.insert(0, str(root))
    inits = (root / "imports").rglob("__init__.py")
    names = sorted(".".join(init.parent.relative_to(root).parts) for init in inits
                   if init.parent.name != "_jsii")
    return tuple(importlib.import_module(name) for name in names)


@cache
def construct_class(modules: tuple[ModuleType, ...], api_version: str, kind: str
                    ) -> tuple[type, type] | None:
    """The class of ``apiVersion``/``kind`` in ``modules`` and its props struct, None if none
    has it (``KubeService``, ``KubeServiceProps``; ``HttpRoute``, ``HttpRouteProps``)."""
    # Kube is the prefix of core classes; a version suffix names a kind's other versions
    named = re.compile(rf"(kube)?{re.escape(kind.lower())}(v\d\w*)?")
    for module in modules:
        for name in dir(module):
            cls = getattr(module, name)
            if (named.fullmatch(name.lower()) and isinstance(cls, type) and hasattr(cls, "GVK")
                    and (cls.GVK.api_version, cls.GVK.kind) == (api_version, kind)):
                return cls, getattr(module, f"{name}Props")
    return None


def construct_id(obj: Json) -> str:
    """A chart-unique construct id of an object (kind, namespace, name)."""
    md = obj["metadata"]
    return "-".join(p for p in (obj["kind"], md.get("namespace", ""), md["name"]) if p)


def typed_object(modules: tuple[ModuleType, ...], chart: cdk8s.Chart, obj: Json
                 ) -> cdk8s.ApiObject:
    """``obj`` through its class in ``modules`` with typed structs, else as an ApiObject."""
    found = construct_class(modules, obj["apiVersion"], obj["kind"])
    if found is None:
        return api_object(chart, obj)
    cls, props = found
    given = {k: v for k, v in obj.items() if k not in ("apiVersion", "kind")}
    return typing.cast(cdk8s.ApiObject, cls(chart, construct_id(obj), **keywords(props, given)))


def builder(mode: str, args: Sequence[str]) -> Callable[[cdk8s.Chart, Json], cdk8s.ApiObject]:
    """How the row ``mode`` builds each object (``args``: the row's further arguments)."""
    if mode == "apiobject":
        return api_object
    if mode == "typed":
        return partial(typed_object, core_modules())
    if mode == "imported":
        return partial(typed_object, core_modules() + imported_modules(Path(args[0])))
    sys.exit(f"unknown mode {mode!r}: expected apiobject, typed or imported")


def main() -> None:
    """Build the objects of a JSON file the chosen way and synthesize them into OUTDIR."""
    mode, source, outdir, *rest = sys.argv[1:]
    build = builder(mode, rest)
    app = cdk8s.App(outdir=outdir)
    chart = cdk8s.Chart(app, "bench", disable_resource_name_hashes=True)
    with open(source) as f:
        for obj in json.load(f):
            build(chart, obj)
    app.synth()


if __name__ == "__main__":
    main()
