"""The GitOps writer against hostile or unlucky output directories: concurrent runs, planted
symbolic links, a tampered lock, killed runs, long and odd names, and I/O failures."""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from netkit import KubeObject, NetkitError, load_blueprints
from netkit import synth as lib
from netkit.cli import app
from netkit.errors import ConfigError, InvalidNameError, OutputError, OwnershipError
from netkit.gitops import writer
from netkit.gitops.layout import by_path, file_name
from netkit.gitops.lock import LOCK_PATH, NAME_MAX, Lock, lock_bytes, read_lock, sha256
from tests.conftest import ROOT

SHOP = str(ROOT / "blueprints" / "shop.py")
NETKIT = [sys.executable, "-m", "netkit.cli"]
HELPER = str(Path(__file__).with_name("write_and_announce.py"))
runner = CliRunner()

# env is "<namespace prefix>-<namespaces>-<first port>": 25 objects per namespace.
BIG = """
from netkit import Blueprint, Target
from netkit.constructs import Service, ZeroTrustNamespace

def build(env):
    prefix, count, port = env.rsplit("-", 2)
    bp = Blueprint("big", target=Target(cni="calico"))
    for i in range(int(count)):
        ns = ZeroTrustNamespace(bp, f"{prefix}-{i}")
        previous = None
        for j in range(8):
            w = ns.workload(f"svc-{j}", labels={"app": f"svc-{j}"}, ports={"http": int(port) + j})
            Service(ns, f"svc-{j}", workload=w, port=80, target_port="http")
            if previous is not None:
                ns.allow(previous, to=w, port="http")
            previous = w
    return bp
"""

MANIFEST = """
from netkit import Blueprint, Manifest

def build(env):
    bp = Blueprint("odd")
    Manifest(bp, "thing", {{"apiVersion": "v1", "kind": {kind!r},
                           "metadata": {{"name": {name!r}, "namespace": "demo"}}}})
    return bp
"""


def tree(out: Path) -> dict[str, bytes]:
    """Every file under ``out`` outside .netkit/, relative path → bytes."""
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and p.relative_to(out).parts[0] != ".netkit"}


def snapshot(out: Path) -> tuple[list[str], dict[str, bytes]]:
    """Every directory and file under ``out``, .netkit/ included."""
    entries = sorted(out.rglob("*"))
    return ([p.relative_to(out).as_posix() for p in entries if p.is_dir()],
            {p.relative_to(out).as_posix(): p.read_bytes() for p in entries if p.is_file()})


def one_error_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.startswith("error:")]
    assert len(lines) == 1 and "Traceback" not in stderr, stderr
    return lines[0]


def small(**named: str) -> dict[str, bytes]:
    return {f"c/ns/{name}.yaml": text.encode() for name, text in named.items()}


# 1. One run at a time per output directory.

def test_two_synths_into_one_directory_take_turns(tmp_path: Path) -> None:
    bp = tmp_path / "big.py"
    bp.write_text(BIG)
    out = tmp_path / "out"
    envs = ["x-30-8000", "y-30-8000"]  # disjoint namespaces: each run prunes the other's
    procs = [subprocess.Popen([*NETKIT, "synth", str(bp), "--out", str(out), "--env", env],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE) for env in envs]
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err.decode()
    expected = {env: lib.synthesize(load_blueprints(bp, env)).files for env in envs}
    lock = read_lock(out)
    assert not lock.pending
    assert {rel: sha256(data) for rel, data in tree(out).items()} == lock.files
    assert os.listdir(out / ".netkit") == ["lock.json"]
    in_sync = [env for env in envs if tree(out) == expected[env]]
    assert len(in_sync) == 1  # the tree is exactly what the later run wrote
    for env in envs:
        assert writer.plan(out, expected[env]).changed == (env not in in_sync)


def test_a_second_run_waits_then_fails_in_one_line(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with writer.exclusive(out):  # flock conflicts between two opens, even in one process
        result = runner.invoke(app, ["synth", SHOP, "--out", str(out)],
                               env={"NETKIT_LOCK_TIMEOUT": "0.3"})
    assert result.exit_code == 2
    line = one_error_line(result.stderr)
    assert line.startswith(f"error: {out}: another netkit synth is writing this directory")
    assert "NETKIT_LOCK_TIMEOUT" in line
    assert not out.exists()  # an output directory the lock made is gone with it
    assert runner.invoke(app, ["synth", SHOP, "--out", str(out)]).exit_code == 0
    assert os.listdir(out / ".netkit") == ["lock.json"]  # the lock is released and gone


@pytest.mark.parametrize("value", ["soon", "-1", "nan"])
def test_lock_timeout_must_be_seconds(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("NETKIT_LOCK_TIMEOUT", value)
    with pytest.raises(ConfigError, match="NETKIT_LOCK_TIMEOUT"):
        writer.lock_timeout()


# 2. Never write through a symbolic link under --out.

def test_planted_lock_temp_link_is_not_followed(tmp_path: Path) -> None:
    out, victim = tmp_path / "out", tmp_path / "victim.txt"
    writer.write(out, small(a="a\n"))
    victim.write_text("precious\n")
    os.symlink(victim, out / ".netkit" / f".lock.{os.getpid()}.tmp")
    writer.write(out, small(a="a2\n"))
    assert victim.read_text() == "precious\n"
    assert not (out / LOCK_PATH).is_symlink()
    assert read_lock(out).files == {"c/ns/a.yaml": sha256(b"a2\n")}


@pytest.mark.parametrize("check", [False, True])
def test_symlinked_netkit_directory_is_refused(tmp_path: Path, check: bool) -> None:
    out, elsewhere = tmp_path / "out", tmp_path / "elsewhere"
    out.mkdir()
    elsewhere.mkdir()
    os.symlink(elsewhere, out / ".netkit")
    result = runner.invoke(app, ["synth", SHOP, "--out", str(out), *(["--check"] * check)])
    assert result.exit_code == 2
    assert one_error_line(result.stderr).startswith(f"error: {out / '.netkit'}: is a symbolic")
    assert os.listdir(elsewhere) == [] and os.listdir(out) == [".netkit"]


def test_symlinked_output_subdirectory_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / "default/other").mkdir(parents=True)
    os.symlink("other", out / "default/shop")
    result = runner.invoke(app, ["synth", SHOP, "--out", str(out)])
    assert result.exit_code == 2
    assert one_error_line(result.stderr).startswith(
        f"error: {out / 'default/shop'}: is a symbolic link")
    assert os.listdir(out / "default/other") == [] and not (out / ".netkit").exists()


def test_symlinked_lock_file_is_refused(tmp_path: Path) -> None:
    out, elsewhere = tmp_path / "out", tmp_path / "lock.json"
    (out / ".netkit").mkdir(parents=True)
    elsewhere.write_text(json.dumps({"files": {}}))
    os.symlink(elsewhere, out / LOCK_PATH)
    with pytest.raises(OwnershipError, match="unreadable lock file"):
        writer.write(out, small(a="a\n"))
    assert not (out / "c").exists()


def test_planted_link_at_an_owned_path_is_replaced_not_followed(tmp_path: Path) -> None:
    out, victim = tmp_path / "out", tmp_path / "victim.txt"
    writer.write(out, small(a="a\n"))
    victim.write_text("precious\n")
    (out / "c/ns/a.yaml").unlink()
    os.symlink(victim, out / "c/ns/a.yaml")
    with pytest.raises(OwnershipError, match="changed after netkit wrote it"):
        writer.write(out, small(a="a2\n"))
    writer.write(out, small(a="a2\n"), force=True)
    assert victim.read_text() == "precious\n"
    assert (out / "c/ns/a.yaml").read_text() == "a2\n" and not (out / "c/ns/a.yaml").is_symlink()


# 3. The lock is checked, not trusted.

def test_hand_added_lock_entry_never_deletes_a_user_file(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert runner.invoke(app, ["synth", SHOP, "--out", str(out)]).exit_code == 0
    mine = out / "default/shop/mine.yaml"
    mine.write_text("my own file\n")
    lock = json.loads((out / LOCK_PATH).read_text())
    lock["files"]["default/shop/mine.yaml"] = sha256(b"whatever netkit wrote\n")
    (out / LOCK_PATH).write_text(json.dumps(lock))
    result = runner.invoke(app, ["synth", SHOP, "--out", str(out)])
    assert result.exit_code == 2
    line = one_error_line(result.stderr)
    assert line.startswith(f"error: {mine}: was changed after netkit wrote it")
    assert "--force" in line and mine.read_text() == "my own file\n"
    forced = runner.invoke(app, ["synth", SHOP, "--out", str(out), "--force"])
    assert forced.exit_code == 0, forced.output
    assert mine.read_text() == "my own file\n"
    assert "default/shop/mine.yaml" not in read_lock(out).files
    assert runner.invoke(app, ["synth", SHOP, "--out", str(out), "--check"]).exit_code == 0


def test_edited_file_needs_force_and_check_reports_it(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert runner.invoke(app, ["synth", SHOP, "--out", str(out)]).exit_code == 0
    web = out / "default/shop/service-web.yaml"
    web.write_text("edited\n")
    result = runner.invoke(app, ["synth", SHOP, "--out", str(out)])
    assert result.exit_code == 2 and web.read_text() == "edited\n"
    assert one_error_line(result.stderr).startswith(f"error: {web}: was changed after netkit")
    check = runner.invoke(app, ["synth", SHOP, "--out", str(out), "--check"])
    assert check.exit_code == 1
    assert "update default/shop/service-web.yaml (edited by hand)" in check.stdout
    assert runner.invoke(app, ["synth", SHOP, "--out", str(out), "--force"]).exit_code == 0
    assert web.read_text().startswith("apiVersion: v1\n")


def test_edited_stale_file_is_disowned_never_deleted(tmp_path: Path) -> None:
    out = tmp_path / "out"
    writer.write(out, small(a="a\n", b="b\n"))
    (out / "c/ns/b.yaml").write_text("mine now\n")
    with pytest.raises(OwnershipError, match=r"b\.yaml: was changed"):
        writer.write(out, small(a="a\n"))
    p = writer.write(out, small(a="a\n"), force=True)
    assert p.lines() == ["disown c/ns/b.yaml (edited by hand)"]
    assert (out / "c/ns/b.yaml").read_text() == "mine now\n"
    assert read_lock(out).files == {"c/ns/a.yaml": sha256(b"a\n")}


@pytest.mark.parametrize(("entry", "digest", "problem"), [
    ("./c/ns/a.yaml", "ok", "not a normalized relative path"),
    ("c//ns/a.yaml", "ok", "not a normalized relative path"),
    ("c/ns/", "ok", "not a normalized relative path"),
    ("", "ok", "not a normalized relative path"),
    ("c/ns/../../../x", "ok", "escapes the output directory"),
    ("/etc/passwd", "ok", "escapes the output directory"),
    (LOCK_PATH, "ok", "inside .netkit/"),
    (".netkit/synth.lock", "ok", "inside .netkit/"),
    ("c/" + "x" * 256, "ok", "longer than 255 bytes"),
    ("c/ns/a.yaml", "0", "has no sha256"),
])
def test_malformed_lock_entries_are_refused(tmp_path: Path, entry: str, digest: str,
                                            problem: str) -> None:
    out = tmp_path / "out"
    writer.write(out, small(a="a\n"))
    lock = json.loads((out / LOCK_PATH).read_text())
    lock["files"][entry] = sha256(b"a\n") if digest == "ok" else digest
    (out / LOCK_PATH).write_text(json.dumps(lock))
    before = snapshot(out)
    with pytest.raises(OwnershipError, match=problem) as info:
        writer.write(out, {})
    assert info.value.where == str(out / LOCK_PATH) and repr(entry) in info.value.message
    assert snapshot(out) == before


NAMES = ["a", "b", "c", "d"]


@settings(max_examples=40, deadline=None)
@given(claims=st.dictionaries(st.sampled_from(NAMES), st.sampled_from(["right", "wrong"])),
       present=st.sets(st.sampled_from(NAMES)), keep=st.sets(st.sampled_from(NAMES)),
       force=st.booleans())
def test_only_files_the_lock_accounts_for_are_ever_deleted(
        claims: dict[str, str], present: set[str], keep: set[str], force: bool) -> None:
    with tempfile.TemporaryDirectory() as name:
        out = Path(name)
        user = {f"c/ns/{n}.yaml": f"user {n}\n".encode() for n in sorted(present)}
        (out / "c/ns").mkdir(parents=True)
        for rel, data in user.items():
            (out / rel).write_bytes(data)
        (out / ".netkit").mkdir()
        (out / LOCK_PATH).write_bytes(lock_bytes(Lock({
            f"c/ns/{n}.yaml": sha256(f"user {n}\n".encode() if how == "right" else b"?")
            for n, how in claims.items()})))
        before = snapshot(out)
        try:
            writer.write(out, small(**{n: "netkit\n" for n in keep}), force=force)
        except NetkitError:
            assert snapshot(out) == before  # an error changes nothing
            return
        after = tree(out)
        for rel, data in user.items():
            n = rel.split("/")[-1].removesuffix(".yaml")
            if claims.get(n) == "right":
                continue  # netkit's own file: may be updated or pruned
            overwritten = force and n in keep and n in claims
            assert after.get(rel) == (b"netkit\n" if overwritten else data), rel


# 4. A killed run is repaired by the next one.

@pytest.fixture
def scratch(tmp_path: Path) -> Iterator[Path]:
    """A scratch directory, on tmpfs when there is one: ten times faster than a disk here,
    and a killed process leaves the same files behind on any filesystem."""
    shm = Path("/dev/shm")
    if not (shm.is_dir() and os.access(shm, os.W_OK)):
        yield tmp_path
        return
    with tempfile.TemporaryDirectory(dir=shm, prefix="netkit-test-") as name:
        yield Path(name)


def test_killed_writes_are_repaired_by_the_next_run(tmp_path: Path, scratch: Path) -> None:
    rng = random.Random(20260611)
    bp = tmp_path / "big.py"
    bp.write_text(BIG)
    # a → b updates most files, → c prunes 20 namespaces, c → a or b creates them again.
    variants = {"a": "team-60-8000", "b": "team-60-9000", "c": "team-40-8000"}
    expected = {}
    for key, env in variants.items():
        files = lib.synthesize(load_blueprints(bp, env)).files
        (tmp_path / f"{key}.json").write_text(json.dumps({p: d.decode() for p, d in
                                                           files.items()}))
        writer.write(scratch / f"clean-{key}", files)
        expected[key] = (files, snapshot(scratch / f"clean-{key}"))
    out = scratch / "out"
    outcomes: Counter[str] = Counter()
    state = ""  # the variant the tree holds; empty when it is a mix
    trials = 20
    for trial in range(trials):
        killed = rng.choice([key for key in "abc" if key != state])  # a run with work to do
        files = expected[killed][0]
        before = _inode(out / LOCK_PATH)
        source = tmp_path / f"{killed}.json"
        proc = subprocess.Popen([sys.executable, HELPER, str(out), str(source)],
                                stdout=subprocess.PIPE)
        assert proc.stdout is not None and proc.stdout.readline() == b"writing\n"
        if trial % 2:  # anywhere in the run
            time.sleep(rng.uniform(0.0, 0.2))
        else:  # once it has recorded what it is about to write
            while proc.poll() is None and _inode(out / LOCK_PATH) == before:
                time.sleep(0.0005)
            time.sleep(rng.uniform(0.0, 0.01))
        proc.kill()
        proc.wait()
        outcome = _outcome(out, proc.returncode, files)
        outcomes[outcome] += 1
        in_sync = tree(out) == files and read_lock(out) == Lock({p: sha256(d) for p, d in
                                                                 files.items()})
        assert writer.plan(out, files).changed is not in_sync  # --check tells the truth
        if rng.random() < 0.3 and trial < trials - 1:  # kill the next run first, too
            state = killed if in_sync else state if outcome.endswith("before the write") else ""
            continue
        state = repair = rng.choice("abc")
        writer.write(out, expected[repair][0])
        assert snapshot(out) == expected[repair][1]
        assert not writer.plan(out, expected[repair][0]).changed
    print(f"kill -9 outcomes over {sum(outcomes.values())} trials: {dict(outcomes)}")
    assert outcomes["killed mid-write"] >= 3  # the kills do reach into the write


def _inode(path: Path) -> int | None:
    try:
        return path.stat().st_ino
    except FileNotFoundError:
        return None


def _outcome(out: Path, returncode: int, files: dict[str, bytes]) -> str:
    if returncode == 0:
        return "finished"
    lock = read_lock(out)
    if lock.pending:
        return "killed mid-write"
    done = lock == Lock({path: sha256(data) for path, data in files.items()})
    return "killed after the write" if done else "killed before the write"


# 5. Long and odd names.

def test_longest_valid_name_is_synthesized(tmp_path: Path,
                                           write_blueprint: Callable[..., Path]) -> None:
    bp = write_blueprint(MANIFEST.format(kind="ConfigMap", name="a" * 253))
    out = tmp_path / "out"
    result = runner.invoke(app, ["synth", str(bp), "--out", str(out)])
    assert result.exit_code == 0, result.output
    written = [p for p in (out / "default/demo").iterdir() if p.name.startswith("configmap-")]
    assert len(written) == 1 and len(written[0].name.encode()) == NAME_MAX
    assert written[0].name == file_name("ConfigMap", "a" * 253)
    assert f"default/demo/{written[0].name}" in read_lock(out).files
    assert f"- {written[0].name}" in (out / "default/demo/kustomization.yaml").read_text()
    assert runner.invoke(app, ["synth", str(bp), "--out", str(out), "--check"]).exit_code == 0


@given(kind=st.from_regex(r"[A-Za-z][A-Za-z0-9]{0,62}", fullmatch=True),
       names=st.lists(st.integers(1, 253).flatmap(lambda n: st.text("ab0.-", min_size=n,
                                                                     max_size=n)),
                      min_size=2, max_size=2))
def test_file_names_fit_and_stay_readable(kind: str, names: list[str]) -> None:
    made = [file_name(kind, name) for name in names]
    for name, made_name in zip(names, made, strict=True):
        full = f"{kind.lower()}-{name}.yaml"
        assert made_name == full if len(full) <= NAME_MAX else len(made_name) == NAME_MAX
        assert made_name.endswith(".yaml") and file_name(kind, name) == made_name
    assert (made[0] == made[1]) == (names[0] == names[1])


@pytest.mark.parametrize("kind", ["K" * 300, "Foo/Bar", "Foo\0Bar", "Foo\nBar", "..", "-Foo",
                                  "Foo.Bar", "Kärt"])
def test_invalid_kinds_are_one_line_errors(tmp_path: Path, write_blueprint: Callable[..., Path],
                                           kind: str) -> None:
    bp = write_blueprint(MANIFEST.format(kind=kind, name="x"))
    out = tmp_path / "out"
    result = runner.invoke(app, ["synth", str(bp), "--out", str(out)])
    assert result.exit_code == 2, result.output
    assert one_error_line(result.stderr).startswith("error: thing: kind: kind ")
    assert not out.exists()


def test_layout_refuses_a_kind_that_would_make_a_path() -> None:
    obj = {"apiVersion": "v1", "kind": "a/b", "metadata": {"name": "x", "namespace": "n"}}
    with pytest.raises(InvalidNameError, match="kind 'a/b' is invalid"):
        by_path([KubeObject(obj, origin="bp/x")])


# 6. I/O failures are one-line errors that leave nothing behind.

def test_file_where_a_directory_is_needed(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "default").write_text("not a directory\n")
    result = runner.invoke(app, ["synth", SHOP, "--out", str(out)])
    assert result.exit_code == 2
    assert one_error_line(result.stderr).startswith(
        f"error: {out / 'default'}: is a file where netkit needs a directory")
    assert sorted(os.listdir(out)) == ["default"]


def _in_private_mount(script: str, tmp_path: Path) -> str:
    """Run ``script`` (sh) in a private mount namespace, so tmpfs mounts vanish with it."""
    unshare = shutil.which("unshare")
    probe = [unshare, "--mount", "--map-root-user", "sh", "-c",
             f"mount -t tmpfs -o size=64k tmpfs {tmp_path}"] if unshare else []
    if not probe or subprocess.run(probe, capture_output=True, check=False).returncode:
        pytest.skip("needs `unshare --mount --map-root-user` and tmpfs mounts (user namespaces)")
    assert unshare is not None
    env = {**os.environ, "PY": sys.executable, "SHOP": SHOP}
    return subprocess.run([unshare, "--mount", "--map-root-user", "sh", "-eu", "-c", script],
                          capture_output=True, text=True, check=True, cwd=tmp_path,
                          env=env).stdout


def _listing(out: Path) -> str:
    return f'{{ find "{out}" -type f -exec sha256sum {{}} + | sort; find "{out}" -type d | sort; }}'


def test_full_disk_is_a_one_line_error_and_leaves_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    report = _in_private_mount(f"""
        mount -t tmpfs -o size=64k tmpfs "{out}"
        "$PY" -m netkit.cli synth "$SHOP" --out "{out}" 2>"{tmp_path}/err" && echo "rc=0" \
            || echo "rc=$?"
        {_listing(out)}
    """, tmp_path)
    assert report.splitlines() == ["rc=2", str(out)]
    line = one_error_line((tmp_path / "err").read_text())
    assert line.startswith(f"error: {out}/default/") and ": No space left on device" in line


def test_read_only_output_directory_is_a_one_line_error(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    report = _in_private_mount(f"""
        mount -t tmpfs -o size=8m tmpfs "{out}"
        "$PY" -m netkit.cli synth "$SHOP" --out "{out}" >/dev/null 2>&1
        {_listing(out)} > "{tmp_path}/before"
        mount -o remount,ro "{out}"
        "$PY" -m netkit.cli synth "$SHOP" --out "{out}" --env staging 2>"{tmp_path}/err" \
            && echo "rc=0" || echo "rc=$?"
        {_listing(out)} > "{tmp_path}/after"
    """, tmp_path)
    assert report.strip() == "rc=2"
    line = one_error_line((tmp_path / "err").read_text())
    assert line.startswith(f"error: {out}/.netkit/") and ": Read-only file system" in line
    assert (tmp_path / "before").read_text() == (tmp_path / "after").read_text()


def test_failure_while_moving_files_in_is_repaired(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    writer.write(out, small(a="a\n", b="b\n"))
    real_replace, moves = os.replace, []

    def full_after_one(src: str | Path, dst: str | Path) -> None:
        if str(dst).endswith(".yaml"):
            moves.append(dst)
            if len(moves) > 1:
                raise OSError(28, "No space left on device")
        real_replace(src, dst)

    monkeypatch.setattr(writer.os, "replace", full_after_one)
    with pytest.raises(OutputError, match="No space left on device"):
        writer.write(out, small(a="a2\n", b="b2\n", c="c\n"))
    monkeypatch.setattr(writer.os, "replace", real_replace)
    assert not list((out / ".netkit").glob("staging-*")) and read_lock(out).pending
    writer.write(out, small(a="a2\n", b="b2\n", c="c\n"))
    assert tree(out) == small(a="a2\n", b="b2\n", c="c\n")
    assert os.listdir(out / ".netkit") == ["lock.json"]


@given(st.dictionaries(st.text(), st.text(), max_size=5),
       st.dictionaries(st.text(), st.text(), max_size=3))
@settings(max_examples=200, deadline=None)
def test_the_lock_file_is_json_indented_by_two_with_sorted_paths(
        files: dict[str, str], pending: dict[str, str]) -> None:
    body: dict[str, object] = {"version": 1, "generator": "netkit",
                               "files": dict(sorted(files.items()))}
    if pending:
        body["pending"] = dict(sorted(pending.items()))
    assert lock_bytes(Lock(files, pending)) == (json.dumps(body, indent=2) + "\n").encode()
