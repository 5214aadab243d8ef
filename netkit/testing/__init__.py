"""Test helpers for blueprints: synthesize in memory and look objects up."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from netkit.render.context import RenderedObject
from netkit.tree import Blueprint
from netkit.validate.findings import Finding

__all__ = ["SynthResult", "synth"]


@dataclass
class SynthResult:
    """A blueprint synthesized in memory: objects in render order, findings, files."""

    rendered: list[RenderedObject]
    findings: list[Finding]
    files: dict[str, bytes]

    @property
    def objects(self) -> list[dict[str, Any]]:
        """The plain objects, in render order."""
        return [r.obj for r in self.rendered]

    def by_kind(self, kind: str) -> list[dict[str, Any]]:
        """Objects of ``kind``, in render order."""
        return [o for o in self.objects if o.get("kind") == kind]

    def get(self, kind: str, name: str, namespace: str | None = None) -> dict[str, Any]:
        """The one object of ``kind`` named ``name`` (in ``namespace``); KeyError if absent."""
        for r in self.rendered:
            if r.kind == kind and r.name == name and (namespace is None
                                                     or r.namespace == namespace):
                return r.obj
        known = ", ".join(sorted(r.ref for r in self.rendered if r.kind == kind)) or "none"
        raise KeyError(f"no {kind} {namespace + '/' if namespace else ''}{name} "
                       f"(have: {known})")

    def rules(self, severity: str | None = None) -> list[str]:
        """Rule ids of the findings, optionally of one severity."""
        return [f.rule for f in self.findings if severity is None or f.severity == severity]


def synth(blueprint: Blueprint | str | Path | Sequence[Blueprint], *, env: str = "prod",
          target: Mapping[str, str] | None = None) -> SynthResult:
    """Synthesize a Blueprint, blueprints, or a blueprint file in memory."""
    from netkit import synth as lib

    if isinstance(blueprint, str | Path):
        blueprints = lib.load([blueprint], env=env, overrides=target)
    else:
        blueprints = [blueprint] if isinstance(blueprint, Blueprint) else list(blueprint)
        if target:
            for bp in blueprints:
                bp.target = bp.target.with_overrides(dict(target))
    result = lib.synthesize(blueprints)
    return SynthResult(result.objects, result.findings, result.files)
