"""YAML text parsed into Kubernetes objects by the strict, bounded loader that
:mod:`netkit.inputs.manifests` reads files with (imported only once YAML is read: PyYAML
takes a fifteenth of a synth's start-up)."""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Iterator
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, SequenceNode

from netkit.inputs.load_error import MAX_DEPTH, NODES_PER_CHAR, LoadError, node_limit
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


def parse_yaml(text: str, file: str, first_line: int = 1) -> list[KubeObject]:
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
