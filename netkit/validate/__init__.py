"""Validation of Kubernetes objects: schema, apiserver rules and cross-object checks."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from netkit.validate.engine import Validator, validate
    from netkit.validate.findings import Finding

__all__ = ["Finding", "Validator", "validate"]

_EXPORTS = {"Finding": "netkit.validate.findings", "Validator": "netkit.validate.engine",
            "validate": "netkit.validate.engine"}


def __getattr__(name: str) -> Any:
    # Lazy, so that netkit.validate.findings can be imported by the renderers without cycles.
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'netkit.validate' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)
