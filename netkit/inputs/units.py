"""Units of YAML text, and large inputs parsed in two processes: libyaml is fast, PyYAML's
Python half is not, and a 2-core machine halves the time."""

from __future__ import annotations

import itertools
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from netkit.forked import forked

PARALLEL_BYTES = 2 << 20  # below this, starting workers costs more than it saves
_DOCUMENT_START = re.compile(r"^---(?=[ \t]*(?:#.*)?$)", re.MULTILINE)
T = TypeVar("T")


@dataclass
class Unit:
    """A YAML text to parse and where it starts: ``file``, ``first_line``."""

    text: str
    file: str
    first_line: int = 1


def split(unit: Unit, parts: int) -> list[Unit]:
    """``unit`` cut at document starts into about ``parts`` pieces of similar size.

    Texts with directives (``%YAML``) are left whole: a directive belongs to its document.
    """
    text = unit.text
    if parts < 2 or re.search(r"^%", text, re.MULTILINE):
        return [unit]
    cuts = [0]
    for k in range(1, parts):
        m = _DOCUMENT_START.search(text, max(cuts[-1] + 1, len(text) * k // parts))
        if m is None:
            break
        cuts.append(m.start())
    cuts.append(len(text))
    pieces = []
    for start, end in itertools.pairwise(cuts):
        if start < end:
            first = unit.first_line + text.count("\n", 0, start)
            pieces.append(Unit(text[start:end], unit.file, first))
    return pieces


def balance(units: Sequence[Unit], workers: int) -> list[list[Unit]]:
    """Units split and dealt into ``workers`` batches of similar size, order kept per batch."""
    total = sum(len(u.text) for u in units)
    target = max(1, total // workers)
    pieces = [p for u in units for p in split(u, -(-len(u.text) // target))]
    batches: list[list[Unit]] = [[] for _ in range(workers)]
    size = 0
    for piece in pieces:
        batches[min(workers - 1, size // target)].append(piece)
        size += len(piece.text)
    return [b for b in batches if b]


def parse_in_workers(units: Sequence[Unit], parse_batch: Callable[[list[Unit]], list[T]], *,
                     pack: Callable[[list[T]], bytes], unpack: Callable[[bytes], list[T]]
                     ) -> list[T] | None:
    """``parse_batch`` over two batches, one in this process and one in a forked child that
    shares this process's memory (whose results come back through ``pack`` and ``unpack``:
    pickling parsed objects costs about as much as parsing them), results in input order;
    None when the input is small, there is one core, or fork is unavailable."""
    if (os.cpu_count() or 1) < 2 or not hasattr(os, "fork") or sum(
            len(u.text) for u in units) < PARALLEL_BYTES:
        return None
    first, *rest = balance(units, 2)
    with forked(lambda: [pack(parse_batch(batch)) for batch in rest]) as job:
        out = parse_batch(first)
        for data in job.result():
            out.extend(unpack(data))
    return out
