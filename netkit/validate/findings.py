"""Finding: one result of validation or rendering, with where it is and how to fix it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning", "info"]
SEVERITY_RANK: dict[str, int] = {"info": 0, "warning": 1, "error": 2}


@dataclass(frozen=True)
class Finding:
    """A rule's verdict on one object (or construct), with a hint."""

    rule: str
    severity: Severity
    message: str
    object: str = ""
    field: str | None = None
    hint: str | None = None
    file: str | None = None
    line: int | None = None
    origin: str | None = None

    @property
    def where(self) -> str:
        """file:line when known, else the construct path, else the object."""
        if self.file:
            return f"{self.file}:{self.line}" if self.line else self.file
        return self.origin or self.object

    def line_text(self) -> str:
        """One line: ``severity: where: [rule] message (hint: ...)``."""
        field = f" {self.field}:" if self.field else ""
        obj = f" {self.object}:" if self.object and self.object != self.where else ""
        hint = f" (hint: {self.hint})" if self.hint else ""
        return f"{self.severity}: {self.where}:{obj}{field} [{self.rule}] {self.message}{hint}"
