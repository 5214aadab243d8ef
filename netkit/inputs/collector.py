"""The cyclic garbage collector paused while many objects are made that live on.

Parsed documents and the findings on them are trees, which reference counting frees; while
tens of thousands of them pile up the collector would walk every one of them again and again
(a third of the time of reading many small files), and again once it runs after the pause."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused() -> Iterator[None]:
    """No cyclic garbage collection in the block; then what it made counts as old, so that
    only full collections walk it (nothing is left uncollected)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        # freeze moves every tracked object to the permanent generation and unfreeze moves
        # them all to the oldest one: in one step, without walking them. Skipped when the
        # program froze objects itself, which unfreeze would let go.
        if gc.get_freeze_count() == 0:
            gc.freeze()
            gc.unfreeze()
        if was:
            gc.enable()
