"""Compiled schema validators cached as bytecode in the user cache directory.

Compiling the generated validator of a big kind (a Deployment's pod spec) takes a third of a
second; loading its cached bytecode takes a millisecond. The cache key covers everything the
code depends on; an unwritable cache is skipped silently.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import marshal
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

import fastjsonschema

from netkit import __version__


def cache_dir() -> Path:
    """``$NETKIT_CACHE_DIR``, else ``$XDG_CACHE_HOME/netkit``, else ``~/.cache/netkit``."""
    if os.environ.get("NETKIT_CACHE_DIR"):
        return Path(os.environ["NETKIT_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "netkit"


def _key(schema: dict[str, Any], options: dict[str, Any]) -> str:
    versions = [sys.version, __version__, importlib.metadata.version("fastjsonschema")]
    text = json.dumps([versions, schema, sorted(options)], sort_keys=True, default=repr)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def compile_cached(schema: dict[str, Any], **options: Any) -> Any:
    """``fastjsonschema.compile(schema, **options)``, through the bytecode cache."""
    path = cache_dir() / "schemas" / f"{_key(schema, options)}.pyc"
    try:
        code = marshal.loads(path.read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        source = fastjsonschema.compile_to_code(schema, **options)
        code = compile(source, "<netkit schema>", "exec")
        _store(path, marshal.dumps(code))
    namespace: dict[str, Any] = {}
    exec(code, namespace)
    return namespace["validate"]


def _store(path: Path, data: bytes) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except OSError:
        pass
