"""Test helpers for blueprints: synthesize in memory and look objects up."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from netkit.analysis.engine import Reachability, reachability
from netkit.analysis.explain import explain
from netkit.constructs.workload import declared
from netkit.findings import Finding
from netkit.k8s.pods import PodTemplate
from netkit.objects import KubeObject
from netkit.report.explain import text
from netkit.tree import Blueprint
from netkit.validate.engine import validate

__all__ = ["SynthResult", "assert_isolated", "assert_reachable", "assert_valid", "synth"]


@dataclass
class SynthResult:
    """A blueprint synthesized in memory: objects in render order, findings, files, and the
    declared workloads (the endpoints of reachability assertions)."""

    rendered: list[KubeObject]
    findings: list[Finding]
    files: dict[str, bytes]
    workloads: list[PodTemplate] = field(default_factory=list)

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
    from netkit.inputs.blueprints import load_blueprints

    if isinstance(blueprint, str | Path):
        blueprints = load_blueprints(blueprint, env, overrides=target)
    else:
        blueprints = [blueprint] if isinstance(blueprint, Blueprint) else list(blueprint)
        if target:
            for bp in blueprints:
                bp.target = bp.target.with_overrides(dict(target))
    result = lib.synthesize(blueprints)
    workloads = [w for bp in blueprints for w in declared(bp)]
    return SynthResult(result.objects, result.findings, result.files, workloads)


Objects = SynthResult | Sequence[Any]


def _reachability(objs: Objects) -> Reachability:
    if isinstance(objs, SynthResult):
        return reachability(objs.rendered, objs.workloads)
    return reachability(objs)


def _why(objs: Objects, r: Reachability, src: str, dst: str, port: int, protocol: str) -> str:
    declared_ids = {w.id for w in objs.workloads} if isinstance(objs, SynthResult) else None
    return text(explain(r, src, dst, port, protocol, workloads=declared_ids))


def _port_number(r: Reachability, dst: str, port: int | str, protocol: str) -> int:
    """``port``, or the number ``dst``'s pods give the port named ``port`` for ``protocol``."""
    if not isinstance(port, str):
        return port
    named = r.group(dst).sample.named_ports
    for name, proto, number in named:
        if name == port and proto == protocol:
            return number
    have = ", ".join(f"{n}={number}/{proto}" for n, proto, number in named) or "none"
    raise ValueError(f"{dst} has no {protocol} port named {port!r} (named ports: {have})")


def _label(port: int | str, number: int, protocol: str) -> str:
    return f"{protocol}/{number}" + (f" ({port})" if isinstance(port, str) else "")


def assert_reachable(objs: Objects, src: str, dst: str, port: int | str,
                     protocol: str = "TCP") -> None:
    """Fail unless ``src`` may connect to ``dst`` on ``port`` (a number, or a port name of
    ``dst``'s pods), explaining why not."""
    r = _reachability(objs)
    number = _port_number(r, dst, port, protocol)
    if not r.allowed(src, dst, number, protocol):
        raise AssertionError(f"{src} cannot reach {dst} on {_label(port, number, protocol)}\n"
                             + _why(objs, r, src, dst, number, protocol))


def assert_isolated(objs: Objects, src: str, dst: str, port: int | str | None = None,
                    protocol: str = "TCP") -> None:
    """Fail if ``src`` may connect to ``dst`` on ``port`` (a number, or a port name of
    ``dst``'s pods; any port when None)."""
    r = _reachability(objs)
    ports = r.ports(src, dst)
    if port is None:
        if ports:
            raise AssertionError(f"{src} can reach {dst} on {ports.describe()}")
        return
    number = _port_number(r, dst, port, protocol)
    if ports.contains(number, protocol):
        raise AssertionError(f"{src} can reach {dst} on {_label(port, number, protocol)}\n"
                             + _why(objs, r, src, dst, number, protocol))


def assert_valid(objs: Objects, *, kubernetes: str | None = None) -> None:
    """Fail if validation finds any error; the message lists them."""
    if isinstance(objs, SynthResult) and kubernetes is None:
        findings = objs.findings  # synth validated already, for each blueprint's Target
    elif isinstance(objs, SynthResult):
        target = objs.rendered[0].target if objs.rendered else None
        findings = objs.findings + validate(objs.rendered, target, kubernetes=kubernetes)
    else:
        findings = validate(objs, kubernetes=kubernetes)
    errors = list(dict.fromkeys(f for f in findings if f.severity == "error"))
    if errors:
        raise AssertionError(f"{len(errors)} validation error(s):\n"
                             + "\n".join(f.line_text() for f in errors))
