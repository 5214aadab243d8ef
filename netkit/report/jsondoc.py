"""Large JSON documents written fast: the structure indented, each list element compact on
its own line (the C encoder does no indentation, and indenting in Python costs seconds)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any, TextIO


def write(out: TextIO, sections: dict[str, Iterable[Any]]) -> None:
    """``{"name": [element, ...], ...}`` with one element per line."""
    out.write("{")
    for i, (name, elements) in enumerate(sections.items()):
        out.write(f'{"," if i else ""}\n  {json.dumps(name)}: [')
        for j, element in enumerate(elements):
            out.write(f'{"," if j else ""}\n    {json.dumps(element, separators=(", ", ": "))}')
        out.write("\n  ]")
    out.write("\n}\n")
