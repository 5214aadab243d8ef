"""Renderers for the escape hatches Manifest and Include."""

from __future__ import annotations

from netkit.constructs.manifest import Include, Manifest
from netkit.render.context import RenderContext
from netkit.render.registry import renders


@renders(Manifest)
def render_manifest(construct: Manifest, ctx: RenderContext) -> None:
    """Emit the object as given."""
    ctx.emit(construct, construct.obj)


@renders(Include)
def render_include(construct: Include, ctx: RenderContext) -> None:
    """Emit every object of the file."""
    for obj in construct.objects:
        ctx.emit(construct, obj)
