"""Reports: findings, reachability, explanations and flow diffs in every output format.

Each report module has one table ``FORMATS``: format name → writer(value, stream); every
command picks its writer with ``choose`` and writes with ``emit``.
"""

from __future__ import annotations

import os
import secrets
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TextIO, TypeVar

from netkit.errors import ConfigError

T = TypeVar("T")
Writer = Callable[[T, TextIO], None]


def use_color(out: TextIO) -> bool:
    """Colour and tables on a terminal; never with ``NO_COLOR`` set, always with
    ``FORCE_COLOR`` set (https://no-color.org: set means present and not empty)."""
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    isatty = getattr(out, "isatty", None)
    return bool(isatty and isatty())


def write_table(out: TextIO, headers: Sequence[str], rows: Sequence[Sequence[str]],
                caption: str, plain: str) -> None:
    """``rows`` as a rich table on a terminal (see ``use_color``), else the ``plain`` text."""
    if not use_color(out):
        out.write(plain)
        return
    from rich.console import Console  # only on a terminal: rich costs an import
    from rich.table import Table

    table = Table(*headers, caption=caption, caption_justify="left")
    for row in rows:
        table.add_row(*row)
    Console(file=out, force_terminal=True, highlight=False).print(table)


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
    # A fresh temp file beside the target (O_EXCL: never an existing file or symlink),
    # renamed over it only once complete.
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666)
        try:
            with open(fd, "w", encoding="utf-8") as fh:
                writer(value, fh)
            os.replace(tmp, path)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise ConfigError(str(path), f"cannot write: {exc.strerror or exc}",
                          hint="choose a writable file path in an existing directory") from None
    print(f"wrote {path}", file=sys.stderr)

