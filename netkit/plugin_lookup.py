"""pydantic's plugin lookup, skipped while plugins are turned off: its loader module imports
``importlib.metadata`` (about 10 ms, a fortieth of a ``synth --check``) only to read entry
points that are then ignored."""

from __future__ import annotations

import importlib
import os
import sys
import types
from collections.abc import Iterable, Sequence
from importlib.machinery import ModuleSpec
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from importlib.abc import Loader

LOADER = "pydantic.plugin._loader"
VARIABLE = "PYDANTIC_DISABLE_PLUGINS"
ALL_OFF = ("__all__", "1", "true")  # the values pydantic reads as every plugin off


def skip_while_off() -> None:
    """Until pydantic's plugin loader is imported, have importing it give a stand-in while
    ``PYDANTIC_DISABLE_PLUGINS`` turns every plugin off: its ``get_plugins`` gives none, as
    the loader does then; once they are on, and for anything else, the loader itself is
    imported and answers."""
    if LOADER not in sys.modules and not any(isinstance(f, _Finder) for f in sys.meta_path):
        sys.meta_path.insert(0, _Finder())


def _off() -> bool:
    return os.environ.get(VARIABLE) in ALL_OFF


class _Finder:
    """Finds the stand-in for the loader while plugins are off (an import system finder)."""

    def find_spec(self, name: str, path: Sequence[str] | None = None,
                  target: types.ModuleType | None = None) -> ModuleSpec | None:
        return ModuleSpec(name, cast("Loader", self)) if name == LOADER and _off() else None

    def create_module(self, spec: ModuleSpec) -> types.ModuleType:
        return _StandIn(spec.name)

    def exec_module(self, module: types.ModuleType) -> None:
        pass


class _StandIn(types.ModuleType):
    """The loader's module until something needs the loader itself."""

    def get_plugins(self) -> Iterable[Any]:
        """No plugins while they are all off, else the loader's."""
        return () if _off() else self._loader().get_plugins()

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):  # the import system asks for __path__ and the like
            raise AttributeError(name)
        return getattr(self._loader(), name)

    def _loader(self) -> types.ModuleType:
        """The loader itself, imported in place of this stand-in."""
        sys.meta_path[:] = [f for f in sys.meta_path if not isinstance(f, _Finder)]
        if sys.modules.get(LOADER) is self:
            del sys.modules[LOADER]
        return importlib.import_module(LOADER)
