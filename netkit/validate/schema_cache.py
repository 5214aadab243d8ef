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


def cached(folder: str, key: str, build: Callable[[], Any]) -> Any:
    """``build()``'s value (marshal-able: plain data or code), from the cache when there."""
    path = cache_dir() / folder / f"{key}.marshal"
    try:
        return marshal.loads(path.read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        value = build()
        store(path, marshal.dumps(value))
        return value


def files_key(paths: list[Path], *parts: str) -> str:
    """A cache key for something made from the bundled files ``paths`` (their bytes, each file
    read once per process) and ``parts``, with Python's and netkit's versions."""
    digest = hashlib.sha256(json.dumps([sys.version, __version__, *parts]).encode())
    for path in paths:
        digest.update(_file_digest(path))
    return digest.hexdigest()[:32]


@functools.cache
def _file_digest(path: Path) -> bytes:
    return hashlib.sha256(path.read_bytes()).digest()


def compile_cached(make_schema: Callable[[], dict[str, Any]], key: str, **options: Any) -> Any:
    """``fastjsonschema.compile(make_schema(), **options)`` through the bytecode cache, under
    ``key`` (of everything the schema is made from) with the compiler's version and the
    options (the values of those that are not functions): the schema is made only when the
    cache misses."""
    import fastjsonschema

    values = {k: v for k, v in sorted(options.items()) if not isinstance(v, dict | Callable)}
    full = json.dumps([key, fastjsonschema.VERSION, sorted(options), repr(values)])

    def build() -> Any:
        source = fastjsonschema.compile_to_code(make_schema(), **options)
        return compile(source, "<netkit schema>", "exec")

    code = cached("schemas", hashlib.sha256(full.encode()).hexdigest()[:32], build)
    namespace: dict[str, Any] = {}
    exec(code, namespace)
    return namespace["validate"]
