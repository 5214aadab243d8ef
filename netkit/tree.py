"""The construct tree: scopes, ids, paths, and the Blueprint root."""

from __future__ import annotations

from collections.abc import Iterator

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

    @property
    def path(self) -> str:
        """Slash-separated ids from the root (the root itself has the empty path)."""
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


class Construct:
    """A node of network intent; its id becomes part of Kubernetes names."""

    def __init__(self, scope: Construct | None, id: str) -> None:
        where = scope.display_path if scope is not None else id
        if not isinstance(id, str):
            raise ConstructError(where, f"id must be a string, got {type(id).__name__}",
                                 hint="ids name constructs, e.g. 'web'")
        if errs := dns1123_label_errors(id):
            raise ConstructError(where, f"invalid id {id!r}: {errs[0]}",
                                 hint="use lowercase letters, digits and '-', e.g. 'web-api'")
        self.node = Node(self, scope, id)
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
