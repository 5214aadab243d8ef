"""RenderContext: what a renderer reads (the target) and where it puts objects and findings."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from netkit.k8s.meta import stamp
from netkit.target import Target
from netkit.tree import Blueprint, Construct
from netkit.validate.findings import Finding, Severity

T = TypeVar("T")


@dataclass
class RenderedObject:
    """A Kubernetes object and the construct that produced it."""

    obj: dict[str, Any]
    origin: str
    blueprint: str
    target: Target

    @property
    def kind(self) -> str:
        """The object's kind."""
        return str(self.obj.get("kind", ""))

    @property
    def name(self) -> str:
        """The object's metadata.name."""
        return str(self.obj.get("metadata", {}).get("name", ""))

    @property
    def namespace(self) -> str | None:
        """The object's metadata.namespace, if namespaced."""
        ns = self.obj.get("metadata", {}).get("namespace")
        return str(ns) if ns is not None else None

    @property
    def ref(self) -> str:
        """``Kind/namespace/name`` or ``Kind/name``."""
        ns = self.namespace
        return f"{self.kind}/{ns}/{self.name}" if ns else f"{self.kind}/{self.name}"


@dataclass
class RenderContext:
    """Collects a blueprint's objects and findings while its constructs render."""

    blueprint: Blueprint
    objects: list[RenderedObject] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
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
        self.objects.append(RenderedObject(stamped, construct.display_path,
                                           self.blueprint.name, self.target))
        return stamped

    def finding(self, construct: Construct, rule: str, severity: Severity, message: str,
                *, hint: str | None = None, obj: str = "") -> None:
        """Record a finding about ``construct``."""
        self.findings.append(Finding(rule=rule, severity=severity, message=message, hint=hint,
                                     object=obj, origin=construct.display_path))
