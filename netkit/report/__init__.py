"""Reports: findings, reachability, explanations and flow diffs in every output format.

Each report module has one table ``FORMATS``: format name → writer(value, stream); every
command picks its writer with ``choose`` and writes with ``emit``.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TextIO, TypeVar

from netkit.errors import ConfigError

T = TypeVar("T")
Writer = Callable[[T, TextIO], None]


def writing(fn: Callable[[T], str]) -> Writer[T]:
    """A writer from a function that returns the whole text."""
    def write(value: T, out: TextIO) -> None:
        out.write(fn(value))
    write.__doc__ = fn.__doc__
    return write


def choose(formats: Mapping[str, Writer[T]], name: str) -> Writer[T]:
    """The writer for format ``name``; an unknown name is an error listing the choices."""
    writer = formats.get(name)
    if writer is None:
        raise ConfigError("--format", f"unknown format {name!r}", hint=", ".join(formats))
    return writer


def emit(writer: Writer[T], value: T, path: Path | None = None) -> None:
    """Write ``value`` to stdout, or to ``path`` whole or not at all."""
    if path is None:
        writer(value, sys.stdout)
        return
    tmp = path.with_name(f".{path.name}.tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        writer(value, fh)
    tmp.replace(path)
    print(f"wrote {path}", file=sys.stderr)

