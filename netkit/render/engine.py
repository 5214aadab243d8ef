"""render(): walk a blueprint and run each construct's renderer."""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from netkit.render.context import RenderContext, RenderedObject
from netkit.render.registry import renderer_for
from netkit.tree import Blueprint
from netkit.validate.findings import Finding

# Modules whose import registers renderers; imported on first render, not at start-up.
_RENDERER_MODULES = ("netkit.render.escape", "netkit.render.namespaces",
                     "netkit.render.services", "netkit.render.edge")


@dataclass
class Rendering:
    """A blueprint's objects and the findings raised while rendering it."""

    objects: list[RenderedObject]
    findings: list[Finding]


def render(blueprint: Blueprint) -> Rendering:
    """Render every construct of ``blueprint`` for its Target, in tree order."""
    for module in _RENDERER_MODULES:
        importlib.import_module(module)
    ctx = RenderContext(blueprint)
    for construct in blueprint.node.walk():
        if construct is blueprint:
            continue
        fn = renderer_for(construct)
        if fn is not None:  # constructs without one only group others
            fn(construct, ctx)
    return Rendering(ctx.objects, ctx.findings)
