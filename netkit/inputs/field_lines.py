"""Where a field stands in the file its object was read from, so that a finding points at
the offending line (``svc.yaml:11``) rather than the object's first one.

Nothing is recorded while loading: the few objects that have findings are read again, one
document each, when a finding asks.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from netkit.inputs.load_error import LoadError
from netkit.inputs.manifests import STDIN, read_text
from netkit.inputs.yaml_text import Loader

_TOKEN = re.compile(r"\[([^\]]*)\]|([^.\[]+)")
_BLOCK_ITEM = re.compile(r" *- ")


def _tokens(field: str) -> Iterator[str | int]:
    for match in _TOKEN.finditer(field):
        index, name = match.groups()
        if index is not None:
            yield int(index) if index.isdigit() else index
        else:
            yield name


class FieldLines:
    """Finds field lines in the files objects came from, reading each file once."""

    def __init__(self) -> None:
        self._files: dict[str, tuple[io.StringIO, list[int]] | None] = {}
        self._docs: dict[tuple[str, int], Node | None] = {}

    def line(self, file: str | None, line: int | None, field: str | None) -> int | None:
        """The line of ``field`` (``spec.ports[0].port``; the nearest parent that exists) in
        the object that starts at ``file``:``line``; None when it cannot be told."""
        if not file or not line or not field or file == STDIN:
            return None
        root = self._document(file, line)
        if not isinstance(root, MappingNode) or _is_list(root):
            return None
        found: int = root.start_mark.line
        node: Node = root
        tokens = list(_tokens(field))
        i = 0
        while i < len(tokens):
            step = _step(node, tokens, i)
            if step is None:
                break
            found, node, i = step
        return found + line

    def _document(self, file: str, line: int) -> Node | None:
        key = (file, line)
        if key not in self._docs:
            self._docs[key] = self._compose(file, line)
        return self._docs[key]

    def _compose(self, file: str, line: int) -> Node | None:
        if file not in self._files:
            self._files[file] = _open(file)
        opened = self._files[file]
        if opened is None or line > len(opened[1]):
            return None
        stream, starts = opened
        stream.seek(starts[line - 1])
        first = stream.readline()
        stream.seek(starts[line - 1])
        source: io.StringIO = stream
        if _BLOCK_ITEM.match(first):
            source = io.StringIO(_block_item(stream))
        try:
            return next(yaml.compose_all(source, Loader=Loader), None)
        except yaml.YAMLError:
            return None


def _open(file: str) -> tuple[io.StringIO, list[int]] | None:
    """The file's text as a stream, and where each line starts in it."""
    try:
        text = read_text(Path(file))
    except LoadError:
        return None
    starts = [0]
    at = text.find("\n")
    while at != -1:
        starts.append(at + 1)
        at = text.find("\n", at + 1)
    return io.StringIO(text), starts


def _block_item(stream: io.StringIO) -> str:
    """The text of the block sequence item ``stream`` is at (``- metadata: ...``, an item
    of an exported list), as a document of its own: its dash becomes a space, and it ends
    where a line is indented no deeper than the dash."""
    first = stream.readline()
    column = len(first) - len(first.lstrip(" "))
    lines = [first[:column] + " " + first[column + 1:]]
    for text in stream:
        stripped = text.lstrip(" ")
        if stripped.strip() and len(text) - len(stripped) <= column:
            break
        lines.append(text)
    return "".join(lines)


def _is_list(root: MappingNode) -> bool:
    """A ``kind: List`` document: its items' fields are not the document's."""
    return any(isinstance(k, ScalarNode) and k.value == "items" for k, _ in root.value) and any(
        isinstance(k, ScalarNode) and k.value == "kind" and str(v.value).endswith("List")
        for k, v in root.value)


def _step(node: Node, tokens: list[str | int], i: int) -> tuple[int, Node, int] | None:
    """(line, node, next token) one field down, or None. Map keys may hold dots
    (``metadata.annotations.netkit.dev/ignore``): the longest key that matches wins."""
    token = tokens[i]
    if isinstance(node, SequenceNode) and isinstance(token, int):
        if token < len(node.value):
            item = node.value[token]
            return item.start_mark.line, item, i + 1
        return None
    if not isinstance(node, MappingNode):
        return None
    keys = {k.value: (k, v) for k, v in node.value if isinstance(k, ScalarNode)}
    for end in range(len(tokens), i, -1):
        parts = tokens[i:end]
        if all(isinstance(p, str) for p in parts):
            name = ".".join(str(p) for p in parts)
            if name in keys:
                key, value = keys[name]
                return key.start_mark.line, value, end
    return None
