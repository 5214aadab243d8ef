"""Compiled core-kind validators, parsed bundled CRDs and checked CEL rules, cached with
``marshal`` in the user cache directory.

Compiling the generated validator of a big kind (a Deployment's pod spec) takes a third of a
second, parsing a big CRD's YAML a fifth; loading either from the cache takes a millisecond or
two. The cache key covers everything the value depends on; an unwritable or damaged cache is
skipped silently.
"""

from __future__ import annotations

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


def compile_cached(schema: dict[str, Any], **options: Any) -> Any:
    """``fastjsonschema.compile(schema, **options)``, through the bytecode cache."""
    import fastjsonschema

    def build() -> Any:
        source = fastjsonschema.compile_to_code(schema, **options)
        return compile(source, "<netkit schema>", "exec")

    code = cached("schemas", _key(schema, options), build)
    namespace: dict[str, Any] = {}
    exec(code, namespace)
    return namespace["validate"]
