"""The synth memo is reused only when every input it depends on is unchanged, and then gives
exactly what computing again gives."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from netkit import Blueprint, Finding, KubeObject, Target, load_blueprints, synth
from netkit.config import NetkitConfig
from netkit.constructs import Namespace, ZeroTrustNamespace
from netkit.errors import CapabilityError
from netkit.gitops.memo import Memo, memo_path, read_memo, write_memo
from netkit.render.engine import render_halves

ROOT = Path(__file__).resolve().parent.parent
SHOP = ROOT / "blueprints" / "shop.py"
POISON = Finding("NK106", "from the memo", object="Service/shop/web")


def poisoned(memo: Memo) -> Memo:
    """``memo`` with a finding and a NETWORK.md text that computing never gives."""
    docs = {path: "from the memo\n" for path in memo.docs}
    return replace(memo, findings=[[*group, POISON] for group in memo.findings], docs=docs)


@pytest.fixture(params=[True, False], ids=["forks", "one core"])
def large(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> bool:
    """Synth works as for a large input: in forked children, or (on one core) here."""
    monkeypatch.setattr(synth, "PARALLEL_OBJECTS", 1)
    if not request.param:
        monkeypatch.setattr(os, "cpu_count", lambda: 1)
    return bool(request.param)


def shop(env: str = "prod") -> synth.Synthesis:
    return synth.synthesize(load_blueprints(SHOP, env), fingerprint="code")


def test_a_memo_with_the_same_key_gives_what_computing_gives() -> None:
    first = shop()
    assert first.memo is not None and first.memo.docs
    again = synth.synthesize(load_blueprints(SHOP, "prod"), fingerprint="code", memo=first.memo)
    assert again.memo is None  # nothing new to keep
    assert again.files == first.files and again.findings == first.findings


def test_a_matching_memo_is_used() -> None:
    first = shop()
    assert first.memo is not None
    reused = synth.synthesize(load_blueprints(SHOP, "prod"), fingerprint="code",
                              memo=poisoned(first.memo))
    assert POISON in reused.findings
    docs = [path for path in reused.files if path.endswith("NETWORK.md")]
    assert docs and all(reused.files[path] == b"from the memo\n" for path in docs)


@pytest.mark.parametrize("change", ["objects", "code", "ignore", "docs"])
def test_any_changed_input_computes_again(change: str) -> None:
    first = shop()
    assert first.memo is not None
    memo = poisoned(first.memo)
    blueprints = load_blueprints(SHOP, "staging" if change == "objects" else "prod")
    again = synth.synthesize(blueprints, memo=memo,
                             fingerprint="new code" if change == "code" else "code",
                             ignore=["NK106"] if change == "ignore" else (),
                             docs=change != "docs")
    assert POISON not in again.findings
    assert b"from the memo\n" not in again.files.values()
    assert again.memo is not None and again.memo.key != first.memo.key


def test_a_large_memo_is_compared_by_halves_and_the_rest_rendered_when_asked_for(
        large: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    # A large memo: the second halves are rendered and hashed in a child (or here, on one
    # core), and nothing more is rendered when the memo holds.
    first = synth.synthesize(load_blueprints(SHOP, "prod"), fingerprint="code", parallel=True)
    assert first.memo is not None and first.memo.object_count == len(first.objects)
    halves: list[tuple[int, ...]] = []

    def noted(bp: Blueprint, which: tuple[int, ...] = (0, 1)) -> list[list[KubeObject]]:
        halves.append(which)
        return render_halves(bp, which)

    monkeypatch.setattr(synth, "render_halves", noted)
    reused = synth.synthesize(load_blueprints(SHOP, "prod"), fingerprint="code",
                              memo=poisoned(first.memo), parallel=True)
    assert POISON in reused.findings and reused.memo is None
    assert reused.object_count == len(first.objects)
    assert halves == [(0,)] + ([] if large else [(1,)])  # the child's render is not seen here
    assert reused.objects == first.objects and halves[-1] == (1,)
    assert reused.digests == first.digests
    changed = synth.synthesize(load_blueprints(SHOP, "staging"), fingerprint="code",
                               memo=poisoned(first.memo), parallel=True)
    assert POISON not in changed.findings and changed.memo is not None
    staging = synth.synthesize(load_blueprints(SHOP, "staging"), fingerprint="code")
    assert changed.files == staging.files and changed.findings == staging.findings


@pytest.mark.usefixtures("large")
def test_a_check_by_halves_raises_the_error_a_whole_render_meets_first() -> None:
    # a's error is in its second half, b's in its first: a whole render meets a's first.
    a = Blueprint("a", target=Target(cni="flannel", cluster="c1"))
    Namespace(a, "a1")
    ZeroTrustNamespace(a, "az")
    b = Blueprint("b", target=Target(cni="flannel", cluster="c2"))
    ZeroTrustNamespace(b, "bz")
    Namespace(b, "b1")
    Namespace(b, "b2")
    memo = Memo("another key", [], {}, {"path": "digest"})
    with pytest.raises(CapabilityError, match=r"^az: ZeroTrustNamespace needs NetworkPolicy"):
        synth.synthesize([a, b], fingerprint="code", memo=memo, parallel=True)


@pytest.mark.parametrize("parallel", [True, False])
def test_a_construct_made_on_another_line_computes_again(
        parallel: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Validation's findings say where the blueprint made the construct.
    monkeypatch.setattr(synth, "PARALLEL_OBJECTS", 1)
    bp = tmp_path / "shop.py"
    bp.write_text(SHOP.read_text())
    first = synth.synthesize(load_blueprints(bp), fingerprint="code", parallel=parallel)
    assert first.memo is not None
    line = {f.site[1] for f in first.findings if f.rule == "NK121" and f.site}
    bp.write_text("# a line above\n" + SHOP.read_text())
    again = synth.synthesize(load_blueprints(bp), fingerprint="code", memo=first.memo,
                             parallel=parallel)
    assert again.memo is not None and again.memo.key != first.memo.key
    assert {f.site[1] for f in again.findings if f.rule == "NK121" and f.site} == {
        n + 1 for n in line} != set()


def test_without_a_fingerprint_nothing_is_kept_or_reused() -> None:
    first = shop()
    assert first.memo is not None
    plain = synth.synthesize(load_blueprints(SHOP, "prod"), memo=poisoned(first.memo))
    assert plain.memo is None and POISON not in plain.findings


def test_memo_round_trips_and_a_broken_one_is_ignored(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NETKIT_CACHE_DIR", str(tmp_path / "cache"))
    memo = shop().memo
    assert memo is not None
    assert read_memo(tmp_path / "out") is None
    write_memo(tmp_path / "out", memo)
    assert read_memo(tmp_path / "out") == memo
    memo_path(tmp_path / "out").write_text('{"version": 1, "key": "k"}')
    assert read_memo(tmp_path / "out") is None
    memo_path(tmp_path / "out").write_bytes(b"\xff")
    assert read_memo(tmp_path / "out") is None


def test_check_reuses_what_synth_kept_until_an_input_changes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NETKIT_CACHE_DIR", str(tmp_path / "cache"))
    out = tmp_path / "out"

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "netkit.cli", "synth", str(SHOP), *args,
                               "--out", str(out)], capture_output=True, text=True, cwd=tmp_path)

    assert run().returncode == 0
    memo = read_memo(out)
    assert memo is not None
    extra = replace(POISON, message="seen only through the memo")
    write_memo(out, Memo(memo.key, [[*memo.findings[0], extra]], memo.docs))
    checked = run("--check")
    assert checked.returncode == 0, checked.stderr
    assert "seen only through the memo" in checked.stderr
    # A changed input (here the environment passed to build) is computed again.
    changed = run("--check", "--env", "staging")
    assert "seen only through the memo" not in changed.stderr
    assert changed.returncode == 1  # and the output is stale


def test_check_with_a_reused_memo_compares_digests_and_lays_out_nothing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = shop()
    out = tmp_path / "out"
    synth.write(first, out)
    again = synth.synthesize(load_blueprints(SHOP, "prod"), fingerprint="code", memo=first.memo)

    def no_layout(*args: object) -> None:
        raise AssertionError("laid out")

    monkeypatch.setattr(synth, "layout", no_layout)
    assert not synth.write(again, out, check=True).changed
    edited = next(path for path in first.files if path.endswith(".yaml"))
    (out / edited).write_text("edited: by hand\n")
    stale = synth.write(again, out, check=True)
    assert stale.changed and stale.edited == [edited]


def _two_clusters(holder: str) -> list[Blueprint]:
    """Blueprints a (cluster c1) and b (c2), the workload ``w`` declared in ``holder``."""
    out = []
    for name, cluster in (("a", "c1"), ("b", "c2")):
        bp = Blueprint(name, target=Target(cluster=cluster, cni="calico"))
        ns = ZeroTrustNamespace(bp, "apps")
        if name == holder:
            ns.workload("w", labels={"app": "w"}, ports={"http": 8080})
        out.append(bp)
    return out


def test_a_workload_moved_to_another_blueprint_computes_again(tmp_path: Path) -> None:
    # A declared workload renders no object, yet places identity files, flows and findings.
    first = synth.synthesize(_two_clusters("a"), fingerprint="code")
    assert first.memo is not None
    moved = synth.synthesize(_two_clusters("b"), fingerprint="code", memo=first.memo)
    assert moved.memo is not None and moved.memo.key != first.memo.key
    assert [p for p in moved.files if "/.netkit/" in p] == ["c2/apps/.netkit/workloads.yaml"]
    plan = synth.write(moved, tmp_path / "out")
    assert "c2/apps/.netkit/workloads.yaml" in plan.create


def test_a_plan_made_while_rendering_is_the_plan_made_after(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NETKIT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(synth, "PARALLEL_OBJECTS", 1)  # the shop forks as a large input does
    cfg = NetkitConfig(root=tmp_path)
    out = tmp_path / "out"

    def project(env: str = "prod") -> synth.Synthesis:
        return synth.synthesize_project(cfg, [str(SHOP)], env=env, out=out, plan_ahead=True)

    synth.write(synth.synthesize_project(cfg, [str(SHOP)], out=out), out)
    unchanged = project()
    assert unchanged.planned is not None
    assert not synth.write(unchanged, out, check=True).changed
    edited = next(path for path in unchanged.digests if path.endswith(".yaml"))
    (out / edited).write_text("edited: by hand\n")
    stale = project()
    plan = synth.write(stale, out, dry_run=True)
    assert plan is stale.planned and plan.changed and plan.edited == [edited]
    # The plan made ahead is of the memo's files: when the memo is not reused, none is taken.
    assert project("staging").planned is None


def _crd(path: Path, *, strict: bool) -> None:
    """A CRD for cert-manager's Certificate: any object, or (``strict``) one whose spec has a
    ``bogus`` field."""
    schema: dict[str, object] = {"type": "object", "x-kubernetes-preserve-unknown-fields": True}
    if strict:
        schema["required"] = ["spec"]
        schema["properties"] = {"spec": {"type": "object", "required": ["bogus"],
                                         "x-kubernetes-preserve-unknown-fields": True}}
    path.write_text(json.dumps({
        "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
        "metadata": {"name": "certificates.cert-manager.io"},
        "spec": {"group": "cert-manager.io", "scope": "Namespaced",
                 "names": {"kind": "Certificate", "plural": "certificates"},
                 "versions": [{"name": "v1", "served": True, "storage": True,
                               "schema": {"openAPIV3Schema": schema}}]}}))


@pytest.mark.usefixtures("large")
def test_the_memo_is_keyed_by_what_was_there_before_the_blueprints_ran(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A blueprint that puts a folder with a distribution on sys.path, and a CRD file edited
    # while synth renders: the memo's key is of what validation read, as a check takes it.
    monkeypatch.setenv("NETKIT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(synth, "loaded_modules", lambda: [])  # as each fresh process has them
    (tmp_path / "lib" / "extra-1.0.dist-info").mkdir(parents=True)
    bp = tmp_path / "bp.py"
    bp.write_text(f"import runpy, sys\nsys.path.append({str(tmp_path / 'lib')!r})\n"
                  f"build = runpy.run_path({str(SHOP)!r})['build']\n")
    (tmp_path / "crds").mkdir()
    crd = tmp_path / "crds" / "certificate.yaml"
    _crd(crd, strict=False)
    cfg = NetkitConfig(root=tmp_path, crds=["crds"])
    out, path, render = tmp_path / "out", list(sys.path), synth.render_halves

    def project(*, check: bool) -> synth.Synthesis:
        monkeypatch.setattr(sys, "path", list(path))
        return synth.synthesize_project(cfg, [str(bp)], out=out, plan_ahead=check)

    synth.write(project(check=False), out)
    assert project(check=True).known_digests is not None  # reused

    def edited_while_rendering(blueprint: Blueprint, halves: tuple[int, ...] = (0, 1)
                               ) -> object:
        _crd(crd, strict=True)
        return render(blueprint, halves)

    monkeypatch.setattr(synth, "render_halves", edited_while_rendering)
    synth.write(project(check=False), out, force=True)  # validated with the loose CRD
    monkeypatch.setattr(synth, "render_halves", render)
    checked = project(check=True)
    assert checked.known_digests is None  # computed again, with the strict CRD
    assert any(f.rule == "NK001" and f.field == "spec.bogus" for f in checked.errors)
