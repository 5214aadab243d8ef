"""Validation of Kubernetes objects: schema, apiserver rules and cross-object checks."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from netkit.findings import Finding
    from netkit.validate.engine import Validator, validate

__all__ = ["Finding", "Validator", "validate"]

_EXPORTS = {"Finding": "netkit.findings", "Validator": "netkit.validate.engine",
            "validate": "netkit.validate.engine"}


def __getattr__(name: str) -> Any:
    # Lazy, so that importing a submodule does not compile schemas or load the rule checks.
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'netkit.validate' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)
