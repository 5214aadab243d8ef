"""Rendering: turn a construct tree into plain Kubernetes objects for its Target."""

from netkit.render.context import RenderedObject
from netkit.render.engine import Rendering, render

__all__ = ["RenderedObject", "Rendering", "render"]
