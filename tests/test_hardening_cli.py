"""Hostile and broken inputs at the command line: git refs and trees, `netkit init` values,
blueprints that exit, raise BaseExceptions or build cyclic objects, unwritable outputs and
closed pipes. Each ends in one `error:` line with the right exit code (or quietly, for a
closed pipe), and writes nothing it should not."""

from __future__ import annotations

import ast
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner, Result

from netkit import Blueprint, Manifest, load_blueprints
from netkit.cli import app
from netkit.constructs import TlsIngress
from netkit.constructs.manifest import plain
from netkit.errors import ConstructError
from netkit.scaffold.init import python_string, quoted

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

runner = CliRunner()

PODS = ("apiVersion: v1\nkind: Pod\nmetadata: {name: web, namespace: a, labels: {app: web}}\n"
        "---\napiVersion: v1\nkind: Pod\nmetadata: {name: db, namespace: a, labels: {app: db}}\n")
DENY = ("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: d, "
        "namespace: a}\nspec:\n  podSelector: {}\n  policyTypes: [Ingress]\n")
ALLOW = ("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, "
         "namespace: a}\nspec:\n  podSelector: {matchLabels: {app: db}}\n  ingress:\n  - "
         "ports: [{port: 5432}]\n")


def one_error(result: Result, code: int = 2) -> str:
    """The single `error:` line of a failed command (asserting there is just that)."""
    assert result.exit_code == code, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    return lines[0]


def child_env(*, unbuffered: bool = True) -> dict[str, str]:
    """This environment for a `python -m netkit.cli` child (not a pytest worker)."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("PYTEST") and k != "PYTHONUNBUFFERED"}
    return {**env, "PYTHONUNBUFFERED": "1"} if unbuffered else env


# --- diff --base: refs and trees ------------------------------------------------------------

def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
                   cwd=repo, check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git repository whose committed manifests deny all ingress; the working tree then
    allows web -> db:5432. The commit also holds an absolute symlink, a link out of the
    repository and a link to a directory, and the deny policy is read through a link."""
    root = tmp_path / "repo"
    (root / "manifests").mkdir(parents=True)
    (root / "shared").mkdir()
    (root / "manifests" / "pods.yaml").write_text(PODS)
    (root / "shared" / "deny.yaml").write_text(DENY)
    (root / "manifests" / "deny.yaml").symlink_to("../shared/deny.yaml")
    (root / "passwd").symlink_to("/etc/passwd")
    (root / "up").symlink_to("../..")
    (root / "shared-dir").symlink_to("shared")
    git(root, "init", "-q")
    git(root, "add", ".")
    git(root, "commit", "-qm", "base")
    (root / "manifests" / "allow.yaml").write_text(ALLOW)
    monkeypatch.chdir(root)
    return root


def test_diff_base_reads_a_tree_with_absolute_and_escaping_links(repo: Path) -> None:
    result = runner.invoke(app, ["diff", "--base", "HEAD", "manifests", "--format", "json"])
    assert result.exit_code == 0, result.output
    # Only the allow opens: the base read the deny policy through its in-tree link.
    data = json.loads(result.stdout)
    assert [{k: v for k, v in c.items() if k != "decided_by"} for c in data["added"]] == [
        {"from": "a/web", "to": "a/db", "protocol": "TCP", "ports": [[5432, 5432]]}]
    assert data["removed"] == []


@pytest.mark.parametrize("ref", ["--output={victim}", "-o{victim}", "--remote=x"])
def test_diff_base_is_never_a_git_option(repo: Path, tmp_path: Path, ref: str) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    result = runner.invoke(app, ["diff", f"--base={ref.format(victim=victim)}", "manifests"])
    line = one_error(result)
    assert f"cannot read git revision {ref.format(victim=victim)!r}" in line
    assert victim.read_text() == "keep me"


@pytest.mark.parametrize("ref", ["HEAD:manifests", "a\0b"])
def test_diff_base_that_names_no_commit(repo: Path, ref: str) -> None:
    line = one_error(runner.invoke(app, ["diff", "--base", ref, "manifests"]))
    assert line.startswith(f"error: --base: cannot read git revision {ref!r}")


def test_diff_base_paths_outside_the_repository(repo: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "pods.yaml").write_text(PODS)
    line = one_error(runner.invoke(app, ["diff", "--base", "HEAD", str(elsewhere)]))
    assert line.startswith(f"error: {elsewhere}: is outside the git repository")


# --- netkit init ----------------------------------------------------------------------------

@pytest.mark.parametrize("option, value", [
    ("--host", 'x.com" if __import__("os").system("touch {pwned}") else "'),
    ("--host", "x.com\nimport os"),
    ("--host", "*.example.com"),
    ("--host", "10.0.0.1"),
])
def test_init_refuses_injection_and_writes_nothing(tmp_path: Path, option: str,
                                                   value: str) -> None:
    pwned = tmp_path / "pwned"
    result = runner.invoke(app, ["init", str(tmp_path / "app"), option,
                                 value.format(pwned=pwned)])
    assert one_error(result).startswith(f"error: {option}: ")
    assert list(tmp_path.iterdir()) == []


def test_init_that_fails_late_leaves_nothing_and_can_be_rerun(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # As Python runs by default, writing bytecode: the new repository gets none of it.
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    # A legal 253-character host, too long for the listener name derived from it: the
    # first synth fails after every template was rendered.
    host = ".".join(["b" * 63, "c" * 63, "d" * 63, "e" * 61])
    target = tmp_path / "app"
    one_error(runner.invoke(app, ["init", str(target), "--host", host]), code=1)
    assert list(tmp_path.iterdir()) == []
    # Rerun in an existing empty directory, the working directory: the directory itself
    # stays (a shell in it sees the files) and receives them.
    target.mkdir()
    inode = target.stat().st_ino
    monkeypatch.chdir(target)
    result = runner.invoke(app, ["init", "."])
    assert result.exit_code == 0, result.output
    assert target.stat().st_ino == inode and list(tmp_path.iterdir()) == [target]
    assert sorted(p.name for p in target.iterdir()) == [
        ".github", ".gitignore", ".pre-commit-config.yaml", "README.md", "gitops",
        "network.py", "pyproject.toml", "tests"]
    assert runner.invoke(app, ["synth", "--check"]).exit_code == 0


@pytest.mark.parametrize("name, host", [
    ("a", "a.b"),
    ("0-9", "xn--bcher-kva.example"),
    ("x" * 63, "1.example.com"),
])
def test_init_round_trips_odd_but_legal_values(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                               name: str, host: str) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["init", "app", "--name", name, "--host", host])
    assert result.exit_code == 0, result.output
    repo = tmp_path / "app"
    assert tomllib.loads((repo / "pyproject.toml").read_text())["project"]["name"] == (
        f"{name}-network")
    tests = ast.parse((repo / "tests" / "test_network.py").read_text())
    assert f"NAMESPACE = {name!r}" in [ast.unparse(n) for n in tests.body]
    for env, expected in (("prod", host), ("staging", f"staging.{host}")):
        [bp] = load_blueprints(repo / "network.py", env)
        assert bp.name == name
        assert [c.hosts for c in bp.node.walk() if isinstance(c, TlsIngress)] == [[expected]]


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_template_filters_round_trip_any_text(value: str) -> None:
    assert ast.literal_eval(python_string(value)) == value
    assert tomllib.loads(f"k = {quoted(value)}")["k"] == value
    assert yaml.safe_load(f"k: {quoted(value)}")["k"] == value


# --- blueprints that misbehave --------------------------------------------------------------

MISBEHAVING = {
    "exit in build": ("import sys\n\ndef build(env):\n    sys.exit(0)\n", 4,
                      "exited with sys.exit(0)"),
    "exit at import": ("import sys\nsys.exit()\n", 2, "exited with sys.exit(None)"),
    "SystemExit message": ("def build(env):\n    raise SystemExit('bye')\n", 2,
                           "exited with sys.exit('bye')"),
    "BaseException subclass": ("class Boom(BaseException):\n    pass\n\n"
                               "def build(env):\n    raise Boom('multi\\nline')\n", 5,
                               "Boom: multi line"),
    "GeneratorExit": ("def build(env):\n    raise GeneratorExit\n", 2, "GeneratorExit"),
}


@pytest.mark.parametrize("check", [False, True], ids=["synth", "synth --check"])
@pytest.mark.parametrize("case", list(MISBEHAVING))
def test_blueprint_that_exits_or_raises_base_exceptions(
        write_blueprint: Callable[[str, str], Path], tmp_path: Path, case: str,
        check: bool) -> None:
    source, line, message = MISBEHAVING[case]
    path = write_blueprint(source, "bp.py")
    result = runner.invoke(app, ["synth", str(path), "--out", str(tmp_path / "out"),
                                 *(["--check"] if check else [])])
    error = one_error(result)
    assert error.startswith(f"error: {path}:{line}: {message} (hint: ")
    assert result.stdout == "" and not (tmp_path / "out").exists()


def test_ctrl_c_in_a_blueprint_exits_130_with_one_line(tmp_path: Path) -> None:
    started = tmp_path / "started"
    (tmp_path / "slow.py").write_text(textwrap.dedent(f"""\
        import pathlib, time

        def build(env):
            pathlib.Path({str(started)!r}).touch()
            time.sleep(60)
        """))
    proc = subprocess.Popen([sys.executable, "-m", "netkit.cli", "synth", "slow.py", "--out",
                             "out"], cwd=tmp_path, env=child_env(), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        for _ in range(600):  # the blueprint is running once the file exists
            if started.exists() or proc.poll() is not None:
                break
            time.sleep(0.05)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == 130, err
    assert err == "error: interrupted\n" and out == ""


def configmap(data: object, labels: object = None) -> dict[str, Any]:
    md: dict[str, Any] = {"name": "c", "namespace": "n"}
    if labels is not None:
        md["labels"] = labels
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": md, "data": data}


def _cyclic_dict() -> dict[str, Any]:
    d: dict[str, Any] = {"a": "1"}
    d["self"] = d
    return d


def _cyclic_list() -> dict[str, Any]:
    items: list[Any] = []
    items.append(items)
    return {"l": items}


@pytest.mark.parametrize("obj, field, problem", [
    (configmap(_cyclic_dict()), "data.self", "the value contains itself"),
    (configmap(_cyclic_list()), "data.l[0]", "the value contains itself"),
    (configmap({"k": object()}), "data.k", "a value of type object is not YAML data"),
    (configmap({}, labels={"app": object()}), "metadata.labels.app",
     "a value of type object is not YAML data"),
    (configmap({80: "x"}), "data", "key 80 (int) is not a string"),
    (configmap({"k": {1, 2}}), "data.k", "a value of type set is not YAML data"),
])
def test_manifest_values_that_are_not_yaml_data(obj: dict[str, Any], field: str,
                                                problem: str) -> None:
    with pytest.raises(ConstructError) as info:
        Manifest(Blueprint("bp"), "cm", obj)
    assert info.value.line().startswith(f"cm: {field}: {problem} (hint: ")


def test_a_cyclic_manifest_in_a_blueprint_is_one_line(
        write_blueprint: Callable[[str, str], Path], tmp_path: Path) -> None:
    path = write_blueprint("""\
        from netkit import Blueprint, Manifest

        def build(env):
            bp = Blueprint("bp")
            data = {}
            data["loop"] = data
            Manifest(bp, "cm", {"apiVersion": "v1", "kind": "ConfigMap",
                                "metadata": {"name": "c", "namespace": "n"}, "data": data})
            return bp
        """, "bp.py")
    for command in (["synth", str(path), "--out", str(tmp_path / "out")],
                    ["audit", str(path)], ["validate", str(path)]):
        assert one_error(runner.invoke(app, command)) == (
            "error: cm: data.loop: the value contains itself (hint: build the object from "
            "dicts and lists without cycles)")


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.tuples(inner, inner)
    | st.dictionaries(st.text(max_size=5), inner, max_size=4),
    max_leaves=20)


def _as_lists(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _as_lists(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_as_lists(v) for v in value]
    return value


@settings(max_examples=100, deadline=None)
@given(JSON)
def test_plain_copies_any_yaml_data_unchanged(value: Any) -> None:
    copied = plain(value, "w")
    assert copied == _as_lists(value)
    if isinstance(value, dict | list) and value:
        assert copied is not value


def test_enum_members_become_their_values() -> None:
    import enum

    class Mode(str, enum.Enum):  # str() of such a member is "Mode.STRICT", not its value
        STRICT = "strict"

    class Port(enum.IntEnum):
        HTTP = 80

    obj = plain({"mode": Mode.STRICT, "port": Port.HTTP}, "w")
    assert obj == {"mode": "strict", "port": 80}
    assert [type(v) for v in obj.values()] == [str, int]


# --- output files and pipes -----------------------------------------------------------------

@pytest.fixture
def manifests(tmp_path: Path) -> Path:
    path = tmp_path / "in.yaml"
    path.write_text(PODS)
    return path


@pytest.mark.parametrize("existing, output, reason", [
    ("report/", "report", "Is a directory"),
    (None, "missing/report", "No such file or directory"),
    ("file", "file/report", "Not a directory"),
])
def test_audit_output_that_cannot_be_written(tmp_path: Path, manifests: Path,
                                             existing: str | None, output: str,
                                             reason: str) -> None:
    out = tmp_path / "outs"
    out.mkdir()
    if existing and existing.endswith("/"):
        (out / existing).mkdir()
    elif existing:
        (out / existing).write_text("")
    before = sorted(out.rglob("*"))
    line = one_error(runner.invoke(app, ["audit", str(manifests), "-o", str(out / output)]))
    assert line.startswith(f"error: {out / output}: cannot write: {reason} (hint: ")
    assert sorted(out.rglob("*")) == before  # no stray temp file


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only directories")
def test_audit_output_into_a_read_only_directory(tmp_path: Path, manifests: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o555)
    line = one_error(runner.invoke(app, ["audit", str(manifests), "-o", str(locked / "r")]))
    assert "cannot write: Permission denied" in line and list(locked.iterdir()) == []


def test_audit_output_never_writes_through_a_planted_temp_file(tmp_path: Path,
                                                               manifests: Path) -> None:
    victim = tmp_path / "victim"
    victim.write_text("keep me")
    (tmp_path / ".report.txt.tmp").symlink_to(victim)
    result = runner.invoke(app, ["audit", str(manifests), "-o", str(tmp_path / "report.txt")])
    assert result.exit_code == 0, result.output
    report = tmp_path / "report.txt"
    assert not report.is_symlink() and "a/web" in report.read_text()
    assert victim.read_text() == "keep me"


@pytest.mark.parametrize("unbuffered", [True, False], ids=["write fails", "exit flush fails"])
@pytest.mark.parametrize("command", [["audit"], ["validate", "--format", "json"]])
def test_a_closed_stdout_ends_quietly(tmp_path: Path, manifests: Path, command: list[str],
                                      unbuffered: bool) -> None:
    read_end, write_end = os.pipe()
    os.close(read_end)  # like `| head` that has already exited
    try:
        proc = subprocess.run([sys.executable, "-m", "netkit.cli", *command, str(manifests)],
                              cwd=tmp_path, stdout=write_end, stderr=subprocess.PIPE, text=True,
                              env=child_env(unbuffered=unbuffered))
    finally:
        os.close(write_end)
    assert (proc.returncode, proc.stderr) == (0, "")


def test_other_os_errors_are_one_line(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")
    line = one_error(runner.invoke(app, ["init", str(tmp_path / "file" / "app" / "x")]))
    assert line.startswith(f"error: {tmp_path / 'file' / 'app'}: Not a directory (hint: ")
