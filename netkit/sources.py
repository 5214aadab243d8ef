"""Inputs for validate/audit/why/diff: YAML files, directories, stdin and blueprint files."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from netkit import loader
from netkit.render.context import RenderedObject
from netkit.target import Target
from netkit.validate.findings import Finding


@dataclass
class Sources:
    """Objects read from the inputs, the target of any blueprint among them, and the
    findings raised while rendering blueprints."""

    objects: list[loader.LoadedObject | RenderedObject] = field(default_factory=list)
    target: Target | None = None
    findings: list[Finding] = field(default_factory=list)
    blueprints: list[str] = field(default_factory=list)

    @property
    def plain(self) -> list[dict[str, object]]:
        """The objects as plain dicts."""
        return [o.obj for o in self.objects]


def read(paths: Sequence[str], *, env: str = "prod",
         overrides: Mapping[str, str] | None = None) -> Sources:
    """Read every input; ``*.py`` files are blueprints, rendered in memory."""
    from netkit.render import render
    from netkit.synth import load

    out = Sources()
    yaml_paths = [p for p in paths if not p.endswith(".py")]
    for bp in load([p for p in paths if p.endswith(".py")], env=env, overrides=overrides):
        rendering = render(bp)
        out.objects.extend(rendering.objects)
        out.findings.extend(rendering.findings)
        out.target = out.target or bp.target
        out.blueprints.append(bp.name)
    out.objects.extend(loader.load(yaml_paths))
    return out

