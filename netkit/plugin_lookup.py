"""pydantic's plugin lookup, skipped while plugins are turned off: its loader module imports
``importlib.metadata`` (about 10 ms, a fortieth of a ``synth --check``) only to read entry
points that are then ignored."""

from __future__ import annotations

import importlib
import os
import sys
import types
from typing import Any

LOADER = "pydantic.plugin._loader"
VARIABLE = "PYDANTIC_DISABLE_PLUGINS"
ALL_OFF = ("__all__", "1", "true")  # the values pydantic reads as every plugin off


def skip_while_off() -> None:
    """Stand in for pydantic's plugin loader unless it is loaded or plugins are on: while
    ``PYDANTIC_DISABLE_PLUGINS`` turns every plugin off, ``get_plugins`` gives none, as the
    loader does; else, and for anything else, the loader itself is imported and answers."""
    if os.environ.get(VARIABLE) in ALL_OFF and LOADER not in sys.modules:
        sys.modules[LOADER] = _StandIn(LOADER)


class _StandIn(types.ModuleType):
    """The loader's module until something needs the loader itself."""

    def get_plugins(self) -> Any:
        """No plugins while they are all off, else the loader's."""
        return () if os.environ.get(VARIABLE) in ALL_OFF else self._loader().get_plugins()

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):  # the import system asks for __path__ and the like
            raise AttributeError(name)
        return getattr(self._loader(), name)

    def _loader(self) -> types.ModuleType:
        if sys.modules.get(LOADER) is self:
            del sys.modules[LOADER]
        return importlib.import_module(LOADER)
