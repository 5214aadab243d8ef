"""A cdk8s app of given objects, synthesized: the cdk8s rows of ``synth_compare.py``.

Two ways to build the same objects, each a whole process:
- ``apiobject``: one ``cdk8s.ApiObject`` per object, its fields added as JSON (cdk8s's lightest
  path);
- ``typed``: as a cdk8s user writes a chart: core kinds through the typed L1 classes of
  ``cdk8s_plus_33.k8s`` (``KubeService``, ``KubeNetworkPolicy`` ...) with nested typed structs
  (``k8s.ObjectMeta``, ``k8s.NetworkPolicySpec``, ``k8s.IntOrString.from_number()`` ...);
  custom resources through ``ApiObject``, standing for the classes ``cdk8s import`` generates.

Usage: python benchmarks/cdk8s_app.py {apiobject,typed} OBJECTS.json OUTDIR
"""

from __future__ import annotations

import enum
import json
import sys
import typing
from collections.abc import Callable, Mapping, Sequence
from functools import cache
from typing import Any

import netkit.cdk8s  # noqa: F401  # first: it points jsii at Node.js before cdk8s starts it

# isort: split
import cdk8s

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
        return hint(value)
    return value


@cache
def l1_class(api_version: str, kind: str) -> type | None:
    """The ``cdk8s_plus_33.k8s`` class of ``apiVersion``/``kind``, None for custom resources."""
    from cdk8s_plus_33 import k8s  # here: the ApiObject row must not pay for importing it

    for name in dir(k8s):
        if name == f"Kube{kind}" or name.startswith(f"Kube{kind}V"):
            cls = getattr(k8s, name)
            if (cls.GVK.api_version, cls.GVK.kind) == (api_version, kind):
                return typing.cast(type, cls)
    return None


def construct_id(obj: Json) -> str:
    """A chart-unique construct id of an object (kind, namespace, name)."""
    md = obj["metadata"]
    return "-".join(p for p in (obj["kind"], md.get("namespace", ""), md["name"]) if p)


def typed_object(chart: cdk8s.Chart, obj: Json) -> cdk8s.ApiObject:
    """``obj`` as a typed L1 object when ``cdk8s_plus_33.k8s`` has its kind, else an ApiObject."""
    cls = l1_class(obj["apiVersion"], obj["kind"])
    if cls is None:
        return api_object(chart, obj)
    from cdk8s_plus_33 import k8s

    props = {k: v for k, v in obj.items() if k not in ("apiVersion", "kind")}
    made = cls(chart, construct_id(obj), **keywords(getattr(k8s, f"{cls.__name__}Props"), props))
    return typing.cast(cdk8s.ApiObject, made)


BUILDERS: dict[str, Callable[[cdk8s.Chart, Json], cdk8s.ApiObject]] = {
    "apiobject": api_object, "typed": typed_object}


def main() -> None:
    """Build the objects of a JSON file the chosen way and synthesize them into OUTDIR."""
    mode, source, outdir = sys.argv[1:]
    build = BUILDERS[mode]
    app = cdk8s.App(outdir=outdir)
    chart = cdk8s.Chart(app, "bench", disable_resource_name_hashes=True)
    with open(source) as f:
        for obj in json.load(f):
            build(chart, obj)
    app.synth()


if __name__ == "__main__":
    main()
