"""Deterministic YAML: canonical key order, safe quoting, LF endings, same bytes every run."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import yaml

from netkit.k8s.meta import string_map

# Leading keys per mapping depth: top-level objects, then metadata; the rest sorted.
_TOP_KEYS = ("apiVersion", "kind", "metadata", "spec")
_METADATA_KEYS = ("name", "namespace")

# Plain scalars that some YAML reader (1.1, 1.2, Go's yaml.v2) would not read as a string.
_RESERVED = frozenset({
    "", "~", "null", "y", "n", "yes", "no", "on", "off", "true", "false",
    ".inf", "+.inf", "-.inf", ".nan", "=", "<<",
})
_NUMBER_LIKE = re.compile(r"[-+]?\.?[0-9]")


def needs_quotes(value: str) -> bool:
    """Whether ``value`` must be quoted to be read back as a string by every YAML reader."""
    return value.lower() in _RESERVED or bool(_NUMBER_LIKE.match(value)) or value != value.strip()


def _ordered(mapping: dict[str, Any], leading: tuple[str, ...]) -> list[str]:
    head = [k for k in leading if k in mapping]
    return head + sorted(k for k in mapping if k not in leading)


def canonical(obj: dict[str, Any]) -> dict[str, Any]:
    """``obj`` with keys in canonical order and label/annotation values as strings."""
    out: dict[str, Any] = {}
    for key in _ordered(obj, _TOP_KEYS):
        value = obj[key]
        if key == "metadata" and isinstance(value, dict):
            md = {k: value[k] for k in _ordered(value, _METADATA_KEYS)}
            for field in ("labels", "annotations"):
                if isinstance(md.get(field), dict):
                    md[field] = string_map(md[field])
            out[key] = _sorted(md, top=True)
        else:
            out[key] = _sorted(value)
    return out


def _sorted(value: Any, *, top: bool = False) -> Any:
    if isinstance(value, dict):
        keys = list(value) if top else sorted(value, key=str)
        return {k: _sorted(value[k]) for k in keys}
    if isinstance(value, list | tuple):
        return [_sorted(v) for v in value]
    return value


class _PureDumper(yaml.SafeDumper):
    """The pure-Python dumper, made to choose simple keys exactly as libyaml does."""

    def ignore_aliases(self, data: Any) -> bool:
        return True

    def check_simple_key(self) -> bool:
        if isinstance(self.event, yaml.ScalarEvent):
            if self.analysis is None:
                self.analysis = self.analyze_scalar(self.event.value)
            multiline = self.analysis.multiline or "\r" in self.event.value  # libyaml: \r breaks
            return len(self.analysis.scalar) <= 128 and not multiline
        return bool(super().check_simple_key())


class _CDumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    def ignore_aliases(self, data: Any) -> bool:
        return True


_Dumper: Any = _CDumper if yaml.__with_libyaml__ else _PureDumper


def _literal_ok(value: str) -> bool:
    """Multi-line text that both emitters write the same way as a ``|`` block."""
    lines = value.split("\n")
    return (len(lines) > 1 and value[:1] not in (" ", "\n") and not value.endswith("\n\n")
            and value.isascii()
            and all(line.isprintable() and line == line.rstrip() for line in lines))


def _represent_str(dumper: Any, value: str) -> Any:
    if _literal_ok(value):
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    style = '"' if needs_quotes(value) else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


def _represent_dict(dumper: Any, value: dict[str, Any]) -> Any:
    return dumper.represent_mapping("tag:yaml.org,2002:map", value.items(), flow_style=False)


for _cls in (_PureDumper, _CDumper):
    _cls.add_representer(str, _represent_str)
    _cls.add_representer(dict, _represent_dict)


# ASCII-only output: libyaml and the pure emitter disagree on which non-ASCII is printable.
_OPTIONS: dict[str, Any] = {"width": 1 << 30, "indent": 2, "allow_unicode": False,
                            "line_break": "\n"}


def _events(data: Any, out: list[Any]) -> None:
    """The YAML events PyYAML's representer and serializer would make, made directly.

    Covers str, dict, list, bool, int and None; anything else raises TypeError.
    """
    kind = type(data)
    if kind is str:
        if _literal_ok(data):
            out.append(yaml.ScalarEvent(None, None, (True, True), data, style="|"))
        elif needs_quotes(data):
            out.append(yaml.ScalarEvent(None, None, (False, True), data, style='"'))
        else:
            out.append(yaml.ScalarEvent(None, None, (True, True), data))
    elif kind is dict:
        out.append(yaml.MappingStartEvent(None, None, True, flow_style=False))
        for key, value in data.items():
            _events(key, out)
            _events(value, out)
        out.append(yaml.MappingEndEvent())
    elif kind is list or kind is tuple:
        out.append(yaml.SequenceStartEvent(None, None, True, flow_style=False))
        for value in data:
            _events(value, out)
        out.append(yaml.SequenceEndEvent())
    elif kind is bool:
        out.append(yaml.ScalarEvent(None, None, (True, False), "true" if data else "false"))
    elif kind is int:
        out.append(yaml.ScalarEvent(None, None, (True, False), str(data)))
    elif data is None:
        out.append(yaml.ScalarEvent(None, None, (True, False), "null"))
    else:
        raise TypeError(kind.__name__)


def dump_events(data: Any, dumper: Any = None) -> str:
    """``data`` as YAML through direct events: twice as fast as PyYAML's representer."""
    events = [yaml.StreamStartEvent(), yaml.DocumentStartEvent(explicit=False)]
    _events(data, events)
    events += [yaml.DocumentEndEvent(explicit=False), yaml.StreamEndEvent()]
    text: str = yaml.emit(events, Dumper=dumper or _Dumper, **_OPTIONS)
    return text


def dump_represented(data: Any, dumper: Any = None) -> str:
    """``data`` as YAML through PyYAML's representer (any type PyYAML represents)."""
    text: str = yaml.dump(data, Dumper=dumper or _Dumper, default_flow_style=False,
                          sort_keys=False, **_OPTIONS)
    return text


def dump(data: Any, *, dumper: Any = None) -> str:
    """One YAML document; Kubernetes objects are put in canonical order first."""
    if isinstance(data, dict) and "kind" in data:
        data = canonical(data)
    try:
        return dump_events(data, dumper)
    except TypeError:  # a float or another type the event path leaves to PyYAML
        return dump_represented(data, dumper)


def dump_all(objects: Iterable[dict[str, Any]]) -> str:
    """Several objects as one multi-document YAML stream."""
    return "".join(f"---\n{dump(o)}" for o in objects)
