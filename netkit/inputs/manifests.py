"""Read Kubernetes objects from YAML and JSON files, directories or stdin, keeping file:line.

The loader is strict and bounded: it yields JSON data only (string keys; no custom tags,
binary or non-finite numbers), rejects duplicate keys as kubectl does, and refuses alias
expansion beyond a budget proportional to the input and nesting beyond ``MAX_DEPTH``.
"""

from __future__ import annotations

import functools
import json
import marshal
import math
import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import yaml
from yaml.nodes import MappingNode, Node, SequenceNode

from netkit.errors import NetkitError
from netkit.findings import Finding
from netkit.inputs import collector, triage
from netkit.inputs.excludes import HIDDEN_ONLY, Excludes
from netkit.inputs.units import Unit, parse_in_workers
from netkit.objects import KubeObject

_SafeLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# The safe loader resolves a tag from (node kind, text, implicit): the same answer for every
# repetition of "app" or "80" in ten thousand files, so each is worked out once.
_resolve = functools.lru_cache(maxsize=1 << 16)(
    functools.partial(yaml.resolver.Resolver.resolve, yaml.resolver.Resolver()))


class Loader(_SafeLoader):  # type: ignore[misc]
    """The safe loader (libyaml's when available), resolving tags through a cache."""

    resolve = staticmethod(_resolve)
    # The composer reports every node's path to the resolver, which uses it only for path
    # resolvers; the safe loader has none, so built-in no-ops take the calls.
    descend_resolver = staticmethod(slice)  # (parent, index) → ignored
    ascend_resolver = staticmethod(tuple)  # () → ignored
MANIFEST_SUFFIXES = (".yaml", ".yml", ".json")
STDIN = "<stdin>"
MAX_DEPTH = 100  # bundled CRDs nest 38 levels; the checks downstream recurse per level
NODES_PER_CHAR = 10  # text without aliases makes at most about one node per character
MIN_NODES = 10_000
_CHUNK = 1 << 20


class LoadError(NetkitError):
    """A manifest file cannot be read or parsed."""


def node_limit(text: str) -> int:
    """How many nodes (list items and mapping values) ``text`` may expand to through aliases."""
    return max(MIN_NODES, NODES_PER_CHAR * len(text))


def parse(text: str, file: str, first_line: int = 1) -> list[KubeObject]:
    """Every object in a multi-document YAML text; ``kind: List`` documents are expanded.

    ``first_line`` is the line of ``file`` that ``text`` starts at.
    """
    out: list[KubeObject] = []
    loader = Loader(text)
    builder = _Builder(loader, node_limit(text))
    offset = first_line - 1
    line = first_line
    try:
        while loader.check_node():
            node = loader.get_node()
            line = node.start_mark.line + 1 + offset
            try:
                doc = builder.build(node, 0)
            except _Runaway as exc:
                raise _runaway(exc, node, builder.limit) from None
            out.extend(_objects(doc, node, file, offset))
    except _Bad as bad:
        raise LoadError(f"{file}:{bad.node.start_mark.line + 1 + offset}", bad.message,
                        hint=bad.hint) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        where = f"{file}:{mark.line + 1 + offset}" if mark is not None else file
        problem = (getattr(exc, "problem", None) or str(exc)).splitlines()[0]
        raise LoadError(where, f"invalid YAML: {problem}",
                        hint="fix the YAML syntax (check indentation and quoting)") from None
    except RecursionError:  # only PyYAML's pure-Python composer recurses per level
        raise LoadError(f"{file}:{line}", f"nested more than {MAX_DEPTH} levels deep",
                        hint="check for unbalanced brackets") from None
    finally:
        loader.dispose()
    return out


_TAG = "tag:yaml.org,2002:"
_MAP, _SEQ, _STR, _MERGE = (_TAG + t for t in ("map", "seq", "str", "merge"))
# Kept as written: kubectl's YAML reader keeps timestamps as strings, and PyYAML's "value"
# and "merge" tags on a value are plain strings to every other reader.
_AS_TEXT = frozenset(_TAG + t for t in ("timestamp", "value", "merge"))
_CONSTRUCTED = frozenset(_TAG + t for t in ("null", "bool", "int", "float"))
_MERGE_KEY: Any = object()
_TAG_HINT = "Kubernetes objects are JSON data: remove the tag, or quote the value as text"


class _Bad(Exception):
    """A node the loader refuses, with the message and hint for its LoadError."""

    def __init__(self, node: Node, message: str, hint: str) -> None:
        super().__init__(message)
        self.node, self.message, self.hint = node, message, hint


class _Runaway(Exception):
    """Expansion went past the depth or node bound at ``node``."""

    def __init__(self, node: Node, too_deep: bool) -> None:
        super().__init__()
        self.node, self.too_deep = node, too_deep


def _short(tag: str) -> str:
    return "!!" + tag[len(_TAG):] if tag.startswith(_TAG) else tag


class _Builder:
    """Python data from composed nodes, every alias expanded into its own copy (so no two
    places share a mutable value), within a node budget."""

    def __init__(self, loader: Any, limit: int) -> None:
        self.loader = loader
        self.limit = limit
        self.left = limit

    def build(self, node: Any, depth: int) -> Any:
        """The node as Python data: maps, lists and strings directly (PyYAML's generic
        constructor is several times slower), other scalars through the safe constructor."""
        value = node.value
        if value.__class__ is str:
            return value if node.tag == _STR else self.scalar(node)
        if depth >= MAX_DEPTH:
            raise _Runaway(node, too_deep=True)
        self.left -= len(value)
        if self.left < 0:
            raise _Runaway(node, too_deep=False)
        depth += 1
        tag = node.tag
        if tag == _SEQ and node.__class__ is SequenceNode:
            return [self.build(v, depth) for v in value]
        if tag == _MAP and node.__class__ is MappingNode:
            out = {k.value if k.tag == _STR and k.value.__class__ is str else self.key(k):
                   self.build(v, depth) for k, v in value}
            if len(out) != len(value):
                raise self.duplicate(node)
            return self.merge(node, out) if _MERGE_KEY in out else out
        raise _Bad(node, f"tag {_short(tag)} is not supported on a {node.id}", _TAG_HINT)

    def scalar(self, node: Any) -> Any:
        """A scalar other than a plain string: null, bool, int or finite float."""
        tag = node.tag
        if tag in _AS_TEXT:
            return node.value
        if tag not in _CONSTRUCTED:
            raise _Bad(node, f"tag {_short(tag)} is not supported", _TAG_HINT)
        try:
            value = self.loader.yaml_constructors[tag](self.loader, node)
        except (ValueError, KeyError, IndexError, TypeError, AttributeError):
            raise _Bad(node, f"{node.value!r} is not a valid {_short(tag)}",
                       "fix the value, or drop the tag") from None
        if isinstance(value, float) and not math.isfinite(value):
            raise _Bad(node, f"{node.value!r} is not a finite number",
                       "JSON has no infinity or NaN; quote it to keep it as text")
        return value

    def key(self, node: Any) -> Any:
        """A mapping key: a string, or the merge key ``<<``."""
        if node.value.__class__ is not str:
            raise _Bad(node, "a mapping key is a mapping or list", "keys must be plain scalars")
        if node.tag == _STR:
            return node.value
        if node.tag == _MERGE:
            return _MERGE_KEY
        key = self.scalar(node)
        if not isinstance(key, str):
            raise _Bad(node, f"mapping key {key!r} is not a string",
                       f"quote it ({json.dumps(node.value)}): Kubernetes keys are strings")
        return key

    def duplicate(self, node: Any) -> _Bad:
        """The error for the first key that appears twice in a mapping."""
        seen = set()
        for k, _ in node.value:
            key = self.key(k)
            if key in seen:
                break
            seen.add(key)
        if key is _MERGE_KEY:
            return _Bad(k, "duplicate merge key <<", "merge several mappings with <<: [*a, *b]")
        return _Bad(k, f"duplicate key {key!r}",
                    "a key may appear once per mapping (kubectl rejects duplicates)")

    def merge(self, node: Any, out: dict[Any, Any]) -> dict[str, Any]:
        """``out`` with its ``<<`` entry merged in: explicit keys win, then earlier sources."""
        merged = out.pop(_MERGE_KEY)
        sources = merged if isinstance(merged, list) else [merged]
        if not all(isinstance(source, dict) for source in sources):
            value = next(v for k, v in node.value if k.tag == _MERGE)
            raise _Bad(value, "<< merges a mapping or a list of mappings",
                       "point << at an anchored mapping: <<: *defaults")
        result: dict[str, Any] = {}
        for source in reversed(sources):
            result.update(source)
        result.update(out)
        return result


def _runaway(exc: _Runaway, root: Node, limit: int) -> _Bad:
    """Why expansion ran away: a recursive alias, deep nesting, or too many nodes."""
    cycle = _cycle(root)
    if cycle is not None:
        return _Bad(cycle, "recursive alias: this node contains itself",
                    "an alias cannot refer to a node it is inside of")
    if exc.too_deep:
        return _Bad(exc.node, f"nested more than {MAX_DEPTH} levels deep",
                    "check for unbalanced brackets")
    return _Bad(root, f"aliases expand the input to more than {limit:,} nodes",
                f"an alias bomb? at most {NODES_PER_CHAR} nodes per character of input "
                "are read; write the repeated values out")


def _cycle(root: Node) -> Node | None:
    """A node reachable from ``root`` that contains itself through aliases, if any."""
    done: dict[int, bool] = {id(root): False}  # False while on the current path
    stack: list[tuple[Node, Iterator[Node]]] = [(root, _children(root))]
    while stack:
        node, children = stack[-1]
        for child in children:
            state = done.get(id(child))
            if state is False:
                return child
            if state is None and isinstance(child.value, list):
                done[id(child)] = False
                stack.append((child, _children(child)))
                break
        else:
            done[id(node)] = True
            stack.pop()
    return None


def _children(node: Node) -> Iterator[Node]:
    if isinstance(node, SequenceNode):
        return iter(node.value)
    if isinstance(node, MappingNode):
        return (v for _, v in node.value)
    return iter(())


def _objects(doc: object, node: Node, file: str, offset: int) -> Iterator[KubeObject]:
    """The objects of a document: itself, the items of a ``*List``, or those of a JSON
    array of objects; each item at its own line."""
    line = node.start_mark.line + 1 + offset
    if doc is None:
        return
    if isinstance(doc, list) and doc and all(isinstance(item, dict) for item in doc):
        for item, item_node in _items(doc, node):
            yield from _objects(item, item_node, file, offset)
        return
    if not isinstance(doc, dict):
        raise LoadError(f"{file}:{line}", f"expected a mapping, got {type(doc).__name__}",
                        hint="each YAML document must be one Kubernetes object")
    kind, items = str(doc.get("kind", "")), doc.get("items")
    if kind.endswith("List") and isinstance(items, list):
        for item, item_node in _items(items, _value(node, "items") or node):
            yield from _objects(_list_item(item, doc, kind), item_node, file, offset)
        return
    yield KubeObject(doc, file, line)


def _items(items: list[Any], node: Node) -> Iterator[tuple[Any, Node]]:
    """Each item with its node (the list's own node when they do not pair up)."""
    nodes = node.value if isinstance(node, SequenceNode) else []
    if len(nodes) != len(items):
        nodes = [node] * len(items)
    return zip(items, nodes, strict=True)


def _value(node: Node, key: str) -> Node | None:
    """The node of ``key``'s value in a mapping node."""
    if isinstance(node, MappingNode):
        found: list[Node] = [v for k, v in node.value if k.value == key]
        return found[0] if found else None
    return None


def _list_item(item: Any, listed: dict[str, Any], kind: str) -> Any:
    """An item of a typed list (``NetworkPolicyList``) as the API returns it, without kind
    and apiVersion: those of the list's kind and group; a ``List``'s items keep theirs."""
    if kind == "List" or not isinstance(item, dict):
        return item
    implied = {"apiVersion": listed.get("apiVersion"), "kind": kind.removesuffix("List")}
    return {**{k: v for k, v in implied.items() if v}, **item}


def read_stream(stream: IO[bytes], where: str, chunk_size: int = _CHUNK) -> str:
    """The UTF-8 text of a file or stream, line breaks normalized; binary data (a NUL
    byte: ``/dev/zero`` stops there) and other encodings are LoadErrors."""
    return _read(stream.read, where, chunk_size)


def _read(read: Callable[[int], bytes], where: str, chunk_size: int) -> str:
    """``read_stream`` of what ``read(size)`` gives, chunk by chunk until it gives nothing."""
    chunks: list[bytes] = []
    while chunk := read(chunk_size):
        nul = chunk.find(b"\0")
        if nul >= 0:
            line = sum(c.count(b"\n") for c in chunks) + chunk.count(b"\n", 0, nul) + 1
            raise LoadError(f"{where}:{line}", "binary data (a NUL byte), not YAML text",
                            hint="pass YAML or JSON manifests saved as UTF-8")
        chunks.append(chunk)
    data = b"".join(chunks)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise LoadError(f"{where}:{line}", f"not UTF-8 text (byte 0x{data[exc.start]:02x})",
                        hint="save the file as UTF-8") from None
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def read_text(path: str | os.PathLike[str]) -> str:
    """A manifest file's text; unreadable, binary or non-UTF-8 files are LoadErrors."""
    where = os.fspath(path)
    try:
        # The descriptor itself, not a file object: ten thousand small files are read.
        fd = os.open(where, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
        try:
            # A regular file in one read of its size; /dev/zero and pipes report 0.
            size = os.fstat(fd).st_size
            return _read(functools.partial(os.read, fd), where,
                         min(size + 1, _CHUNK) if size else _CHUNK)
        except OSError as exc:  # as open() words it, with the file's name
            raise OSError(exc.errno, exc.strerror, where) from None
        finally:
            os.close(fd)
    except FileNotFoundError:
        raise LoadError(where, "file not found", hint="check the path") from None
    except OSError as exc:
        raise LoadError(where, f"cannot read: {exc}", hint="pass a UTF-8 YAML file") from None


def read_file(path: Path) -> list[KubeObject]:
    """Objects from one YAML file (kustomize configuration left out)."""
    return [o for o in parse(read_text(path), str(path))
            if not o.api_version.startswith(triage.KUSTOMIZE_GROUP)]


def yaml_files(path: Path, excludes: Excludes = HIDDEN_ONLY) -> list[Path]:
    """``path`` itself unless it is a directory, else the .yaml, .yml and .json files below
    it (recursively, sorted) that ``excludes`` keeps (by default: all but hidden ones)."""
    return [Path(file) for file in _input_files(str(path), excludes)]


def _input_files(raw: str, excludes: Excludes, links: set[str] | None = None) -> list[str]:
    """The files an input path names, as ``yaml_files`` has them, spelt as pathlib would
    (``./a/`` → ``a``); ``links`` gets those that may be symbolic links: a file named
    itself, and those a walk finds to be one."""
    path = Path(raw)
    top = str(path)
    if not os.path.isdir(top):
        if not os.path.exists(top):
            raise LoadError(top, "no such file or directory", hint="check the path")
        if links is not None:
            links.add(top)
        return [top]
    found, linked = _manifest_files(top, excludes)
    found.sort(key=lambda rel: rel.split("/"))
    files = [_under(top, rel) for rel in excludes.unignored(path, found)]
    if links is not None:
        links.update(_under(top, rel) for rel in linked)
    return files


def _under(top: str, rel: str) -> str:
    """``str(Path(top) / rel)`` for a folder ``top`` spelt as pathlib does."""
    return rel if top == "." else top + rel if top.endswith("/") else f"{top}/{rel}"


def _manifest_files(top: str, excludes: Excludes) -> tuple[list[str], list[str]]:
    """Paths (relative, POSIX) of the manifest files below ``top`` that ``excludes`` keeps
    by name and pattern, unsorted, and those of them that are symbolic links; as ``rglob``,
    links to files are followed and links to folders are not. A folder left out is not
    entered."""
    out: list[str] = []
    links: list[str] = []
    folders = [""]
    while folders:
        folder = folders.pop()
        with os.scandir(f"{top}/{folder}" if folder else top) as entries:
            for entry in entries:
                name = entry.name
                rel = f"{folder}/{name}" if folder else name
                if entry.is_dir(follow_symlinks=False):
                    if not excludes.prunes(rel):
                        folders.append(rel)
                elif (name.endswith(MANIFEST_SUFFIXES) and not excludes.skips_file(rel, name)
                      and entry.is_file()):
                    out.append(rel)
                    if entry.is_symlink():
                        links.append(rel)
    return out, links


_CONTENT = re.compile(r"^[ \t\ufeff]*[^\s#\ufeff]", re.MULTILINE)


def _blank(text: str) -> bool:
    """Whether ``text`` is empty, or only blank lines and comments."""
    return _CONTENT.search(text) is None


@dataclass
class Manifests:
    """Objects read from the inputs, and findings on what was left out as no manifest."""

    objects: list[KubeObject] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


def read_manifests(paths: Iterable[str], exclude: Sequence[str] = ()) -> Manifests:
    """Objects from files, directories (recursive; see ``Excludes`` for what a walk leaves
    out, plus ``exclude`` patterns) and ``-`` (stdin), in input order; Helm templates, chart
    metadata and YAML that is no Kubernetes object are left out with a finding each.

    Reading nothing is an error: a directory without manifests, empty stdin, or inputs
    that are all empty (an empty file among others is fine).
    """
    raws = list(paths)
    excludes = Excludes.of(exclude)
    units: list[Unit] = []
    notes: list[Finding] = []
    for raw in raws:
        if raw == "-":
            text = read_stream(sys.stdin.buffer, STDIN)
            if _blank(text):
                raise LoadError(STDIN, "no manifests: stdin is empty",
                                hint="pipe manifests in, e.g. kubectl get ... -o yaml | "
                                     "netkit validate -")
            units.append(Unit(text, STDIN))
            continue
        links: set[str] = set()
        files = _input_files(raw, excludes, links)
        if not files:
            raise LoadError(raw, "no manifests found (no .yaml, .yml or .json files)",
                            hint="check the path; pass blueprints as .py files")
        texts = [(file, read_text(file)) for file in files]
        sorter = triage.Triage(triage.kustomize_parts(
            (file, text) for file, text in texts
            if file.rpartition("/")[2] in triage.KUSTOMIZATION_FILES))
        for file, text in texts:
            note = sorter.note(file, text, link=file in links)
            if note is None:
                units.append(Unit(text, file))
            else:
                notes.append(note)
    if units and not notes and all(_blank(unit.text) for unit in units):
        raise LoadError(", ".join(raws), "no manifests found: the input is empty or only "
                        "comments", hint="check the path")
    objects, left_out = triage.documents(parse_units(units))
    return Manifests(objects, notes + left_out)


def load_manifests(paths: Iterable[str], exclude: Sequence[str] = ()) -> list[KubeObject]:
    """The objects ``read_manifests`` reads from ``paths``; what is no manifest is left
    out (``read_manifests`` says what and why)."""
    return read_manifests(paths, exclude).objects


def parse_batch(units: list[Unit]) -> list[KubeObject | Finding]:
    """Objects of several units, in order; a unit that is a template (it fails to parse
    and holds ``{{ ... }}``) is one finding instead."""
    out: list[KubeObject | Finding] = []
    with collector.paused():
        for unit in units:
            try:
                out.extend(parse(unit.text, unit.file, unit.first_line))
            except LoadError:
                line = triage.template_line(unit.text)
                if line is None:
                    raise
                out.append(triage.template(unit.file, line + unit.first_line - 1))
    return out


def _pack(items: list[KubeObject | Finding]) -> bytes:
    """Parsed objects (and template findings) as bytes for another process: marshal, as
    they are JSON data only."""
    return marshal.dumps([(o.obj, o.file, o.line) if isinstance(o, KubeObject)
                          else (None, o.file, o.line) for o in items])


def _unpack(data: bytes) -> list[KubeObject | Finding]:
    return [KubeObject(obj, file, line) if obj is not None
            else triage.template(file, line) for obj, file, line in marshal.loads(data)]


def parse_units(units: list[Unit]) -> list[KubeObject | Finding]:
    """Objects of every unit, in order; large inputs are parsed on both cores."""
    with collector.paused():
        parallel = parse_in_workers(units, parse_batch, pack=_pack, unpack=_unpack)
        return parallel if parallel is not None else parse_batch(units)
