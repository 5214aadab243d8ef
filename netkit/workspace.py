"""What validate, audit, why and diff work on: the objects of their inputs, with blueprint
inputs rendered and checked in memory."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from netkit.errors import ConfigError
from netkit.findings import Finding
from netkit.inputs import manifests
from netkit.inputs.identities import read_identities
from netkit.inputs.triage import broken_object
from netkit.k8s.kinds import is_builtin
from netkit.k8s.pods import PodTemplate
from netkit.k8s.removed_apis import removed_api
from netkit.objects import KubeObject
from netkit.versions import SUPPORTED_KUBERNETES

if TYPE_CHECKING:
    from netkit.analysis.diff import FlowDiff
    from netkit.analysis.engine import Reachability
    from netkit.analysis.explain import Explanation
    from netkit.analysis.implied import ClusterParts
    from netkit.config import NetkitConfig
    from netkit.flows.suggest import Suggestion
    from netkit.flows.verdicts import FlowAudit
    from netkit.report.reachability import Audit
    from netkit.target import Target
    from netkit.tree import Blueprint


@dataclass
class Analysable:
    """The objects the reachability analysis reads, findings on the input it leaves out or
    reads differently than given, and how many objects of each kind it does not analyse."""

    objects: list[KubeObject] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    not_analysed: Counter[str] = field(default_factory=Counter)

    def summary(self) -> str | None:
        """``not analysed: 2 Service, 1 ConfigMap``, or None when every object is."""
        if not self.not_analysed:
            return None
        kinds = sorted(self.not_analysed.items(), key=lambda kv: (-kv[1], kv[0]))
        return "not analysed: " + ", ".join(f"{n} {kind}" for kind, n in kinds)


@dataclass
class Sources:
    """Objects read from the inputs, the target of any blueprint among them, the findings
    of blueprint checks, those on input left out as no manifest, and the workloads
    blueprints declare."""

    objects: list[KubeObject] = field(default_factory=list)
    target: Target | None = None
    findings: list[Finding] = field(default_factory=list)
    blueprints: list[str] = field(default_factory=list)
    workloads: list[PodTemplate] = field(default_factory=list)
    left_out: list[Finding] = field(default_factory=list)
    zero_trust: list[str] = field(default_factory=list)  # ZeroTrustNamespaces of blueprints

    @cached_property
    def analysable(self) -> Analysable:
        """What the reachability analysis reads of these inputs."""
        return analysable(self.objects, self.left_out, self.target)


def analysable(objects: Sequence[KubeObject], left_out: Sequence[Finding] = (),
               target: Target | None = None) -> Analysable:
    """``objects`` for the reachability analysis: malformed objects of the kinds it reads
    left out with a finding per problem, API versions no longer served read as their
    successor where the schema is the same (else left out), each with a finding."""
    from netkit.analysis.cilium import is_cilium_policy
    from netkit.analysis.cluster_policy import is_tier_policy
    from netkit.analysis.model import ANALYSED_KINDS, checked
    from netkit.validate.engine import at_field_lines, order, parse_version

    version = parse_version(target.kubernetes if target else SUPPORTED_KUBERNETES[-1])
    out = Analysable(findings=list(left_out))
    for item in objects:
        if not item.api_version or not item.kind:
            out.findings.append(broken_object(item))
            continue
        removed = removed_api(item.api_version, item.kind, version)
        if removed is not None:
            readable = removed.same_schema and removed.successor and item.kind in ANALYSED_KINDS
            read_as = (f"; read as {removed.successor} {item.kind}" if readable
                       else "; left out of the analysis")
            out.findings.append(Finding.on("NK013", item, removed.message(version) + read_as,
                                           field="apiVersion", hint=removed.hint))
            if not readable:
                continue
            item = replace(item, obj={**item.obj, "apiVersion": removed.successor})
        item, errors = checked(item)
        out.findings.extend(Finding.on("NK001", item, e.message, field=e.path,
                                       hint="the object is left out of the analysis")
                            for e in errors)
        if errors:
            continue
        core = item.kind in ANALYSED_KINDS and is_builtin(item.api_version, item.kind)
        if not (core or is_tier_policy(item.obj) or is_cilium_policy(item.obj)):
            builtin = item.kind in ANALYSED_KINDS
            out.not_analysed[f"{item.kind} ({item.api_version})" if builtin else item.kind] += 1
        out.objects.append(item)
    out.findings = sorted(at_field_lines(out.findings), key=order)
    return out


def rendered(blueprint: Blueprint) -> tuple[list[KubeObject], list[Finding]]:
    """A blueprint's objects, and the findings of the checks on its constructs."""
    from netkit.render import render  # pydantic and the renderers, only for blueprints
    from netkit.validate.blueprint import check_blueprint

    return render(blueprint), check_blueprint(blueprint)


def read(paths: Sequence[str], *, env: str = "prod",
         overrides: Mapping[str, str] | None = None, exclude: Sequence[str] = ()) -> Sources:
    """Read every input; ``*.py`` files are blueprints, rendered in memory; directory walks
    leave out what ``exclude`` patterns (and the defaults of ``Excludes``) name, and read
    the declared workloads synth recorded in ``.netkit/workloads.yaml``."""
    out = Sources()
    blueprint_files = [p for p in paths if p.endswith(".py")]
    if blueprint_files:  # constructs and pydantic models only when there are blueprints
        from netkit.constructs.workload import declared
        from netkit.constructs.zero_trust import ZeroTrustNamespace
        from netkit.inputs.blueprints import load_blueprints

        for bp in load_blueprints(blueprint_files, env, overrides=overrides):
            objects, findings = rendered(bp)
            out.workloads.extend(declared(bp))
            out.zero_trust.extend(c.name for c in bp.node.walk()
                                  if isinstance(c, ZeroTrustNamespace))
            out.objects.extend(objects)
            out.findings.extend(findings)
            out.target = out.target or bp.target
            out.blueprints.append(bp.name)
    files = [p for p in paths if not p.endswith(".py")]
    read = manifests.read_manifests(files, exclude)
    out.objects.extend(read.objects)
    out.left_out.extend(read.findings)
    out.workloads.extend(read_identities(files, exclude))
    return out


def default_inputs(paths: Sequence[str] | None, cfg: NetkitConfig, *,
                   required: bool = True) -> list[str]:
    """``paths``, else ``[tool.netkit]`` blueprints, else its output directory (else
    nothing, when not ``required``)."""
    chosen = list(paths or []) or [str(cfg.path(b)) for b in cfg.blueprints] or (
        [str(cfg.path(cfg.out))] if cfg.out else [])
    if not chosen and required:
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


def flow_diff(before: Sources, after: Sources, *, parts: ClusterParts | None = None
              ) -> FlowDiff:
    """The flows ``after`` opens and closes compared with ``before`` (with the cluster's
    parts that ``parts`` implies on either side, so that a policy which starts naming cluster
    DNS does not make its existing flows look new)."""
    from netkit.analysis.diff import diff
    from netkit.analysis.engine import reachability
    from netkit.analysis.implied import ClusterParts

    def side(s: Sources, extra: Sequence[PodTemplate] = ()) -> Reachability:
        return reachability(s.analysable.objects, [*s.workloads, *extra], parts)

    old, new = side(before), side(after)
    dns = (parts or ClusterParts()).dns_template()
    has_dns = [any(e.id == dns.id for e in r.endpoints) for r in (old, new)]
    if has_dns[0] != has_dns[1] and (parts is None or parts.dns):
        old, new = (old if has_dns[0] else side(before, [dns]),
                    new if has_dns[1] else side(after, [dns]))
    return diff(old, new)


def findings(sources: Sources, cfg: NetkitConfig, *, kubernetes: str | None = None,
             crds: Sequence[str] = (), ignore: Sequence[str] = (), scope: str = "all"
             ) -> list[Finding]:
    """The blueprint checks' findings, those on input left out, and validation of every
    object with the project's CRDs and suppressions (plus ``crds`` and ``ignore``);
    cross-object checks see the objects of each ``scope`` together."""
    from netkit.defence import disagreements
    from netkit.findings import find_rule
    from netkit.validate.engine import Validator, order

    for rule_id in ignore:
        find_rule(rule_id, "--ignore")
    validator = Validator(sources.target, kubernetes=kubernetes, crds=cfg.crd_registry(crds),
                          ignore=[*cfg.ignore, *ignore], node_ports=cfg.node_ports,
                          scope=scope)
    noted = [f for f in sources.findings + sources.left_out if f.rule not in validator.ignore]
    checked = validator.validate(sources.objects, workloads=sources.workloads,
                                 also=lambda valid: disagreements(valid, sources.workloads),
                                 parallel=True)
    return sorted(noted + checked, key=order)


def audit(sources: Sources, cfg: NetkitConfig, title: str) -> Audit:
    """Who can reach whom in ``sources``; findings are validated when a format lists them."""
    from netkit.analysis.engine import reachability
    from netkit.report.reachability import Audit

    return Audit(reachability(sources.analysable.objects, sources.workloads,
                              cfg.implied.parts()), title,
                 lambda: list(dict.fromkeys([*findings(sources, cfg), *unseen(sources, cfg)])))


def unseen(sources: Sources, cfg: NetkitConfig) -> list[Finding]:
    """NK220 for each namespace with NetworkPolicies whose pods ``sources`` omit, however
    little they hold: what an audit of them cannot show (``validate`` reports it only when
    the input holds workloads elsewhere)."""
    from netkit.findings import find_rule
    from netkit.validate.lint.coverage import unpopulated
    from netkit.validate.lint.index import Index, Report

    if "NK220" in {find_rule(r).id for r in cfg.ignore}:
        return []
    report = Report()
    unpopulated(Index(sources.analysable.objects, declared=sources.workloads), report)
    return report.findings


def endpoint_ids(r: Reachability, pattern: str) -> list[str]:
    """The endpoint ``pattern`` names: an id, else the ids it matches as a glob (``ns/*``:
    every endpoint of the namespace), sorted; none is an error suggesting close ids."""
    from fnmatch import fnmatchcase

    if "*" in pattern and pattern not in {e.id for e in r.endpoints}:
        found = sorted(e.id for e in r.endpoints if fnmatchcase(e.id, pattern))
        if found:
            return found
    r.group(pattern)  # an unknown id is an error naming close ones
    return [pattern]


def why(sources: Sources, src: str, dst: str, port: int, protocol: str = "TCP", *,
        parts: ClusterParts | None = None) -> Explanation:
    """Whether ``src`` may open ``port``/``protocol`` on ``dst`` in ``sources``, and why.

    ``src`` and ``dst`` are endpoint ids or globs over them (``kube-system/*``); a glob
    explains the first pair of endpoints it names whose flow is allowed, else the first pair.
    """
    from netkit.analysis.engine import reachability
    from netkit.analysis.explain import explain
    from netkit.spec import PROTOCOLS, check_choice, check_port

    check_choice(protocol, PROTOCOLS, "--protocol", field=None, name="protocol",
                 error=ConfigError)
    check_port(port, "--port", field=None, hint="a destination port number", error=ConfigError)
    declared = {w.id for w in sources.workloads} or None
    r = reachability(sources.analysable.objects, sources.workloads, parts)
    pairs = [(a, b) for a in endpoint_ids(r, src) for b in endpoint_ids(r, dst)]
    answers = (explain(r, a, b, port, protocol, workloads=declared) for a, b in pairs)
    first = None
    for answer in answers:
        if answer.allowed:
            return answer
        first = first or answer
    assert first is not None
    return first


def audit_flows(sources: Sources, flows: str, title: str) -> FlowAudit:
    """The verdict on every flow in the log ``flows`` under the policies in ``sources``,
    the allows no flow used, and the log's malformed lines."""
    from netkit.analysis.engine import reachability
    from netkit.flows.aggregate import read
    from netkit.flows.fqdn import fqdn_rules
    from netkit.flows.staged import as_enforced
    from netkit.flows.unused import never_seen
    from netkit.flows.verdicts import FlowAudit, flow_reachability, judge

    observed = read(flows)
    r = flow_reachability(sources.analysable.objects, sources.workloads, observed)
    verdicts = judge(r, observed, fqdn_rules(sources.analysable.objects))
    unused = never_seen(r, verdicts, observed, as_enforced(sources.analysable.objects))
    return FlowAudit(observed, verdicts, unused, title,
                     lambda: reachability(sources.analysable.objects, sources.workloads))


def suggest(sources: Sources, flows: str, blueprint: Sources | None = None) -> Suggestion:
    """The allows that admit exactly the flows in the log ``flows`` that the policies of
    ``sources`` and ``blueprint`` deny; names and ports follow ``blueprint``, which the
    lines are for, and its target decides whether DNS names can be allowed."""
    from netkit.capabilities import CNIS
    from netkit.flows.aggregate import read
    from netkit.flows.fqdn import fqdn_rules
    from netkit.flows.suggest import suggest as openings
    from netkit.flows.verdicts import flow_reachability, judge
    from netkit.target import Target

    both = Sources(objects=[*sources.objects, *(blueprint.objects if blueprint else [])],
                   workloads=[*sources.workloads, *(blueprint.workloads if blueprint else [])])
    observed = read(flows)
    verdicts = judge(flow_reachability(both.objects, both.workloads, observed), observed,
                     fqdn_rules(both.objects))
    target = (blueprint.target if blueprint else None) or sources.target or Target()
    declared = {w.id: {p.name: (p.protocol, p.port) for p in w.ports if p.name}
                for w in (blueprint.workloads if blueprint else [])}
    return openings(verdicts, observed, fqdn=CNIS[target.cni].fqdn_egress,
                    owned=blueprint.zero_trust if blueprint else None, declared=declared)
