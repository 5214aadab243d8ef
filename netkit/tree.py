"""The construct tree: scopes, ids, paths, and the Blueprint root."""

from __future__ import annotations

import difflib
import functools
import inspect
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from netkit.errors import ConstructError
from netkit.k8s.names import dns1123_label_errors
from netkit.target import Target


class Node:
    """Tree bookkeeping of one construct: id, scope, children and path."""

    def __init__(self, host: Construct, scope: Construct | None, id: str) -> None:
        self.host = host
        self.scope = scope
        self.id = id
        self._children: dict[str, Construct] = {}

    @functools.cached_property
    def path(self) -> str:
        """Slash-separated ids from the root (the root itself has the empty path); a node's id
        and scope never change, so it is worked out once."""
        if self.scope is None:
            return ""
        parent = self.scope.node.path
        return f"{parent}/{self.id}" if parent else self.id

    @property
    def children(self) -> list[Construct]:
        """Direct children in the order they were added."""
        return list(self._children.values())

    @property
    def root(self) -> Construct:
        """The tree's root construct (normally a Blueprint)."""
        node = self
        while node.scope is not None:
            node = node.scope.node
        return node.host

    def walk(self) -> Iterator[Construct]:
        """This construct and all below it, depth first, in insertion order."""
        yield self.host
        for child in self._children.values():
            yield from child.node.walk()

    def try_find_child(self, id: str) -> Construct | None:
        """The direct child with ``id``, if any."""
        return self._children.get(id)

    def _add_child(self, child: Construct) -> None:
        existing = self._children.get(child.node.id)
        if existing is not None:
            raise ConstructError(
                self.host.display_path, f"duplicate id {child.node.id!r}: "
                f"{type(child).__name__} clashes with {type(existing).__name__} "
                f"{existing.display_path}",
                hint="ids must be unique within their scope; rename one of them")
        self._children[child.node.id] = child


_POSITIONAL = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
_NAMED = (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)
_VARIADIC = (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)


def _checked_call(fn: Callable[..., Any]) -> Callable[..., Any]:
    """``fn`` (a construct's __init__ or method), raising ConstructError when the call's
    arguments do not fit its signature."""
    @functools.wraps(fn)
    def call(self: Construct, *args: Any, **kwargs: Any) -> Any:
        try:
            return fn(self, *args, **kwargs)
        except TypeError as exc:
            tb = exc.__traceback__
            if tb is None or tb.tb_next is not None:
                raise  # raised inside fn: not about how it was called
            problem = _call_error(self, fn, args, kwargs)
            if problem is None:
                raise
            raise problem from None
    return call


def calling_site() -> tuple[str, int] | None:
    """The file and line of the innermost caller outside netkit: where the user's code
    made the construct being built."""
    frame = sys._getframe(1)
    while frame is not None:
        module = frame.f_globals.get("__name__", "")
        if not (module == "netkit" or module.startswith("netkit.")):
            file = frame.f_globals.get("__file__")
            return (file, frame.f_lineno) if isinstance(file, str) else None
        frame = frame.f_back  # type: ignore[assignment]
    return None


def _call_error(self: Construct, fn: Callable[..., Any], args: Sequence[Any],
                kwargs: Mapping[str, Any]) -> ConstructError | None:
    """Why ``fn(self, *args, **kwargs)`` does not bind, as the user called it."""
    cls = type(self)
    init = fn.__name__ == "__init__"
    called = f"{cls.__name__}()" if init else f"{cls.__name__}.{fn.__name__}()"
    params = list(inspect.signature(fn).parameters.values())[1:]
    positional = [p.name for p in params if p.kind in _POSITIONAL]
    given = {**kwargs, **dict(zip(positional, args, strict=False))}
    where = _call_site(self, init, given)
    # An __init__'s **options go to its base's __init__: check names against the whole chain.
    valid = _init_arguments(cls) if init else [p.name for p in params if p.kind in _NAMED]
    open_ended = not init and any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params)
    for key in kwargs:
        if not open_ended and key not in valid:
            others = [n for n in valid if n not in given]
            close = difflib.get_close_matches(key, others, n=3, cutoff=0.6)
            close.sort(key=lambda c: sorted(c) != sorted(key))  # transpositions first
            hint = f"did you mean {close[0]}?" if close else f"it takes {', '.join(valid)}"
            return ConstructError(where, f"{called} got an unexpected argument {key!r}",
                                  hint=hint)
    if len(args) > len(positional) and not any(
            p.kind is inspect.Parameter.VAR_POSITIONAL for p in params):
        keyword = [p.name for p in params if p.kind is inspect.Parameter.KEYWORD_ONLY]
        return ConstructError(where, f"{called} takes {len(positional)} positional "
                              f"argument(s) ({', '.join(positional)}), got {len(args)}",
                              hint="pass the others by keyword"
                              + (f", e.g. {keyword[0]}=..." if keyword else ""))
    for key in kwargs:
        if key in positional[:len(args)]:
            return ConstructError(where, f"{called} got two values for {key!r}",
                                  hint="pass it once, by position or by keyword")
    required = [p.name for p in params
                if p.default is inspect.Parameter.empty and p.kind not in _VARIADIC]
    if missing := [n for n in required if n not in given]:
        return ConstructError(where, f"{called} is missing required argument(s) "
                              f"{', '.join(map(repr, missing))}",
                              hint=f"it needs {', '.join(required)}")
    return None


def _init_arguments(cls: type) -> list[str]:
    """The keyword names a construct class accepts, following ``**options`` to its bases."""
    names: list[str] = []
    for klass in cls.__mro__:
        init = vars(klass).get("__init__")
        if init is None:
            continue
        params = list(inspect.signature(init).parameters.values())[1:]
        names += [p.name for p in params if p.kind in _NAMED and p.name not in names]
        if not any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params):
            break
    return names


def _call_site(self: Construct, init: bool, given: Mapping[str, Any]) -> str:
    """The path of the construct being created or called on, as far as it is known."""
    if not init:
        return self.display_path if hasattr(self, "node") else type(self).__name__
    scope, id = given.get("scope"), given.get("id", given.get("name"))
    if isinstance(scope, Construct) and isinstance(id, str):
        return f"{scope.node.path}/{id}" if scope.node.path else id
    if isinstance(scope, Construct):
        return scope.display_path
    return id if isinstance(id, str) else type(self).__name__


class Construct:
    """A node of network intent; its id becomes part of Kubernetes names."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        # A misspelt or missing argument of a construct or of one of its public methods is a
        # ConstructError naming what the user called, not a TypeError about a base class.
        super().__init_subclass__(**kwargs)
        for name, member in list(vars(cls).items()):
            if inspect.isfunction(member) and (name == "__init__" or not name.startswith("_")):
                setattr(cls, name, _checked_call(member))

    def __init__(self, scope: Construct | None, id: str) -> None:
        where = scope.display_path if scope is not None else id
        if not isinstance(id, str):
            raise ConstructError(where, f"id must be a string, got {type(id).__name__}",
                                 hint="ids name constructs, e.g. 'web'")
        if errs := dns1123_label_errors(id):
            raise ConstructError(where, f"invalid id {id!r}: {errs[0]}",
                                 hint="use lowercase letters, digits and '-', e.g. 'web-api'")
        self.node = Node(self, scope, id)
        self.site = calling_site()
        if scope is not None:
            scope.node._add_child(self)

    @property
    def display_path(self) -> str:
        """The path used in messages: the node path, or the blueprint name at the root."""
        return self.node.path or self.node.id

    @property
    def blueprint(self) -> Blueprint:
        """The Blueprint at the root of this tree."""
        root = self.node.root
        if not isinstance(root, Blueprint):
            raise ConstructError(self.display_path, "construct is not inside a Blueprint",
                                 hint="create constructs with a Blueprint (or a construct in "
                                      "one) as their scope")
        return root

    def namespace(self) -> str | None:
        """The Kubernetes namespace this construct's objects live in, if any."""
        return self.node.scope.namespace() if self.node.scope is not None else None

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.display_path}>"


class Blueprint(Construct):
    """The root of a construct tree, rendered for one Target."""

    def __init__(self, name: str, *, target: Target | None = None) -> None:
        super().__init__(None, name)
        self.target = target if target is not None else Target()

    @property
    def name(self) -> str:
        """The blueprint's name."""
        return self.node.id
