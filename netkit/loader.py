"""Read Kubernetes objects from YAML files, directories or stdin, keeping file:line."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from netkit.errors import NetkitError

Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
YAML_SUFFIXES = (".yaml", ".yml")
KUSTOMIZE_GROUP = "kustomize.config.k8s.io/"


class LoadError(NetkitError):
    """A manifest file cannot be read or parsed."""


@dataclass
class LoadedObject:
    """One Kubernetes object and where it was read from."""

    obj: dict[str, Any]
    file: str
    line: int


def parse(text: str, file: str) -> list[LoadedObject]:
    """Every object in a multi-document YAML text; ``kind: List`` documents are expanded."""
    out: list[LoadedObject] = []
    loader = Loader(text)
    try:
        while loader.check_node():
            node = loader.get_node()
            line = node.start_mark.line + 1
            doc = loader.construct_document(node)
            out.extend(_objects(doc, file, line))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        where = f"{file}:{mark.line + 1}" if mark is not None else file
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise LoadError(where, f"invalid YAML: {problem}",
                        hint="fix the YAML syntax (check indentation and quoting)") from None
    finally:
        loader.dispose()
    return out


def _objects(doc: object, file: str, line: int) -> Iterator[LoadedObject]:
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
    yield LoadedObject(doc, file, line)


def read_file(path: Path) -> list[LoadedObject]:
    """Objects from one YAML file."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise LoadError(str(path), "file not found", hint="check the path") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise LoadError(str(path), f"cannot read: {exc}", hint="pass a UTF-8 YAML file") from None
    return parse(text, str(path))


def yaml_files(path: Path) -> list[Path]:
    """YAML files below ``path`` (recursively, sorted), skipping hidden directories."""
    if path.is_file():
        return [path]
    if not path.exists():
        raise LoadError(str(path), "no such file or directory", hint="check the path")
    return sorted(p for p in path.rglob("*") if p.suffix in YAML_SUFFIXES and p.is_file()
                  and not any(part.startswith(".") for part in p.relative_to(path).parts))


def load(paths: Iterable[str]) -> list[LoadedObject]:
    """Objects from files, directories (recursive) and ``-`` (stdin)."""
    out: list[LoadedObject] = []
    for raw in paths:
        if raw == "-":
            out.extend(parse(sys.stdin.read(), "<stdin>"))
            continue
        for file in yaml_files(Path(raw)):
            out.extend(read_file(file))
    return out
