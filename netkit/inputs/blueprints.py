"""Load blueprints from Python files: ``build(env) -> Blueprint`` or module-level Blueprints."""

from __future__ import annotations

import hashlib
import importlib.util
import inspect
import sys
import traceback
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from types import ModuleType

from pydantic import ValidationError

from netkit.errors import BlueprintLoadError, NetkitError, first_error
from netkit.tree import Blueprint

MODULE_PREFIX = "netkit_blueprint_"  # of the name a blueprint file's module is loaded under


def ran_user_code() -> bool:
    """Whether this process has run a blueprint file (someone's own Python)."""
    return any(name.startswith(MODULE_PREFIX) for name in sys.modules)


def _exec_module(path: Path) -> ModuleType:
    digest = hashlib.sha256(str(path).encode()).hexdigest()[:12]
    name = f"{MODULE_PREFIX}{path.stem}_{digest}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise BlueprintLoadError(str(path), "not a Python module",
                                 hint="pass a .py file that defines build(env)")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    sys.path.insert(0, str(path.parent))
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(path.parent))
    return module


def _located(exc: BaseException, path: Path) -> str:
    """file:line of the innermost frame in the blueprint file, else the file."""
    line = None
    for frame in traceback.extract_tb(exc.__traceback__):
        if Path(frame.filename).resolve() == path:
            line = frame.lineno
    return f"{path}:{line}" if line else str(path)


def _call_build(build: Callable[..., object], env: str) -> object:
    params = inspect.signature(build).parameters
    return build(env) if params else build()


def _defined_at(fn: Callable[..., object], path: Path) -> str:
    """file:line where ``fn`` is defined, else ``path``."""
    code = getattr(fn, "__code__", None)
    return f"{code.co_filename}:{code.co_firstlineno}" if code is not None else str(path)


def load_blueprints(files: str | Path | Sequence[str | Path], env: str = "prod", *,
                    overrides: Mapping[str, str] | None = None) -> list[Blueprint]:
    """The blueprints the files define for ``env``, with Target ``overrides`` applied;
    errors name file:line."""
    paths = [files] if isinstance(files, str | Path) else list(files)
    blueprints = [bp for file in paths for bp in _load_file(file, env)]
    if overrides:
        for bp in blueprints:
            bp.target = bp.target.with_overrides(dict(overrides))
    return blueprints


def _load_file(file: str | Path, env: str) -> list[Blueprint]:
    path = Path(file).resolve()
    if not path.is_file():
        raise BlueprintLoadError(str(file), "blueprint file not found",
                                 hint="pass the path of a .py file that defines build(env)")
    try:
        module = _exec_module(path)
        build = getattr(module, "build", None)
        result = _call_build(build, env) if callable(build) else None
    except NetkitError:
        raise
    except SyntaxError as exc:
        raise BlueprintLoadError(f"{path}:{exc.lineno}", f"syntax error: {exc.msg}",
                                 hint="fix the Python syntax") from None
    except ValidationError as exc:
        loc, message = first_error(exc)
        raise BlueprintLoadError(_located(exc, path), f"{exc.title} {loc}: {message}" if loc
                                 else f"{exc.title}: {message}",
                                 hint="fix the value; --debug shows the traceback") from exc
    except KeyboardInterrupt:
        raise  # Ctrl-C: the CLI stops with exit 130
    except SystemExit as exc:
        raise BlueprintLoadError(_located(exc, path), f"exited with sys.exit({exc.code!r})",
                                 hint="raise an exception or return the Blueprint instead of "
                                      "calling sys.exit()") from exc
    except BaseException as exc:  # also GeneratorExit and a blueprint's own BaseExceptions
        message = " ".join(f"{type(exc).__name__}: {exc}".split())  # one line, always
        raise BlueprintLoadError(_located(exc, path), message.rstrip(":"),
                                 hint="fix the blueprint; --debug shows the traceback") from exc
    if result is None and callable(build):
        raise BlueprintLoadError(_defined_at(build, path), "build() returned None",
                                 hint="return the Blueprint you built")
    if result is None:  # no build(): the module's own Blueprint objects
        found = [v for v in vars(module).values() if isinstance(v, Blueprint)]
        blueprints = list(dict.fromkeys(found))
    elif isinstance(result, Blueprint):
        blueprints = [result]
    elif isinstance(result, list | tuple) and all(isinstance(b, Blueprint) for b in result):
        blueprints = list(result)
    else:
        raise BlueprintLoadError(str(path), f"build() returned {type(result).__name__}, "
                                 "expected a Blueprint", hint="return the Blueprint you built")
    if not blueprints:
        raise BlueprintLoadError(str(path), "defines no blueprint",
                                 hint="add `def build(env: str) -> Blueprint`")
    return blueprints
