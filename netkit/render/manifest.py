"""Renderers for the escape hatches Manifest and Include."""

from __future__ import annotations

from netkit.constructs.manifest import Include, Manifest
from netkit.render.context import RenderContext


def render_manifest(construct: Manifest, ctx: RenderContext) -> None:
    """Emit the object as given."""
    ctx.emit(construct, construct.obj)


def render_include(construct: Include, ctx: RenderContext) -> None:
    """Emit every object of the file."""
    for obj in construct.objects:
        ctx.emit(construct, obj)
