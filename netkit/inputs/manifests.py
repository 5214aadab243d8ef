"""Read Kubernetes objects from YAML files, directories or stdin, keeping file:line."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import yaml

from netkit.errors import NetkitError
from netkit.inputs.units import Unit, parse_in_workers
from netkit.objects import KubeObject

Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
YAML_SUFFIXES = (".yaml", ".yml")
KUSTOMIZE_GROUP = "kustomize.config.k8s.io/"


class LoadError(NetkitError):
    """A manifest file cannot be read or parsed."""


def parse(text: str, file: str, first_line: int = 1) -> list[KubeObject]:
    """Every object in a multi-document YAML text; ``kind: List`` documents are expanded.

    ``first_line`` is the line of ``file`` that ``text`` starts at.
    """
    out: list[KubeObject] = []
    loader = Loader(text)
    offset = first_line - 1
    line = first_line
    try:
        while loader.check_node():
            node = loader.get_node()
            line = node.start_mark.line + 1 + offset
            out.extend(_objects(_build(loader, node), file, line))
    except TypeError:
        raise LoadError(f"{file}:{line}", "a mapping key is a mapping or list",
                        hint="keys must be plain scalars") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        where = f"{file}:{mark.line + 1 + offset}" if mark is not None else file
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise LoadError(where, f"invalid YAML: {problem}",
                        hint="fix the YAML syntax (check indentation and quoting)") from None
    finally:
        loader.dispose()
    return out


_MAP, _SEQ, _STR = (f"tag:yaml.org,2002:{t}" for t in ("map", "seq", "str"))
_MERGE = "tag:yaml.org,2002:merge"


def _build(loader: Any, node: Any) -> Any:
    """The node as Python data: maps, lists and strings directly (PyYAML's generic
    constructor is several times slower), anything else through the safe constructor."""
    tag = node.tag
    if tag == _STR:
        return node.value
    if tag == _MAP and not any(k.tag == _MERGE for k, _ in node.value):
        return {_build(loader, k): _build(loader, v) for k, v in node.value}
    if tag == _SEQ:
        return [_build(loader, v) for v in node.value]
    return loader.construct_object(node, deep=True)


def _objects(doc: object, file: str, line: int) -> Iterator[KubeObject]:
    if doc is None:
        return
    if not isinstance(doc, dict):
        raise LoadError(f"{file}:{line}", f"expected a mapping, got {type(doc).__name__}",
                        hint="each YAML document must be one Kubernetes object")
    if str(doc.get("apiVersion", "")).startswith(KUSTOMIZE_GROUP):
        return  # kustomize build configuration, not an object for the cluster
    items = doc.get("items")
    if str(doc.get("kind", "")).endswith("List") and isinstance(items, list):
        for item in items:
            yield from _objects(item, file, line)
        return
    yield KubeObject(doc, file, line)


def read_text(path: Path) -> str:
    """A YAML file's text; unreadable files are LoadErrors."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise LoadError(str(path), "file not found", hint="check the path") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise LoadError(str(path), f"cannot read: {exc}", hint="pass a UTF-8 YAML file") from None


def read_file(path: Path) -> list[KubeObject]:
    """Objects from one YAML file."""
    return parse(read_text(path), str(path))


def yaml_files(path: Path) -> list[Path]:
    """YAML files below ``path`` (recursively, sorted), skipping hidden directories."""
    if path.is_file():
        return [path]
    if not path.exists():
        raise LoadError(str(path), "no such file or directory", hint="check the path")
    return sorted(p for p in path.rglob("*") if p.suffix in YAML_SUFFIXES and p.is_file()
                  and not any(part.startswith(".") for part in p.relative_to(path).parts))


def load_manifests(paths: Iterable[str]) -> list[KubeObject]:
    """Objects from files, directories (recursive) and ``-`` (stdin), in input order."""
    units: list[Unit] = []
    for raw in paths:
        if raw == "-":
            units.append(Unit(sys.stdin.read(), "<stdin>"))
            continue
        units.extend(Unit(read_text(file), str(file)) for file in yaml_files(Path(raw)))
    return parse_units(units)


def parse_batch(units: list[Unit]) -> list[KubeObject]:
    """Objects of several units, in order."""
    return [obj for unit in units for obj in parse(unit.text, unit.file, unit.first_line)]


def parse_units(units: list[Unit]) -> list[KubeObject]:
    """Objects of every unit, in order; large inputs are parsed on every core."""
    parallel = parse_in_workers(units, parse_batch)
    return parallel if parallel is not None else parse_batch(units)
