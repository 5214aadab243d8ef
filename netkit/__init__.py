"""netkit: typed network-as-code for Kubernetes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from netkit.lazy import exports as _exports

__version__ = "0.1.0"
# The distribution name on the package index ("netkit" there is an unrelated project); the
# import name and the command stay `netkit`.
DISTRIBUTION = "netkit-k8s"

# Public names → defining module; imported on first use so `netkit --help` stays light.
_EXPORTS = {
    "Blueprint": "netkit.tree",
    "Construct": "netkit.tree",
    "Target": "netkit.target",
    "GatewayRef": "netkit.target",
    "NetkitError": "netkit.errors",
    "Finding": "netkit.findings",
    "KubeObject": "netkit.objects",
    "Manifest": "netkit.constructs.manifest",
    "Include": "netkit.constructs.manifest",
    "load_blueprints": "netkit.inputs.blueprints",
    "load_manifests": "netkit.inputs.manifests",
    "read_manifests": "netkit.inputs.manifests",
    "synthesize": "netkit.synth",
    "reachability": "netkit.analysis.engine",
}

if TYPE_CHECKING:
    from netkit.analysis.engine import reachability
    from netkit.constructs.manifest import Include, Manifest
    from netkit.errors import NetkitError
    from netkit.findings import Finding
    from netkit.inputs.blueprints import load_blueprints
    from netkit.inputs.manifests import load_manifests, read_manifests
    from netkit.objects import KubeObject
    from netkit.synth import synthesize
    from netkit.target import GatewayRef, Target
    from netkit.tree import Blueprint, Construct

__all__ = ["Blueprint", "Construct", "Finding", "GatewayRef", "Include", "KubeObject",
           "Manifest", "NetkitError", "Target", "__version__", "load_blueprints",
           "load_manifests", "reachability", "read_manifests", "synthesize"]

__getattr__ = _exports(__name__, _EXPORTS)
