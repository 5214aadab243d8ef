"""Compiled core-kind validators, parsed bundled CRDs and checked CEL rules, cached with
``marshal`` in the user cache directory.

Compiling the generated validator of a big kind (a Deployment's pod spec) takes a third of a
second, parsing a big CRD's YAML a fifth; loading either from the cache takes a millisecond or
two. The cache key covers everything the value depends on; an unwritable or damaged cache is
skipped silently.
"""

from __future__ import annotations

import functools
import hashlib
import json
import marshal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from netkit import __version__
from netkit.cache import cache_dir, store


def _key(schema: dict[str, Any], options: dict[str, Any]) -> str:
    from fastjsonschema import VERSION

    versions = [sys.version, __version__, VERSION]
    text = json.dumps([versions, schema, sorted(options)], sort_keys=True, default=repr)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def cached(folder: str, key: str, build: Callable[[], Any]) -> Any:
    """``build()``'s value (marshal-able: plain data or code), from the cache when there."""
    path = cache_dir() / folder / f"{key}.marshal"
    try:
        return marshal.loads(path.read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        value = build()
        store(path, marshal.dumps(value))
        return value


def file_key(path: Path, *parts: str) -> str:
    """A cache key for something read from ``path``: its bytes and ``parts``."""
    digest = hashlib.sha256(path.read_bytes())
    digest.update(json.dumps([sys.version, __version__, *parts]).encode())
    return digest.hexdigest()[:32]


def compile_cached(schema: dict[str, Any] | Callable[[], dict[str, Any]], *,
                   key: str | None = None, **options: Any) -> Any:
    """``fastjsonschema.compile(schema, **options)``, through the bytecode cache: under
    ``key`` when given (a key of everything the schema is made of, :func:`files_key`'s; then
    ``schema`` may be a function making it, called only when the cache misses), else under
    a key of the schema itself."""
    import fastjsonschema

    def made() -> dict[str, Any]:
        return schema() if callable(schema) else schema

    def build() -> Any:
        source = fastjsonschema.compile_to_code(made(), **options)
        return compile(source, "<netkit schema>", "exec")

    code = cached("schemas", key or _key(made(), options), build)
    namespace: dict[str, Any] = {}
    exec(code, namespace)
    return namespace["validate"]


def files_key(paths: list[Path], made: str, **options: Any) -> str:
    """A cache key of a schema made from the files ``paths`` (their bytes) the way ``made``
    names (changed whenever that way changes), and compiled with ``options`` (the values of
    those that are not functions): reading the files is quicker than parsing them."""
    from fastjsonschema import VERSION

    values = {k: v for k, v in sorted(options.items()) if not isinstance(v, dict | Callable)}
    digest = hashlib.sha256(json.dumps([sys.version, __version__, VERSION, made,
                                        sorted(options), repr(values),
                                        [str(p) for p in paths]]).encode())
    for path in paths:
        digest.update(_file_digest(path))
    return digest.hexdigest()[:32]


@functools.cache
def _file_digest(path: Path) -> bytes:
    """The sha256 of a bundled file, read once per process (many kinds share one file of
    definitions)."""
    return hashlib.sha256(path.read_bytes()).digest()
