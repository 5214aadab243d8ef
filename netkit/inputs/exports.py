"""Objects as exported from a cluster (``kubectl get -o yaml``) versus as a client submits
them: the API server sets ``status`` itself, and a create ignores it, so an export's status
is no error even where the kind's schema has none (NetworkPolicy since Kubernetes 1.28)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol, TypeVar


class _Located(Protocol):
    @property
    def path(self) -> str: ...


Errors = TypeVar("Errors", bound=Sequence[_Located] | None)


def exported_errors(validate: Callable[[dict[str, Any]], Errors], obj: dict[str, Any]
                    ) -> Errors:
    """``validate(obj)``; when that finds a problem at the top level of an object with a
    ``status`` (its schema has none), the errors of ``obj`` without it."""
    errors = validate(obj)
    if errors is not None and "status" in obj and any(not e.path for e in errors):
        return validate({k: v for k, v in obj.items() if k != "status"})
    return errors
