"""synth: blueprints → rendered objects → checked files → GitOps directory."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from netkit.blueprint_file import load_blueprints
from netkit.errors import CheckFailed
from netkit.gitops import writer
from netkit.gitops.layout import layout
from netkit.render import RenderedObject, render
from netkit.tree import Blueprint
from netkit.validate.crd import CrdRegistry
from netkit.validate.engine import Validator
from netkit.validate.findings import Finding


@dataclass
class Synthesis:
    """Everything synth produced in memory: objects, findings and the files to write."""

    objects: list[RenderedObject]
    findings: list[Finding]
    files: dict[str, bytes]

    @property
    def errors(self) -> list[Finding]:
        """Findings of severity error."""
        return [f for f in self.findings if f.severity == "error"]


def synthesize(blueprints: Sequence[Blueprint], *, crds: CrdRegistry | None = None,
               ignore: Sequence[str] = ()) -> Synthesis:
    """Render and validate blueprints and lay out their files, all in memory."""
    objects: list[RenderedObject] = []
    findings: list[Finding] = []
    for bp in blueprints:
        rendering = render(bp)
        objects.extend(rendering.objects)
        findings.extend(rendering.findings)
        # Kinds without a schema are netkit's own custom resources, tested against upstream
        # CRDs; reporting each of them on every synth would only be noise.
        validator = Validator(bp.target, crds=crds, ignore=ignore, report_unknown_kinds=False)
        findings.extend(validator.validate(rendering.objects))
    return Synthesis(objects, findings, layout(objects))


def load(paths: Sequence[str | Path], *, env: str,
         overrides: Mapping[str, str] | None = None) -> list[Blueprint]:
    """Blueprints from files, with target overrides applied."""
    blueprints = [bp for p in paths for bp in load_blueprints(p, env)]
    if overrides:
        for bp in blueprints:
            bp.target = bp.target.with_overrides(dict(overrides))
    return blueprints


def write(synthesis: Synthesis, out: Path, *, check: bool = False,
          dry_run: bool = False) -> writer.Plan:
    """Plan the write; apply it unless checking or dry-running. Errors write nothing."""
    if synthesis.errors:
        first = synthesis.errors[0]
        raise CheckFailed(first.where, f"{len(synthesis.errors)} validation error(s), nothing "
                          f"written; first: {first.object}: {first.field or ''} [{first.rule}] "
                          f"{first.message}", hint=first.hint or "fix the blueprint")
    plan = writer.plan(out, synthesis.files)
    if not (check or dry_run):
        writer.apply(plan)
    return plan
