"""RenderContext: what a renderer reads (the target) and where it puts objects."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from netkit.k8s.meta import stamp
from netkit.objects import KubeObject
from netkit.target import Target
from netkit.tree import Blueprint, Construct

T = TypeVar("T")


@dataclass
class RenderContext:
    """Collects a blueprint's objects while its constructs render."""

    blueprint: Blueprint
    objects: list[KubeObject] = field(default_factory=list)
    _memo: dict[str, Any] = field(default_factory=dict)

    def memo(self, key: str, compute: Callable[[], T]) -> T:
        """``compute()`` once per render: for facts about the whole blueprint."""
        if key not in self._memo:
            self._memo[key] = compute()
        value: T = self._memo[key]
        return value

    @property
    def target(self) -> Target:
        """The target being rendered for."""
        return self.blueprint.target

    def emit(self, construct: Construct, obj: dict[str, Any]) -> dict[str, Any]:
        """Add an object made by ``construct``, stamped with netkit's ownership metadata."""
        stamped = stamp(obj, blueprint=self.blueprint.name, construct=construct.display_path)
        self.objects.append(KubeObject(stamped, origin=construct.display_path,
                                       blueprint=self.blueprint.name, target=self.target,
                                       site=construct.site))
        return stamped
