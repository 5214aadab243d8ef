"""Error types for user mistakes: each names where the mistake is and how to fix it."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pydantic import ValidationError


class NetkitError(Exception):
    """A user mistake, located by construct path or file:line, with a hint."""

    exit_code = 2

    def __init__(self, where: str, message: str, *, field: str | None = None,
                 hint: str | None = None) -> None:
        self.where = where
        self.message = message
        self.field = field
        self.hint = hint
        super().__init__(self.line())

    def __reduce__(self) -> tuple[object, ...]:
        # Exceptions pickle their args; these carry keywords too (raised in parse workers).
        return (_rebuild, (type(self), self.where, self.message, self.field, self.hint))

    def line(self) -> str:
        """The one-line form printed by the CLI (without the ``error:`` prefix)."""
        location = self.where or "netkit"
        field = f" {self.field}:" if self.field else ""
        hint = f" (hint: {self.hint})" if self.hint else ""
        return f"{location}:{field} {self.message}{hint}"


class ConstructError(NetkitError):
    """Invalid construct input: a bad id, option or combination."""


class InvalidNameError(NetkitError):
    """A Kubernetes name derived from construct ids is invalid or collides."""


class CapabilityError(NetkitError):
    """The target (ingress, gateway implementation, CNI) cannot express the intent."""


class BlueprintLoadError(NetkitError):
    """A blueprint file is missing, broken, or defines no blueprint."""


class ConfigError(NetkitError):
    """The [tool.netkit] configuration or a command-line option is invalid."""


class OwnershipError(NetkitError):
    """The output directory holds a file netkit does not own where it needs to write."""


class OutputError(NetkitError):
    """The output directory cannot be written: busy, read-only, full, or a file in the way."""


class CheckFailed(NetkitError):
    """``--check`` found the output stale, or validation found errors."""

    exit_code = 1


def _rebuild(cls: type[NetkitError], where: str, message: str, field: str | None,
             hint: str | None) -> NetkitError:
    return cls(where, message, field=field, hint=hint)


def first_error(exc: ValidationError) -> tuple[str, str]:
    """The dotted location and message of a pydantic error's first problem."""
    err = exc.errors()[0]
    loc = ".".join(str(p) for p in err["loc"])
    return loc, str(err["msg"]).removeprefix("Value error, ")
