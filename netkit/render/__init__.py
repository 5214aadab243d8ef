"""Rendering: turn a construct tree into plain Kubernetes objects for its Target."""

from netkit.render.engine import RENDERERS, render

__all__ = ["RENDERERS", "render"]
