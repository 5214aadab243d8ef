"""Inputs for validate/audit/why/diff: YAML files, directories, stdin and blueprint files."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from netkit import loader
from netkit.k8s.pods import PodTemplate
from netkit.validate.findings import Finding

if TYPE_CHECKING:
    from netkit.render.context import RenderedObject
    from netkit.target import Target


@dataclass
class Sources:
    """Objects read from the inputs, the target of any blueprint among them, and the
    findings raised while rendering blueprints."""

    objects: list[loader.LoadedObject | RenderedObject] = field(default_factory=list)
    target: Target | None = None
    findings: list[Finding] = field(default_factory=list)
    blueprints: list[str] = field(default_factory=list)
    workloads: list[PodTemplate] = field(default_factory=list)

    @property
    def plain(self) -> list[dict[str, object]]:
        """The objects as plain dicts."""
        return [o.obj for o in self.objects]


def read(paths: Sequence[str], *, env: str = "prod",
         overrides: Mapping[str, str] | None = None) -> Sources:
    """Read every input; ``*.py`` files are blueprints, rendered in memory."""
    out = Sources()
    blueprint_files = [p for p in paths if p.endswith(".py")]
    yaml_paths = [p for p in paths if not p.endswith(".py")]
    if blueprint_files:
        _render(out, blueprint_files, env, overrides)
    out.objects.extend(loader.load(yaml_paths))
    return out


def _render(out: Sources, files: list[str], env: str,
            overrides: Mapping[str, str] | None) -> None:
    from netkit.constructs.workload import declared
    from netkit.render import render  # pydantic and the renderers, only for blueprints
    from netkit.synth import load

    for bp in load(files, env=env, overrides=overrides):
        out.workloads.extend(declared(bp))
        rendering = render(bp)
        out.objects.extend(rendering.objects)
        out.findings.extend(rendering.findings)
        out.target = out.target or bp.target
        out.blueprints.append(bp.name)

