"""synth: blueprints → rendered objects → checked files → GitOps directory."""

from __future__ import annotations

import hashlib
import marshal
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cache, cached_property, partial
from pathlib import Path
from typing import TYPE_CHECKING

from netkit.analysis.implied import ClusterParts
from netkit.constructs.guardrails import check_cluster_priorities
from netkit.constructs.manifest import Include, Manifest
from netkit.constructs.workload import declared
from netkit.errors import CheckFailed, ConfigError, NetkitError
from netkit.findings import Finding
from netkit.forked import Job, forked
from netkit.gitops import writer
from netkit.gitops.argocd import ArgoCdConfig, annotate, applications
from netkit.gitops.layout import by_path, identity_files, layout, object_path
from netkit.gitops.lock import Lock, sha256
from netkit.gitops.memo import (
    Key,
    Memo,
    code_fingerprint,
    loaded_modules,
    read_memo,
    seen_path,
    write_memo,
)
from netkit.gitops.seen import encode_seen, read_seen, write_seen
from netkit.inputs import collector
from netkit.inputs.blueprints import load_blueprints
from netkit.inputs.manifests import read_text, yaml_files
from netkit.k8s.core import DEFAULT_NODE_PORTS
from netkit.k8s.meta import stamp
from netkit.k8s.pods import PodTemplate
from netkit.objects import KubeObject
from netkit.render.engine import render_halves
from netkit.tree import Blueprint
from netkit.validate.blueprint import check_blueprint

if TYPE_CHECKING:
    from netkit.config import NetkitConfig
    from netkit.validate.crd_registry import CrdRegistry

PARALLEL_OBJECTS = 1000  # below this, forking costs more than it saves


@dataclass
class Synthesis:
    """Everything synth produced in memory: objects, findings and the files to write, and the
    memo of this result for the next run (none when a memo was reused). Each is made when
    first asked for: validation may still be running in a forked child, and a check whose
    memo holds renders half of the objects only."""

    make_objects: Callable[[], list[KubeObject]]
    object_count: int
    make_findings: Callable[[], list[Finding]]
    make_files: Callable[[], dict[str, bytes]]
    make_memo: Callable[[], Memo | None] = lambda: None
    known_digests: dict[str, str] | None = None  # every file's sha256, from a reused memo
    made_digests: dict[str, str] | None = None  # every file's sha256, of the files made here
    # The plan of a write that only compares digests, made while rendering (see
    # synthesize_project's plan_ahead); valid for those known_digests.
    planned: writer.Plan | None = None

    @cached_property
    def objects(self) -> list[KubeObject]:
        """Every object, each blueprint's in turn (Argo CD's last)."""
        return self.make_objects()

    @cached_property
    def findings(self) -> list[Finding]:
        """Render and validation findings, each blueprint's in turn."""
        return self.make_findings()

    @cached_property
    def files(self) -> dict[str, bytes]:
        """Every file of the GitOps tree, relative POSIX path → bytes, in path order."""
        return self.make_files()

    @cached_property
    def memo(self) -> Memo | None:
        """The memo to keep for the next run (None when one was reused or none is kept)."""
        return self.make_memo()

    @property
    def digests(self) -> dict[str, str]:
        """Every file's sha256 (from the memo when one was reused: no file is made)."""
        found = self.known_digests if self.known_digests is not None else self.made_digests
        if found is not None:
            return found
        return {path: sha256(data) for path, data in self.files.items()}

    @property
    def errors(self) -> list[Finding]:
        """Findings of severity error."""
        return [f for f in self.findings if f.severity == "error"]


def synthesize(blueprints: Sequence[Blueprint], *, crds: CrdRegistry | None = None,
               ignore: Sequence[str] = (), argocd: ArgoCdConfig | None = None,
               docs: bool = True, parts: ClusterParts | None = None,
               node_ports: tuple[int, int] = DEFAULT_NODE_PORTS, fingerprint: str | None = None,
               memo: Memo | None = None, parallel: bool = False) -> Synthesis:
    """Render and validate blueprints and lay out their files (with Argo CD objects, the
    declared workloads' identities, and a NETWORK.md per namespace whose flows include the
    cluster's parts ``parts`` implies), all in memory.

    ``fingerprint`` stands for what validation depends on besides the blueprints' objects and
    these arguments (the code, the CRDs in ``crds``); given one, the result carries its memo,
    and a ``memo`` with the same key supplies the findings, NETWORK.md files and the files'
    digests instead of computing them again. ``parallel`` validates large inputs and makes
    their NETWORK.md in forked children while the files are laid out here, and returns
    before validation ends: its findings are waited for when first asked for (for a process
    of its own, like the CLI's: not one running Node.js); it also renders the second half of
    a large memo's blueprints in a forked child to compare the memo, and renders the rest
    only when the memo does not hold or the objects are asked for."""
    with collector.paused():
        return _synthesize(blueprints, crds=crds, ignore=ignore, argocd=argocd, docs=docs,
                           parts=parts, node_ports=node_ports, fingerprint=fingerprint,
                           memo=memo, parallel=parallel)


Halves = list[list[KubeObject]]  # a blueprint's objects, by half of its constructs


def _synthesize(blueprints: Sequence[Blueprint], *, crds: CrdRegistry | None,
                ignore: Sequence[str], argocd: ArgoCdConfig | None, docs: bool,
                parts: ClusterParts | None, node_ports: tuple[int, int],
                fingerprint: str | None, memo: Memo | None, parallel: bool) -> Synthesis:
    check_cluster_priorities(blueprints)
    for bp in blueprints:
        if crds is not None and crds.gateway_api_channel != bp.target.gateway_api_channel:
            raise ConfigError(bp.name, f"the target has gateway_api_channel="
                              f"{bp.target.gateway_api_channel!r}, but the CRDs validating it "
                              f"are the {crds.gateway_api_channel} channel's",
                              hint="set [tool.netkit] gateway_api_channel to the cluster's "
                                   "channel too")
    declared_by = [declared(bp) for bp in blueprints]
    placed = [(bp.target.cluster, w) for bp, ws in zip(blueprints, declared_by, strict=True)
              for w in ws]

    def keyed(digests: list[list[bytes]]) -> str | None:
        return None if fingerprint is None else _memo_key(
            fingerprint, blueprints, declared_by, digests, ignore=ignore, argocd=argocd,
            docs=docs, parts=parts, node_ports=node_ports)

    def construct_checks() -> list[list[Finding]]:
        return [check_blueprint(bp) for bp in blueprints]

    def reused(key: str | None, make_halves: Callable[[], list[Halves]],
               checks: list[list[Finding]] | None = None) -> Synthesis | None:
        if memo is None or memo.key != key or len(memo.findings) != len(blueprints):
            return None
        network = {path: text.encode() for path, text in memo.docs.items()} if docs else {}
        found = _findings(construct_checks() if checks is None else checks, memo.findings)
        objects = cache(lambda: _objects(make_halves(), argocd))
        return Synthesis(objects, memo.object_count, lambda: found,
                         lambda: dict(sorted({**tree_files(by_path(objects()), placed),
                                              **network}.items())),
                         known_digests=memo.digests or None)

    halves: list[Halves] | None = None
    checks: list[list[Finding]] | None = None  # made here only when comparing by halves
    if memo is not None and fingerprint is not None and parallel \
            and len(memo.digests) >= PARALLEL_OBJECTS:
        # The memo of a large project is compared first: each blueprint's first half is
        # rendered here while a forked child renders and hashes the second; when the memo
        # holds, nothing more is rendered until the objects are asked for.
        theirs: list[bytes] | None = None
        with forked(partial(_second_digests, blueprints)) as second:
            if (firsts := _rendered_half(blueprints, 0)) is not None:
                checks = construct_checks()
                mine = [_digest(first) for first in firsts]
                theirs = second.result()
        if firsts is not None and theirs is not None:
            key = keyed([[a, b] for a, b in zip(mine, theirs, strict=True)])

            def rest() -> list[Halves]:
                return [[first, *render_halves(bp, (1,))]
                        for bp, first in zip(blueprints, firsts, strict=True)]

            if (hit := reused(key, rest, checks)) is not None:
                return hit
            halves = rest()
    if halves is None:  # also when a half failed: rendered whole, its first error is raised
        halves = [render_halves(bp) for bp in blueprints]
        # Without a memo to compare, the key is made beside validation rather than before it.
        key = keyed(_digests(halves)) if memo is not None else None
        if (hit := reused(key, lambda: halves)) is not None:
            return hit
    objects = _objects(halves, argocd)
    many = parallel and len(objects) >= PARALLEL_OBJECTS

    def validate_all() -> tuple[list[list[Finding]], list[list[Finding]], str | None]:
        # Imported here, as in network_files: a run whose memo holds uses neither.
        from netkit.defence import disagreements
        from netkit.validate.engine import Validator

        # The memo key (when none was made to compare) and the checks on the constructs are
        # made here too, off the layout's way, and before validation, as when compared.
        made = key or keyed(_digests(halves))
        constructs = construct_checks() if checks is None else checks
        validated = [Validator(bp.target, crds=crds, ignore=ignore, node_ports=node_ports
                               ).validate([o for half in hs for o in half],
                                          cel=_authored_by_user(bp), workloads=ws,
                                          also=partial(disagreements, workloads=ws))
                     for bp, ws, hs in zip(blueprints, declared_by, halves, strict=True)]
        return constructs, validated, made

    # On two cores, validation and NETWORK.md are made in forked children while the files are
    # laid out here; validation may still run when this returns (the write stages the files
    # meanwhile, and waits for it before changing the output directory).
    validation = Job(validate_all, fork=many)
    checked = docs and "NK001" not in {r.strip().upper() for r in ignore}

    def all_findings() -> list[Finding]:
        constructs, validated, _ = validation.result()
        if checked and any(f.rule == "NK001" for group in validated for f in group):
            # NETWORK.md trusted objects validation refuses: a malformed one the analysis
            # reads is refused as before (as audit refuses it), else the findings say it all.
            network_files(objects, placed, directories, parts)
        return _findings(constructs, validated)

    findings = Job(all_findings, fork=False)  # its outcome, an error too, is kept
    try:
        paths = by_path(objects)
        directories = namespace_directories(paths)
        # NETWORK.md and the identity files are made beside the layout.
        with forked(lambda: (checked_network_files(objects, placed, directories, parts,
                                                   checked=checked) if docs else {},
                             identity_files(placed, directories)), fork=many) as beside:
            files = layout(paths)
            network, identities = beside.result()
            files.update(identities)
        if not many:
            findings.result()  # here, so that its errors are raised here
    except BaseException:
        validation.cancel()
        raise
    files = dict(sorted({**files, **network}.items()))
    if fingerprint is None:  # no memo to keep: the write hashes what it writes
        return Synthesis(lambda: objects, len(objects), findings.result, lambda: files)
    digests = {path: sha256(data) for path, data in files.items()}
    docs_text = {path: data.decode() for path, data in network.items()}

    def kept() -> Memo | None:
        _, validated, made_key = validation.result()
        return None if made_key is None else Memo(made_key, validated, docs_text, digests,
                                                  len(objects))

    return Synthesis(lambda: objects, len(objects), findings.result, lambda: files, kept,
                     made_digests=digests)


def _findings(checks: list[list[Finding]], validated: list[list[Finding]]) -> list[Finding]:
    """Each blueprint's findings on its constructs, then its validation findings."""
    return [f for bp_checks, bp_validated in zip(checks, validated, strict=True)
            for f in (*bp_checks, *bp_validated)]


def _objects(halves: list[Halves], argocd: ArgoCdConfig | None) -> list[KubeObject]:
    """The blueprints' objects, and Argo CD's (which annotates them too) when ``argocd``."""
    objects = [o for hs in halves for half in hs for o in half]
    if argocd is not None:
        objects = [annotate(o) for o in objects]
        objects += _argo_objects(argocd, objects)
    return objects


def tree_files(paths: dict[str, KubeObject], placed: list[tuple[str, PodTemplate]]
               ) -> dict[str, bytes]:
    """The files and kustomizations of the objects (by :func:`by_path`), and the declared
    workloads' identity files."""
    files = layout(paths)
    files.update(identity_files(placed, namespace_directories(paths)))
    return files


def network_files(objects: list[KubeObject], placed: list[tuple[str, PodTemplate]],
                  directories: dict[tuple[str, str], str], parts: ClusterParts | None, *,
                  well_formed: bool = False) -> dict[str, bytes]:
    """NETWORK.md of every namespace directory, each cluster's flows on their own (namespaces
    of one name in two clusters are different namespaces); ``well_formed`` as for
    :func:`~netkit.analysis.model.build_cluster`."""
    from netkit.analysis.engine import reachability
    from netkit.report.network_md import documents

    network: dict[str, bytes] = {}
    for cluster in sorted({c for c, _ in directories}):
        mine = [o for o in objects if o.target is not None and o.target.cluster == cluster]
        reach = reachability(mine, [w for c, w in placed if c == cluster], parts,
                             well_formed=well_formed)
        network.update(documents(mine, reach, {k: v for k, v in directories.items()
                                               if k[0] == cluster}))
    return network


def checked_network_files(objects: list[KubeObject], placed: list[tuple[str, PodTemplate]],
                          directories: dict[tuple[str, str], str],
                          parts: ClusterParts | None, *, checked: bool) -> dict[str, bytes]:
    """:func:`network_files` of objects that validation beside it holds to their schemas
    (when ``checked``): the engine takes them as they are, unless it cannot read one, which
    is then refused as audit refuses it."""
    try:
        return network_files(objects, placed, directories, parts, well_formed=checked)
    except Exception:
        if not checked:
            raise
        return network_files(objects, placed, directories, parts)


def _memo_key(fingerprint: str, blueprints: Sequence[Blueprint],
              declared_by: list[list[PodTemplate]], digests: list[list[bytes]], *,
              ignore: Sequence[str], argocd: ArgoCdConfig | None, docs: bool,
              parts: ClusterParts | None, node_ports: tuple[int, int]) -> str:
    """A key of everything validation, the files and NETWORK.md depend on: ``fingerprint``
    (the code among it), the arguments, each blueprint's target, user-written constructs and
    declared workloads (which render no object, yet place identity files, flows and
    findings), and the :func:`_digest` of each half of its objects (Argo CD's follow from
    them and ``argocd``)."""
    key = Key()
    key.add(fingerprint, sorted(ignore), argocd, docs, parts, node_ports)
    for bp, workloads, halves in zip(blueprints, declared_by, digests, strict=True):
        key.add(bp.name, bp.target.model_dump_json(), sorted(_user_paths(bp)), workloads,
                *halves)
    return key.hexdigest()


def _digests(halves: list[Halves]) -> list[list[bytes]]:
    return [[_digest(half) for half in hs] for hs in halves]


def _rendered_half(blueprints: Sequence[Blueprint], half: int) -> list[list[KubeObject]] | None:
    """Each blueprint's objects of ``half`` (0 or 1); None when one fails to render."""
    try:
        return [render_halves(bp, (half,))[0] for bp in blueprints]
    except Exception:
        return None


def _second_digests(blueprints: Sequence[Blueprint]) -> list[bytes] | None:
    """The :func:`_digest` of the second half of each blueprint's objects; None when one
    fails to render."""
    seconds = _rendered_half(blueprints, 1)
    return None if seconds is None else [_digest(second) for second in seconds]


def _digest(objects: list[KubeObject]) -> bytes:
    """A sha256 of each object's provenance (what made it, where the blueprint made that or
    the file and line it was read from), its cluster and its content: bytes that only equal
    data gives (keys in another order only miss the memo), marshal's version 2 (which writes
    no references to shared values), else the repr."""
    data = [(ro.origin, ro.blueprint, ro.file, ro.line, ro.site,
             ro.target.cluster if ro.target is not None else None, ro.obj) for ro in objects]
    try:
        content = marshal.dumps(data, 2)
    except ValueError:  # a value marshal does not write, as a date a YAML file gave
        content = repr(data).encode()
    return hashlib.sha256(content).digest()


def _authored_by_user(blueprint: Blueprint) -> Callable[[KubeObject], bool]:
    """Whether an object came from a Manifest or Include: the renderers' own output is held to
    the CRDs' CEL rules by netkit's test suite, so synth evaluates CEL only for objects a user
    wrote (``netkit validate`` evaluates it for every object)."""
    paths = _user_paths(blueprint)
    return lambda obj: obj.origin in paths


def _user_paths(blueprint: Blueprint) -> set[str]:
    return {c.display_path for c in blueprint.node.walk() if isinstance(c, Manifest | Include)}


def namespace_directories(paths: Iterable[str]) -> dict[tuple[str, str], str]:
    """(cluster, namespace) → ``cluster/namespace`` for every namespace directory of the files
    ``paths``."""
    out = {}
    for path in paths:
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
                       argocd: bool | None = None, out: Path | None = None,
                       plan_ahead: bool = False) -> Synthesis:
    """Synthesize blueprint ``files`` as the project is configured; ``argocd`` turns Argo CD
    output on or off (default: on when ``[tool.netkit.argocd]`` exists). With ``out``, the
    output directory's memo is reused when nothing it depends on changed, and the result
    carries the memo to keep. ``plan_ahead`` (for a write that checks or dry-runs) compares
    ``out`` with the memo's files in a forked child while the blueprints run."""
    before = _Before(cfg, out, plan_ahead=plan_ahead) if out is not None else None
    try:
        with collector.paused():
            blueprints = load_blueprints(files, env or cfg.env,
                                         overrides={**cfg.target, **(overrides or {})})
            if argocd and cfg.argocd is None:
                raise ConfigError("--argocd", "no [tool.netkit.argocd] table",
                                  hint='add [tool.netkit.argocd] with repo_url = "https://..."')
            # Taken before the CRDs validation uses are read.
            fingerprint = before.fingerprint() if before is not None else None
            synthesis = synthesize(blueprints, crds=cfg.crd_registry(), ignore=cfg.ignore,
                                   argocd=cfg.argocd if argocd is not False else None,
                                   node_ports=cfg.node_ports, parts=cfg.implied.parts(),
                                   fingerprint=fingerprint,
                                   memo=before.memo if before is not None else None,
                                   parallel=True)
            if before is not None:
                synthesis.planned = before.plan(synthesis)
            return synthesis
    finally:
        if before is not None:
            before.cancel()


class _Before:
    """What synth knows of output directory ``out`` before the blueprints run: its memo, and
    the project's fingerprint (of the modules loaded and the ``sys.path`` of before they ran),
    taken in a forked child while they run when the memo's project is large; with
    ``plan_ahead``, the plan of a write of the memo's files, made in another."""

    def __init__(self, cfg: NetkitConfig, out: Path, *, plan_ahead: bool) -> None:
        self.memo = read_memo(out)
        digests = self.memo.digests if self.memo is not None else {}
        large = len(digests) >= PARALLEL_OBJECTS  # as the last synth found: else forking costs
        self._code = Job(partial(_project_fingerprint, cfg, loaded_modules()), fork=large)
        if not self._code.forked:
            self._code.result()  # here and now, before any blueprint runs
        self._ahead = Job(partial(_look_ahead, out, digests), fork=True) \
            if plan_ahead and large else None

    def fingerprint(self) -> str | None:
        """The project's fingerprint (see :func:`_project_fingerprint`)."""
        return self._code.result()

    def plan(self, synthesis: Synthesis) -> writer.Plan | None:
        """The plan made ahead, when ``synthesis`` reused the memo it was made for."""
        if self._ahead is None or self.memo is None \
                or synthesis.known_digests is not self.memo.digests:
            return None
        made = self._ahead.result()
        if made.plan is None:
            return None
        digests = self.memo.digests
        return replace(made.plan, digests=digests,
                       lock=Lock(dict(digests)) if made.lock_is_digests else made.plan.lock)

    def cancel(self) -> None:
        """Stop the children still running."""
        self._code.cancel()
        if self._ahead is not None:
            self._ahead.cancel()


@dataclass
class _Ahead:
    """The plan of a write of a memo's files, made while the blueprints run (None when the
    directory cannot be planned: the write plans again, and reports why in its turn). It is
    sent without what the memo has: its digests, and its lock when that records just them."""

    plan: writer.Plan | None
    lock_is_digests: bool = False


def _look_ahead(out: Path, digests: dict[str, str]) -> _Ahead:
    """The :class:`_Ahead` of output directory ``out``, whose memo has ``digests``."""
    try:
        plan = _digest_plan(out, digests)
    except Exception:  # the write plans again, and reports it in turn
        return _Ahead(None)
    if plan.lock != Lock(digests):
        return _Ahead(plan)
    plan.lock = Lock({})
    return _Ahead(plan, lock_is_digests=True)


def _digest_plan(out: Path, digests: dict[str, str]) -> writer.Plan:
    """The plan of a write of files of these ``digests`` (path → sha256) into ``out``, without
    what the caller has (the digests) or a plan of digests never needs (the files' statuses
    and the owned files' digests, which only a write uses): it is sent back from a child."""
    planned = writer.plan(out, digests=digests, seen=read_seen(seen_path(out)))
    planned.digests, planned.statuses, planned.current = None, {}, {}
    vars(planned).pop("new_lock", None)
    return planned


def _project_fingerprint(cfg: NetkitConfig, modules: list[tuple[str, str]]) -> str | None:
    """The code (``modules``, taken before any blueprint runs, so the same modules are loaded
    every time), the Gateway API channel and the content of the project's CRD files; None
    when those cannot be read (loading the CRDs then reports why, in its turn)."""
    key = Key()
    key.add(code_fingerprint(modules), cfg.gateway_api_channel)
    try:
        for raw in cfg.crds:
            for file in yaml_files(cfg.path(raw)):
                key.add(str(file), read_text(file))
    except NetkitError:
        return None
    return key.hexdigest()


def write(synthesis: Synthesis, out: Path, *, check: bool = False, dry_run: bool = False,
          force: bool = False) -> writer.Plan:
    """Plan the write; apply it (holding the directory's lock) unless checking or dry-running
    (which compare digests only); ``force`` overwrites owned files edited by hand. Errors
    write nothing, and are reported before any problem of the output directory."""
    try:
        planned = _write(synthesis, out, check=check or dry_run, force=force)
    except NetkitError:
        _fail_on_errors(synthesis)
        raise
    _fail_on_errors(synthesis)
    return planned


def _write(synthesis: Synthesis, out: Path, *, check: bool, force: bool) -> writer.Plan:
    """:func:`write`'s plan (only compared when ``check``), the files staged before waiting
    for validation."""
    if check and synthesis.planned is not None and not force and synthesis.planned.out == out:
        return synthesis.planned
    seen = read_seen(seen_path(out))
    if check:
        return writer.plan(out, force=force, digests=synthesis.digests, seen=seen)
    noted: list[bytes] = []  # the record of the files as written, made while validation ends

    def ready(staged: writer.Plan) -> None:
        record = {rel: (st, staged.new_lock[rel]) for rel, st in staged.statuses.items()}
        if seen is None or record != seen.files:
            noted.append(encode_seen(record))
        _fail_on_errors(synthesis)

    # What is written is hashed from the files themselves, unless they were just hashed here:
    # a reused memo's digests only ever stand for files not made.
    applied = writer.write(out, synthesis.files, force=force, seen=seen,
                           digests=synthesis.made_digests, ready=ready)
    if noted:
        write_seen(seen_path(out), noted[0])
    if synthesis.memo is not None:
        write_memo(out, synthesis.memo)
    return applied


def stream(synthesis: Synthesis) -> str:
    """Every synthesized object as one multi-document YAML stream, in the order of their
    files' paths (the GitOps tree's order); validation errors raise and yield nothing."""
    from netkit.serialize import dump_all

    _fail_on_errors(synthesis)
    return dump_all(ro.obj for ro in sorted(synthesis.objects, key=object_path))


def _fail_on_errors(synthesis: Synthesis) -> None:
    if synthesis.errors:
        first = synthesis.errors[0]
        raise CheckFailed(first.where, f"{len(synthesis.errors)} validation error(s), nothing "
                          f"written; first: {first.object}: {first.field or ''} [{first.rule}] "
                          f"{first.message}", hint=first.hint or "fix the blueprint")
