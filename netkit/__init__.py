"""netkit: typed network-as-code for Kubernetes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# Public names → defining module; imported on first use so `netkit --help` stays light.
_EXPORTS = {
    "Blueprint": "netkit.tree",
    "Construct": "netkit.tree",
    "Target": "netkit.target",
    "GatewayRef": "netkit.target",
    "NetkitError": "netkit.errors",
    "Manifest": "netkit.constructs.manifest",
    "Include": "netkit.constructs.manifest",
    "synthesize": "netkit.synth",
}

if TYPE_CHECKING:
    from netkit.constructs.manifest import Include, Manifest
    from netkit.errors import NetkitError
    from netkit.synth import synthesize
    from netkit.target import GatewayRef, Target
    from netkit.tree import Blueprint, Construct

__all__ = ["Blueprint", "Construct", "GatewayRef", "Include", "Manifest", "NetkitError",
           "Target", "__version__", "synthesize"]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'netkit' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)
