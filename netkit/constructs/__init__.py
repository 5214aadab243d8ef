"""Constructs: typed network intent that renders to Kubernetes objects."""

from netkit.constructs.manifest import Include, Manifest

__all__ = ["Include", "Manifest"]
