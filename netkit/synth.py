"""synth: blueprints → rendered objects → checked files → GitOps directory."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from netkit.analysis.engine import reachability
from netkit.constructs.guardrails import check_cluster_priorities
from netkit.constructs.manifest import Include, Manifest
from netkit.constructs.workload import declared
from netkit.defence import disagreements
from netkit.errors import CheckFailed, ConfigError
from netkit.findings import Finding
from netkit.gitops import writer
from netkit.gitops.argocd import ArgoCdConfig, annotate, applications
from netkit.gitops.layout import layout, object_path
from netkit.inputs.blueprints import load_blueprints
from netkit.k8s.meta import stamp
from netkit.objects import KubeObject
from netkit.report.network_md import documents
from netkit.serialize import dump_all
from netkit.tree import Blueprint
from netkit.validate.apiserver import DEFAULT_NODE_PORTS
from netkit.validate.crd import CrdRegistry
from netkit.validate.engine import Validator
from netkit.workspace import rendered

if TYPE_CHECKING:
    from netkit.config import NetkitConfig


@dataclass
class Synthesis:
    """Everything synth produced in memory: objects, findings and the files to write."""

    objects: list[KubeObject]
    findings: list[Finding]
    files: dict[str, bytes]

    @property
    def errors(self) -> list[Finding]:
        """Findings of severity error."""
        return [f for f in self.findings if f.severity == "error"]


def synthesize(blueprints: Sequence[Blueprint], *, crds: CrdRegistry | None = None,
               ignore: Sequence[str] = (), argocd: ArgoCdConfig | None = None,
               docs: bool = True,
               node_ports: tuple[int, int] = DEFAULT_NODE_PORTS) -> Synthesis:
    """Render and validate blueprints and lay out their files (with Argo CD objects and a
    NETWORK.md per namespace), all in memory."""
    check_cluster_priorities(blueprints)
    objects: list[KubeObject] = []
    findings: list[Finding] = []
    for bp in blueprints:
        bp_objects, bp_findings = rendered(bp)
        objects.extend(bp_objects)
        findings.extend(bp_findings)
        validator = Validator(bp.target, crds=crds, ignore=ignore, node_ports=node_ports)
        findings.extend(validator.validate(bp_objects, cel=_authored_by_user(bp),
                                           also=partial(disagreements, workloads=declared(bp))))
    if argocd is not None:
        objects = [annotate(o) for o in objects]
        objects += _argo_objects(argocd, objects)
    files = layout(objects)
    if docs:
        directories = namespace_directories(files)
        for cluster in sorted({bp.target.cluster for bp in blueprints}):
            # Each cluster's flows on their own: namespaces of one name in two clusters are
            # different namespaces.
            mine = [o for o in objects if o.target is not None and o.target.cluster == cluster]
            reach = reachability(mine, [w for bp in blueprints if bp.target.cluster == cluster
                                        for w in declared(bp)])
            files.update(documents(mine, reach, {k: v for k, v in directories.items()
                                                 if k[0] == cluster}))
    return Synthesis(objects, findings, dict(sorted(files.items())))


def _authored_by_user(blueprint: Blueprint) -> Callable[[KubeObject], bool]:
    """Whether an object came from a Manifest or Include: the renderers' own output is held to
    the CRDs' CEL rules by netkit's test suite, so synth evaluates CEL only for objects a user
    wrote (``netkit validate`` evaluates it for every object)."""
    paths = {c.display_path for c in blueprint.node.walk() if isinstance(c, Manifest | Include)}
    return lambda obj: obj.origin in paths


def namespace_directories(files: dict[str, bytes]) -> dict[tuple[str, str], str]:
    """(cluster, namespace) → ``cluster/namespace`` for every namespace directory."""
    out = {}
    for path in files:
        parts = path.split("/")
        if len(parts) == 3 and not parts[1].startswith("_"):
            out[(parts[0], parts[1])] = f"{parts[0]}/{parts[1]}"
    return out


def _argo_objects(cfg: ArgoCdConfig, objects: list[KubeObject]) -> list[KubeObject]:
    targets = {o.target.cluster: o.target for o in objects if o.target is not None}
    directories: dict[str, set[str]] = {}
    for ro in objects:
        cluster, directory, _ = object_path(ro).split("/")
        directories.setdefault(cluster, set()).add(directory)
    out = []
    for cluster, target in sorted(targets.items()):
        for obj in applications(cfg, target, sorted(directories.get(cluster, ()))):
            out.append(KubeObject(stamp(obj, blueprint="netkit", construct="argocd"),
                                  origin="argocd", blueprint="netkit", target=target))
    return out


def project_files(cfg: NetkitConfig, files: Sequence[str] | None) -> list[str]:
    """The blueprint files: as given, else ``[tool.netkit] blueprints``."""
    chosen = list(files or []) or [str(cfg.path(b)) for b in cfg.blueprints]
    if not chosen:
        raise ConfigError("synth", "no blueprint given",
                          hint="pass a blueprint file or set [tool.netkit] blueprints")
    return chosen


def project_paths(cfg: NetkitConfig, files: Sequence[str] | None, out: Path | None
                  ) -> tuple[list[str], Path]:
    """The blueprint files and the output directory: as given, else ``[tool.netkit]``'s."""
    chosen = project_files(cfg, files)
    if out is None and not cfg.out:
        raise ConfigError("synth", "no output directory",
                          hint="pass --out DIR or set [tool.netkit] out")
    return chosen, out if out is not None else cfg.path(str(cfg.out))


def synthesize_project(cfg: NetkitConfig, files: Sequence[str], *, env: str | None = None,
                       overrides: Mapping[str, str] | None = None,
                       argocd: bool | None = None) -> Synthesis:
    """Synthesize blueprint ``files`` as the project is configured; ``argocd`` turns Argo CD
    output on or off (default: on when ``[tool.netkit.argocd]`` exists)."""
    blueprints = load_blueprints(files, env or cfg.env,
                                 overrides={**cfg.target, **(overrides or {})})
    if argocd and cfg.argocd is None:
        raise ConfigError("--argocd", "no [tool.netkit.argocd] table",
                          hint='add [tool.netkit.argocd] with repo_url = "https://..."')
    return synthesize(blueprints, crds=cfg.crd_registry(), ignore=cfg.ignore,
                      node_ports=cfg.node_ports,
                      argocd=cfg.argocd if argocd is not False else None)


def write(synthesis: Synthesis, out: Path, *, check: bool = False, dry_run: bool = False,
          force: bool = False) -> writer.Plan:
    """Plan the write; apply it (holding the directory's lock) unless checking or dry-running;
    ``force`` overwrites owned files edited by hand. Errors write nothing."""
    _fail_on_errors(synthesis)
    if check or dry_run:
        return writer.plan(out, synthesis.files, force=force)
    return writer.write(out, synthesis.files, force=force)


def stream(synthesis: Synthesis) -> str:
    """Every synthesized object as one multi-document YAML stream, in the order of their
    files' paths (the GitOps tree's order); validation errors raise and yield nothing."""
    _fail_on_errors(synthesis)
    return dump_all(ro.obj for ro in sorted(synthesis.objects, key=object_path))


def _fail_on_errors(synthesis: Synthesis) -> None:
    if synthesis.errors:
        first = synthesis.errors[0]
        raise CheckFailed(first.where, f"{len(synthesis.errors)} validation error(s), nothing "
                          f"written; first: {first.object}: {first.field or ''} [{first.rule}] "
                          f"{first.message}", hint=first.hint or "fix the blueprint")
