"""What validate, audit, why and diff work on: the objects of their inputs, with blueprint
inputs rendered and checked in memory."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from netkit.errors import ConfigError
from netkit.findings import Finding
from netkit.inputs import manifests
from netkit.k8s.pods import PodTemplate
from netkit.objects import KubeObject

if TYPE_CHECKING:
    from netkit.analysis.diff import FlowDiff
    from netkit.analysis.explain import Explanation
    from netkit.config import NetkitConfig
    from netkit.report.reachability import Audit
    from netkit.target import Target
    from netkit.tree import Blueprint


@dataclass
class Sources:
    """Objects read from the inputs, the target of any blueprint among them, the findings
    of blueprint checks, and the workloads blueprints declare."""

    objects: list[KubeObject] = field(default_factory=list)
    target: Target | None = None
    findings: list[Finding] = field(default_factory=list)
    blueprints: list[str] = field(default_factory=list)
    workloads: list[PodTemplate] = field(default_factory=list)


def rendered(blueprint: Blueprint) -> tuple[list[KubeObject], list[Finding]]:
    """A blueprint's objects, and the findings of the checks on its constructs."""
    from netkit.render import render  # pydantic and the renderers, only for blueprints
    from netkit.validate.blueprint import check_blueprint

    return render(blueprint), check_blueprint(blueprint)


def read(paths: Sequence[str], *, env: str = "prod",
         overrides: Mapping[str, str] | None = None, exclude: Sequence[str] = ()) -> Sources:
    """Read every input; ``*.py`` files are blueprints, rendered in memory; directory walks
    leave out what ``exclude`` patterns (and the defaults of ``Excludes``) name."""
    from netkit.constructs.workload import declared
    from netkit.inputs.blueprints import load_blueprints

    out = Sources()
    blueprint_files = [p for p in paths if p.endswith(".py")]
    for bp in load_blueprints(blueprint_files, env, overrides=overrides):
        objects, findings = rendered(bp)
        out.workloads.extend(declared(bp))
        out.objects.extend(objects)
        out.findings.extend(findings)
        out.target = out.target or bp.target
        out.blueprints.append(bp.name)
    out.objects.extend(manifests.load_manifests([p for p in paths if not p.endswith(".py")],
                                                exclude))
    return out


def default_inputs(paths: Sequence[str] | None, cfg: NetkitConfig) -> list[str]:
    """``paths``, else ``[tool.netkit]`` blueprints, else its output directory."""
    chosen = list(paths or []) or [str(cfg.path(b)) for b in cfg.blueprints] or (
        [str(cfg.path(cfg.out))] if cfg.out else [])
    if not chosen:
        raise ConfigError("netkit", "no input given",
                          hint="pass manifests or blueprints, or set [tool.netkit] blueprints")
    return chosen


def read_at_revision(ref: str, paths: Sequence[str], *, env: str = "prod",
                     overrides: Mapping[str, str] | None = None,
                     exclude: Sequence[str] = ()) -> Sources:
    """The inputs ``paths`` as they were at git revision ``ref`` (absent ones are skipped)."""
    import tempfile

    from netkit.inputs.git import export, in_repo, repo_root

    root = repo_root(Path.cwd())
    inside = [in_repo(p, root) for p in paths]
    with tempfile.TemporaryDirectory() as tmp:
        export(ref, root, Path(tmp))
        moved = [str(Path(tmp) / p) for p in inside]
        return read([p for p in moved if Path(p).exists()], env=env, overrides=overrides,
                    exclude=exclude)


def flow_diff(before: Sources, after: Sources) -> FlowDiff:
    """The flows ``after`` opens and closes compared with ``before``."""
    from netkit.analysis.diff import diff
    from netkit.analysis.engine import reachability

    return diff(reachability(before.objects, before.workloads),
                reachability(after.objects, after.workloads))


def findings(sources: Sources, cfg: NetkitConfig, *, kubernetes: str | None = None,
             crds: Sequence[str] = (), ignore: Sequence[str] = ()) -> list[Finding]:
    """The blueprint checks' findings, then validation of every object with the project's
    CRDs and suppressions (plus ``crds`` and ``ignore``)."""
    from netkit.defence import disagreements
    from netkit.findings import find_rule
    from netkit.validate.engine import Validator

    for rule_id in ignore:
        find_rule(rule_id, "--ignore")
    validator = Validator(sources.target, kubernetes=kubernetes, crds=cfg.crd_registry(crds),
                          ignore=[*cfg.ignore, *ignore], node_ports=cfg.node_ports)
    return sources.findings + validator.validate(
        sources.objects, also=lambda valid: disagreements(valid, sources.workloads))


def audit(sources: Sources, cfg: NetkitConfig, title: str) -> Audit:
    """Who can reach whom in ``sources``; findings are validated when a format lists them."""
    from netkit.analysis.engine import reachability
    from netkit.report.reachability import Audit

    return Audit(reachability(sources.objects, sources.workloads), title,
                 lambda: findings(sources, cfg))


def why(sources: Sources, src: str, dst: str, port: int, protocol: str = "TCP"
        ) -> Explanation:
    """Whether ``src`` may open ``port``/``protocol`` on ``dst`` in ``sources``, and why."""
    from netkit.analysis.engine import reachability
    from netkit.analysis.explain import explain
    from netkit.spec import PROTOCOLS, check_choice, check_port

    check_choice(protocol, PROTOCOLS, "--protocol", field=None, name="protocol",
                 error=ConfigError)
    check_port(port, "--port", field=None, hint="a destination port number", error=ConfigError)
    declared = {w.id for w in sources.workloads} or None
    return explain(reachability(sources.objects, sources.workloads), src, dst, port, protocol,
                   workloads=declared)
