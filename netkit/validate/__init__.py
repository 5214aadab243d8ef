"""Validation of Kubernetes objects: schema, apiserver rules and cross-object checks."""

from __future__ import annotations

from typing import TYPE_CHECKING

from netkit.lazy import exports as _exports

if TYPE_CHECKING:
    from netkit.findings import Finding
    from netkit.validate.engine import Validator, validate

__all__ = ["Finding", "Validator", "validate"]

_EXPORTS = {"Finding": "netkit.findings", "Validator": "netkit.validate.engine",
            "validate": "netkit.validate.engine"}

# Lazy, so that importing a submodule does not compile schemas or load the rule checks.
__getattr__ = _exports(__name__, _EXPORTS)
