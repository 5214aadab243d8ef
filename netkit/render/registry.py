"""Which function renders which construct type."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from netkit.render.context import RenderContext
    from netkit.tree import Construct

C = TypeVar("C", bound="Construct")
RenderFn = Callable[[Any, "RenderContext"], None]

_RENDERERS: dict[type, RenderFn] = {}


def renders(construct_type: type[C]) -> Callable[[Callable[[C, RenderContext], None]],
                                                  Callable[[C, RenderContext], None]]:
    """Register the decorated function as the renderer of ``construct_type``."""
    def register(fn: Callable[[C, RenderContext], None]) -> Callable[[C, RenderContext], None]:
        _RENDERERS[construct_type] = fn
        return fn
    return register


def renderer_for(construct: Construct) -> RenderFn | None:
    """The renderer registered for the construct's type or its nearest base."""
    for cls in type(construct).__mro__:
        fn = _RENDERERS.get(cls)
        if fn is not None:
            return fn
    return None
