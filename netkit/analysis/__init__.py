"""Reachability analysis: who can reach whom under NetworkPolicy, why, and what a change opens."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# Loaded on first use, so that a light submodule (``implied``, read by the configuration)
# does not bring the engine with it.
_LAZY = {
    "Flow": "netkit.analysis.engine",
    "Reachability": "netkit.analysis.engine",
    "reachability": "netkit.analysis.engine",
    "PortSet": "netkit.analysis.ports",
}

if TYPE_CHECKING:
    from netkit.analysis.engine import Flow, Reachability, reachability
    from netkit.analysis.ports import PortSet

__all__ = ["Flow", "PortSet", "Reachability", "reachability"]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
