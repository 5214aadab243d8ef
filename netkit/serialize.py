"""Deterministic YAML: canonical key order, safe quoting, LF endings, same bytes every run."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from typing import Any

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
    if len(head) == len(mapping):  # an object of apiVersion, kind, metadata and spec alone
        return head
    rest = [k for k in mapping if k not in leading]
    rest.sort()
    return head + rest


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


@cache
def _dumpers() -> tuple[Any, Any]:
    """PyYAML's safe dumpers as netkit writes (no aliases, simple keys chosen as libyaml
    does, strings quoted by :func:`needs_quotes`): the pure-Python one, and the one used,
    libyaml's when there is libyaml. Made when first needed: PyYAML takes a fifteenth of a
    synth's start-up, and the direct writer writes most output."""
    import yaml

    class PureDumper(yaml.SafeDumper):
        """The pure-Python dumper, made to choose simple keys exactly as libyaml does."""

        def ignore_aliases(self, data: Any) -> bool:
            return True

        def check_simple_key(self) -> bool:
            if isinstance(self.event, yaml.ScalarEvent):
                if self.analysis is None:
                    self.analysis = self.analyze_scalar(self.event.value)
                # libyaml: \r breaks a line too
                multiline = self.analysis.multiline or "\r" in self.event.value
                return len(self.analysis.scalar) <= 128 and not multiline
            return bool(super().check_simple_key())

    class CDumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
        def ignore_aliases(self, data: Any) -> bool:
            return True

    for cls in (PureDumper, CDumper):
        cls.add_representer(str, _represent_str)
        cls.add_representer(dict, _represent_dict)
    return PureDumper, CDumper if yaml.__with_libyaml__ else PureDumper


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


# ASCII-only output: libyaml and the pure emitter disagree on which non-ASCII is printable.
_OPTIONS: dict[str, Any] = {"width": 1 << 30, "indent": 2, "allow_unicode": False,
                            "line_break": "\n"}


class _Unwritable(Exception):
    """Data the direct writer leaves to PyYAML: floats and other types, scalar documents, keys
    that are not short one-line strings."""


_PRINTABLE_ASCII = re.compile(r"[\x20-\x7e]*")
# Plain scalars the emitter refuses in block context: a leading indicator, a document marker,
# or ": ", " #" or a final ":" inside.
_NOT_PLAIN = re.compile(r"[#,\[\]{}&*!|>'\"%@`]|[?:-]( |$)|---|\.\.\.|.*(: | #|:$)")
_ESCAPES = {"\0": "0", "\x07": "a", "\x08": "b", "\t": "t", "\n": "n", "\x0b": "v", "\x0c": "f",
            "\r": "r", "\x1b": "e", '"': '"', "\\": "\\", "\x85": "N", "\xa0": "_",
            "\u2028": "L", "\u2029": "P"}
_KEY_BREAKS = re.compile("[\n\r\x85\u2028\u2029]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _escaped(ch: str) -> str:
    if ch in _ESCAPES:
        return "\\" + _ESCAPES[ch]
    if "\x20" <= ch <= "\x7e":
        return ch
    code = ord(ch)
    return f"\\x{code:02X}" if code <= 0xFF else f"\\u{code:04X}" if code <= 0xFFFF \
        else f"\\U{code:08X}"


# The text of each string met as a key or a value: a synth meets a few thousand, most of them
# in every object. Emptied past _KEPT, so that a long-lived process keeps a bounded number.
_KEYS: dict[str, str] = {}
_VALUES: dict[str, str] = {}
_KEPT = 8192


def _kept(texts: dict[str, str], value: str, key: bool) -> str:
    """:func:`_inline` of ``value`` (a key when ``key``), kept in ``texts``."""
    text = texts.get(value)
    if text is None:
        if len(texts) >= _KEPT:
            texts.clear()
        text = texts[value] = _inline(value, key)
    return text


def _inline(value: str, key: bool) -> str:
    """``value`` as the one-line scalar PyYAML's emitter writes (plain, '-' or "-quoted); empty
    for text written as a literal block."""
    if key and (len(value) > 128 or _KEY_BREAKS.search(value) or not value.isascii()):
        raise _Unwritable("not a simple key")  # written as "? key", and libyaml counts bytes
    if _PRINTABLE_ASCII.fullmatch(value):
        if needs_quotes(value):
            return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
        if _NOT_PLAIN.match(value):
            return "'" + value.replace("'", "''") + "'"
        return value
    if _SURROGATE.search(value):
        raise _Unwritable("a lone surrogate")
    if not key and _literal_ok(value):
        return ""
    # Anything else is double-quoted by the emitter: line breaks, control or non-ASCII text.
    return '"' + "".join(map(_escaped, value)) + '"'


def _scalar(value: Any) -> str:
    """The text of a scalar other than a string, or of an empty collection."""
    kind = type(value)
    if kind is bool:
        return "true" if value else "false"
    if kind is int:
        return str(value)
    if value is None:
        return "null"
    if kind is dict:
        return "{}"
    if kind is list or kind is tuple:
        return "[]"
    raise _Unwritable(kind.__name__)


def _literal(value: str, pad: str, out: list[str]) -> None:
    """``value`` as a ``|`` block, its lines indented under ``pad``."""
    out.append(" |\n" if value.endswith("\n") else " |-\n")
    for line in value.removesuffix("\n").split("\n"):
        out.append(f"{pad}  {line}\n" if line else "\n")


def _node(head: str, value: Any, pad: str, out: list[str], sort: bool, in_mapping: bool) -> None:
    """``head`` (``key:`` or ``-`` at column ``len(pad)``) and its value. As PyYAML writes block
    style: a sequence in a mapping is not indented; a collection in a sequence starts on the
    dash's line."""
    kind = type(value)
    if kind is str:
        text = _VALUES.get(value) or _kept(_VALUES, value, False)
        if not text:
            out.append(head)
            _literal(value, pad, out)
        else:
            out.append(f"{head} {text}\n")
    elif kind is dict and value:
        out.append(head)
        inner = pad + "  "
        _mapping(value, sorted(value) if sort and len(value) > 1 else value, inner,
                 "\n" + inner if in_mapping else " ", out, sort)
    elif (kind is list or kind is tuple) and value:
        out.append(head)
        if in_mapping:
            _sequence(value, pad, "\n" + pad, out, sort)
        else:
            _sequence(value, pad + "  ", " ", out, sort)
    else:
        out.append(f"{head} {_scalar(value)}\n")


def _mapping(mapping: dict[str, Any], keys: Iterable[str], pad: str, lead: str, out: list[str],
             sort: bool) -> None:
    """``key: value`` entries: the first after ``lead``, the others on new lines at ``pad``;
    nested mappings in sorted key order when ``sort``."""
    for key in keys:
        if type(key) is not str:
            raise _Unwritable("a key that is not a string")
        value = mapping[key]
        name = _KEYS.get(key) or _kept(_KEYS, key, True)
        # A one-line string, the most common value, is written here: a call less each.
        if type(value) is str:
            text = _VALUES.get(value) or _kept(_VALUES, value, False)
            if text:
                out.append(f"{lead}{name}: {text}\n")
                lead = pad
                continue
        _node(f"{lead}{name}:", value, pad, out, sort, True)
        lead = pad


def _sequence(items: list[Any], pad: str, lead: str, out: list[str], sort: bool) -> None:
    for item in items:
        _node(f"{lead}-", item, pad, out, sort, False)
        lead = pad


def _kube_object(obj: dict[str, Any], out: list[str]) -> None:
    """A Kubernetes object in :func:`canonical` order, written as it is walked."""
    for key in _ordered(obj, _TOP_KEYS):
        value = obj[key]
        if key == "metadata" and type(value) is dict and value:
            md = {k: value[k] for k in _ordered(value, _METADATA_KEYS)}
            for field in ("labels", "annotations"):
                if isinstance(md.get(field), dict):
                    md[field] = string_map(md[field])
            out.append("metadata:")
            _mapping(md, md, "  ", "\n  ", out, True)
        else:
            _mapping(obj, (key,), "", "", out, True)


def _direct(data: Any, kube: bool) -> str:
    """``data`` as YAML written directly: the bytes PyYAML's safe dumper writes, as one string
    instead of hundreds of emitter events."""
    out: list[str] = []
    if type(data) is dict and data:
        if kube:
            _kube_object(data, out)
        else:
            _mapping(data, data, "", "", out, False)
    elif type(data) is list and data:
        _sequence(data, "", "", out, False)
    elif type(data) is dict:
        return "{}\n"
    elif type(data) is list:
        return "[]\n"
    else:
        raise _Unwritable("a scalar document")
    return "".join(out)


def dump_represented(data: Any, dumper: Any = None) -> str:
    """``data`` as YAML through PyYAML's representer (any type PyYAML represents)."""
    import yaml

    text: str = yaml.dump(data, Dumper=dumper or _dumpers()[1], default_flow_style=False,
                          sort_keys=False, **_OPTIONS)
    return text


def dump(data: Any, *, dumper: Any = None) -> str:
    """One YAML document; Kubernetes objects are put in canonical order first. ``dumper``: a
    PyYAML dumper to use instead of the direct writer (which writes the same bytes, faster)."""
    kube = isinstance(data, dict) and "kind" in data
    if dumper is None:
        try:
            return _direct(data, kube)
        except (_Unwritable, TypeError):  # TypeError: keys of mixed types do not sort
            pass
    return dump_represented(canonical(data) if kube else data, dumper)


def dump_all(objects: Iterable[dict[str, Any]]) -> str:
    """Several objects as one multi-document YAML stream."""
    return "".join(f"---\n{dump(o)}" for o in objects)
