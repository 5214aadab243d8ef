"""synth: blueprints → rendered objects → checked files → GitOps directory."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from netkit.analysis.engine import reachability
from netkit.blueprint_file import load_blueprints
from netkit.constructs.workload import declared
from netkit.errors import CheckFailed
from netkit.gitops import writer
from netkit.gitops.argocd import ArgoCdConfig, annotate, applications
from netkit.gitops.layout import layout, object_path
from netkit.gitops.network_md import documents
from netkit.k8s.meta import stamp
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
               ignore: Sequence[str] = (), argocd: ArgoCdConfig | None = None,
               docs: bool = True) -> Synthesis:
    """Render and validate blueprints and lay out their files (with Argo CD objects and a
    NETWORK.md per namespace), all in memory."""
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
    if argocd is not None:
        objects = [annotate(o) for o in objects]
        objects += _argo_objects(argocd, objects)
    files = layout(objects)
    if docs:
        reach = reachability(objects, [w for bp in blueprints for w in declared(bp)])
        files.update(documents(objects, reach, namespace_directories(files)))
    return Synthesis(objects, findings, dict(sorted(files.items())))


def namespace_directories(files: dict[str, bytes]) -> dict[tuple[str, str], str]:
    """(cluster, namespace) → ``cluster/namespace`` for every namespace directory."""
    out = {}
    for path in files:
        parts = path.split("/")
        if len(parts) == 3 and not parts[1].startswith("_"):
            out[(parts[0], parts[1])] = f"{parts[0]}/{parts[1]}"
    return out


def _argo_objects(cfg: ArgoCdConfig, objects: list[RenderedObject]) -> list[RenderedObject]:
    targets = {o.target.cluster: o.target for o in objects}
    directories: dict[str, set[str]] = {}
    for ro in objects:
        cluster, directory, _ = object_path(ro).split("/")
        directories.setdefault(cluster, set()).add(directory)
    out = []
    for cluster, target in sorted(targets.items()):
        for obj in applications(cfg, target, sorted(directories.get(cluster, ()))):
            out.append(RenderedObject(stamp(obj, blueprint="netkit", construct="argocd"),
                                      "argocd", "netkit", target))
    return out


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
