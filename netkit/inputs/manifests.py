"""Read Kubernetes objects from YAML and JSON files, directories or stdin, keeping file:line.

The loader is strict and bounded: it yields JSON data only (string keys; no custom tags,
binary or non-finite numbers), rejects duplicate keys as kubectl does, and refuses alias
expansion beyond a budget proportional to the input and nesting beyond a depth (see
:mod:`netkit.inputs.load_error`); :mod:`netkit.inputs.yaml_text` parses.
"""

from __future__ import annotations

import functools
import marshal
import os
import re
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from netkit.findings import Finding
from netkit.inputs import collector, triage
from netkit.inputs.excludes import HIDDEN_ONLY, Excludes
from netkit.inputs.load_error import LoadError
from netkit.inputs.units import Unit, parse_in_workers
from netkit.objects import KubeObject

MANIFEST_SUFFIXES = (".yaml", ".yml", ".json")
STDIN = "<stdin>"
_CHUNK = 1 << 20


def parse(text: str, file: str, first_line: int = 1) -> list[KubeObject]:
    """Every object in a multi-document YAML text; ``kind: List`` documents are expanded.

    ``first_line`` is the line of ``file`` that ``text`` starts at.
    """
    from netkit.inputs.yaml_text import parse_yaml  # PyYAML only once YAML is read

    return parse_yaml(text, file, first_line)


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
