"""Field errors worded and pathed as kube-apiserver reports them (apimachinery field.Error)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field


def _show(value: object) -> str:
    """A value as apimachinery prints it: strings quoted, a string list as Go's ``%#v``
    (``[]string{"a", "b"}``), other structures as JSON."""
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return "[]string{" + ", ".join(json.dumps(v) for v in value) + "}"
    if isinstance(value, str | int | float | bool | list | dict) or value is None:
        return json.dumps(value, default=str)
    return repr(value)


@dataclass(frozen=True)
class FieldError:
    """One field error: the path (``spec.ports[0].port``) and the message."""

    path: str
    message: str


@dataclass
class Path:
    """A field path under construction: ``Path("spec").child("ports").index(0)``."""

    text: str

    def child(self, name: str) -> Path:
        """``self.name``."""
        return Path(f"{self.text}.{name}" if self.text else name)

    def index(self, i: int | str) -> Path:
        """``self[i]``."""
        return Path(f"{self.text}[{i}]")

    def __str__(self) -> str:
        return self.text


ROOT = Path("")
# Where an error is: a Path, or the same text built as a plain string where paths are built in
# hot loops and most are never reported.
Where = Path | str
SPEC = ROOT.child("spec")
METADATA = ROOT.child("metadata")


@dataclass
class Errors:
    """Collects field errors with apimachinery's wording."""

    items: list[FieldError] = field(default_factory=list)

    def required(self, path: Where, detail: str = "") -> None:
        """``Required value``."""
        self.items.append(FieldError(str(path), "Required value" + (f": {detail}" if detail
                                                                     else "")))

    def invalid(self, path: Where, value: object, detail: str) -> None:
        """``Invalid value: "x": detail``."""
        self.items.append(FieldError(str(path), f"Invalid value: {_show(value)}: {detail}"))

    def not_supported(self, path: Where, value: object, valid: Iterable[str]) -> None:
        """``Unsupported value: "x": supported values: "a", "b"``."""
        options = ", ".join(json.dumps(v) for v in valid)
        self.items.append(FieldError(str(path), f"Unsupported value: {_show(value)}: "
                                                f"supported values: {options}"))

    def duplicate(self, path: Where, value: object) -> None:
        """``Duplicate value: x``."""
        self.items.append(FieldError(str(path), f"Duplicate value: {_show(value)}"))

    def forbidden(self, path: Where, detail: str) -> None:
        """``Forbidden: detail``."""
        self.items.append(FieldError(str(path), f"Forbidden: {detail}"))

    def too_long(self, path: Where, limit: int) -> None:
        """``Too long: may not be more than N bytes``."""
        self.items.append(FieldError(str(path), f"Too long: may not be more than {limit} bytes"))

    def extend(self, path: Where, value: object, problems: Iterable[str]) -> None:
        """One Invalid per problem from a name/format checker."""
        for problem in problems:
            self.invalid(path, value, problem)
