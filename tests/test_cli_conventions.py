"""What kubectl, kubeconform and cdk8s users expect of a CLI and a construct library: global
flags after the subcommand, shell completion, ``synth --stdout``, exit codes to branch on,
errors that name what the user wrote."""

from __future__ import annotations

import inspect
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.main import get_command
from typer.testing import CliRunner

from netkit import Blueprint, Construct, NetkitError
from netkit.cli import app
from netkit.constructs import (
    RateLimitedService,
    Service,
    TlsIngress,
    ZeroTrustNamespace,
    cidr,
)
from netkit.testing import assert_isolated, assert_reachable, synth
from tests.conftest import ROOT

runner = CliRunner()
SHOP = str(ROOT / "blueprints" / "shop.py")
BOOM = "def build(env):\n    raise RuntimeError('boom')\n"
INVALID = """
from netkit import Blueprint, Manifest

def build(env):
    bp = Blueprint("demo")
    Manifest(bp, "svc", {"apiVersion": "v1", "kind": "Service",
                         "metadata": {"name": "s", "namespace": "demo"},
                         "spec": {"ports": [{"port": 0}]}})
    return bp
"""


# -- 1. global options after the subcommand --------------------------------------------------

@pytest.mark.parametrize("where", ["before", "after"])
def test_debug_works_before_and_after_the_subcommand(
        tmp_path: Path, write_blueprint: Callable[..., Path], where: str) -> None:
    args = ["synth", str(write_blueprint(BOOM)), "--out", str(tmp_path / "o")]
    args = ["--debug", *args] if where == "before" else [*args, "--debug"]
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert "Traceback" in result.stderr and "RuntimeError: boom" in result.stderr
    assert result.stderr.rstrip().splitlines()[-1].startswith("error: ")


def test_debug_does_not_stick_to_later_runs(tmp_path: Path,
                                            write_blueprint: Callable[..., Path]) -> None:
    args = ["synth", str(write_blueprint(BOOM)), "--out", str(tmp_path / "o")]
    assert "Traceback" in runner.invoke(app, [*args, "--debug"]).stderr
    quiet = runner.invoke(app, args)
    assert quiet.exit_code == 2 and "Traceback" not in quiet.stderr
    assert len(quiet.stderr.strip().splitlines()) == 1


def test_every_command_accepts_debug() -> None:
    root: Any = get_command(app)
    names = list(root.commands)
    assert {"synth", "validate", "audit", "why", "diff", "init"} <= set(names)
    for name in names:
        result = runner.invoke(app, [name, "--help"])
        assert result.exit_code == 0, name
        assert "--debug" in result.stdout, name


def test_debug_after_a_subcommand_in_a_real_process(tmp_path: Path,
                                                    write_blueprint: Callable[..., Path]
                                                    ) -> None:
    bp = write_blueprint(BOOM)
    proc = subprocess.run([sys.executable, "-c", "from netkit.cli import main; main()",
                           "validate", str(bp), "--debug"], capture_output=True, text=True,
                          cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" in proc.stderr and "No such option" not in proc.stderr


# -- 2. shell completion -----------------------------------------------------------------------

@pytest.mark.parametrize(("shell", "expected"), [
    ("bash", "complete -o default -F _netkit_completion netkit"),
    ("zsh", "#compdef netkit"),
    ("fish", "complete --command netkit"),
])
def test_show_completion_prints_the_script(monkeypatch: pytest.MonkeyPatch, shell: str,
                                           expected: str) -> None:
    # Without this typer detects the calling shell instead of taking the SHELL argument.
    monkeypatch.setenv("_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION", "1")
    result = runner.invoke(app, ["--show-completion", shell], prog_name="netkit")
    assert result.exit_code == 0, result.output
    assert expected in result.stdout and "_NETKIT_COMPLETE" in result.stdout


@pytest.mark.parametrize(("words", "expected"), [
    ("netkit sy", "synth"),
    ("netkit synth --std", "--stdout"),
    ("netkit why a b --deb", "--debug"),
])
def test_completion_completes_commands_and_options(tmp_path: Path, words: str,
                                                   expected: str) -> None:
    env = {**os.environ, "_NETKIT_COMPLETE": "complete_bash", "COMP_WORDS": words,
           "COMP_CWORD": str(len(words.split()) - 1)}
    proc = subprocess.run([sys.executable, "-c", "from netkit.cli import main; main()"],
                          env=env, capture_output=True, text=True, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == [expected]


# -- 3. synth --stdout -------------------------------------------------------------------------

def _object_files(out: Path) -> list[Path]:
    return sorted((p for p in out.rglob("*.yaml") if p.name != "kustomization.yaml"
                   and ".netkit" not in p.parts),  # identities of workloads, not objects
                  key=lambda p: p.relative_to(out).as_posix())


def test_stdout_is_the_object_files_in_path_order(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "gitops"
    assert runner.invoke(app, ["synth", SHOP, "--out", str(out)]).exit_code == 0
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    result = runner.invoke(app, ["synth", SHOP, "--stdout"])
    assert result.exit_code == 0, result.output
    assert result.stdout == "".join(f"---\n{p.read_text()}" for p in _object_files(out))
    docs = list(yaml.safe_load_all(result.stdout))
    assert len(docs) == 20 and docs[0]["kind"] == "Namespace"  # _cluster sorts first
    assert list(work.iterdir()) == []
    assert "wrote" not in result.output
    assert "info finding(s) hidden" in result.stderr  # findings still go to stderr
    assert runner.invoke(app, ["synth", SHOP, "--stdout"]).stdout == result.stdout


def test_stdout_prints_findings_to_stderr_only() -> None:
    result = runner.invoke(app, ["synth", SHOP, "--stdout", "--verbose"])
    assert result.exit_code == 0
    assert "NK121" in result.stderr and "NK121" not in result.stdout
    assert all(isinstance(d, dict) for d in yaml.safe_load_all(result.stdout))


def test_stdout_uses_the_configured_blueprints_without_out(
        tmp_path: Path, write_blueprint: Callable[..., Path],
        monkeypatch: pytest.MonkeyPatch) -> None:
    write_blueprint("from netkit import Blueprint\nfrom netkit.constructs import Namespace\n"
                    "def build(env):\n"
                    "    bp = Blueprint('demo')\n    Namespace(bp, env)\n    return bp\n",
                    "network.py")
    (tmp_path / "pyproject.toml").write_text('[tool.netkit]\nblueprints = ["network.py"]\n'
                                             'env = "qa"\n')
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["synth", "--stdout"])
    assert result.exit_code == 0, result.output
    assert [d["metadata"]["name"] for d in yaml.safe_load_all(result.stdout)] == ["qa"]
    assert runner.invoke(app, ["synth"]).exit_code == 2  # without --stdout it needs an out


def test_stdout_with_validation_errors_prints_nothing(
        write_blueprint: Callable[..., Path]) -> None:
    result = runner.invoke(app, ["synth", str(write_blueprint(INVALID)), "--stdout"])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "validation error(s), nothing written" in result.stderr and "[NK010]" in result.stderr


@pytest.mark.parametrize("extra", [["--out", "x"], ["--check"], ["--dry-run"]])
def test_stdout_refuses_options_that_write_or_compare(tmp_path: Path, extra: list[str],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["synth", SHOP, "--stdout", *extra])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: --stdout: cannot be combined with {extra[0]}")
    assert result.stdout == "" and list(tmp_path.iterdir()) == []


# -- 4. why's exit code ------------------------------------------------------------------------

@pytest.mark.parametrize(("src", "dst", "port", "code", "answer"), [
    ("shop/api", "shop/db", "5432", 0, "ALLOWED"),
    ("shop/web", "shop/db", "5432", 1, "DENIED"),
])
@pytest.mark.parametrize("fmt", ["text", "json"])
def test_why_exit_code_is_the_answer(src: str, dst: str, port: str, code: int, answer: str,
                                     fmt: str) -> None:
    result = runner.invoke(app, ["why", src, dst, SHOP, "--port", port, "--format", fmt])
    assert result.exit_code == code, result.output
    if fmt == "text":
        assert result.stdout.startswith(f"{src} -> {dst} TCP/{port}: {answer}")
    else:
        assert yaml.safe_load(result.stdout)["allowed"] is (code == 0)
    assert result.stderr == ""


def test_why_help_documents_the_exit_code() -> None:
    assert "1 when it is DENIED" in runner.invoke(app, ["why", "--help"]).stdout


# -- 5. construct argument mistakes ------------------------------------------------------------

def _shop() -> dict[str, Any]:
    bp = Blueprint("shop")
    ns = ZeroTrustNamespace(bp, "shop")
    web = ns.workload("web", labels={"app": "web"}, ports={"http": 9376})
    svc = Service(ns, "web", workload=web, port=80, target_port="http")
    site = TlsIngress(ns, "site", hosts=["cafe.example.com"], issuer="letsencrypt-prod")
    return {"bp": bp, "ns": ns, "web": web, "svc": svc, "site": site}


CALLS: list[tuple[str, Callable[[dict[str, Any]], object], str]] = [
    ("typo-inherited-through-options", lambda s: RateLimitedService(
        s["ns"], "lim", workload=s["web"], port=80, target_port="http", rps=5, typ="NodePort"),
     "shop/lim: RateLimitedService() got an unexpected argument 'typ' "
     "(hint: did you mean type?)"),
    ("typo-own-argument", lambda s: RateLimitedService(
        s["ns"], "lim", workload=s["web"], port=80, target_port="http", rsp=50),
     "shop/lim: RateLimitedService() got an unexpected argument 'rsp' "
     "(hint: did you mean rps?)"),
    ("typo-of-a-required-argument", lambda s: RateLimitedService(
        s["ns"], "lim", workoad=s["web"], port=80, rps=5),
     "shop/lim: RateLimitedService() got an unexpected argument 'workoad' "
     "(hint: did you mean workload?)"),
    ("nothing-close", lambda s: Service(s["ns"], "x", workload=s["web"], port=80, zzz=1),
     "shop/x: Service() got an unexpected argument 'zzz' (hint: it takes scope, id, "
     "workload, port, target_port,"),
    ("missing-required", lambda s: RateLimitedService(s["ns"], "lim", workload=s["web"],
                                                      rps=5),
     "shop/lim: RateLimitedService() is missing required argument(s) 'port' "
     "(hint: it needs scope, id, workload, port)"),
    ("too-many-positional", lambda s: Service(s["ns"], "x", s["web"], 80),
     "shop/x: Service() takes 2 positional argument(s) (scope, id), got 4 "
     "(hint: pass the others by keyword, e.g. workload=...)"),
    ("twice", lambda s: Service(s["ns"], "x", workload=s["web"], port=80, id="y"),
     "shop/x: Service() got two values for 'id'"),
    ("blueprint", lambda s: Blueprint("b", targt=None),
     "b: Blueprint() got an unexpected argument 'targt' (hint: did you mean target?)"),
    ("method-workload", lambda s: s["ns"].workload("api", label={"app": "api"}),
     "shop: ZeroTrustNamespace.workload() got an unexpected argument 'label' "
     "(hint: did you mean labels?)"),
    ("method-allow", lambda s: s["ns"].allow(s["web"], to=cidr("10.0.0.0/8"), protcol="UDP"),
     "shop: ZeroTrustNamespace.allow() got an unexpected argument 'protcol' "
     "(hint: did you mean protocol?)"),
    ("method-allow-positional", lambda s: s["ns"].allow(s["web"], s["web"]),
     "shop: ZeroTrustNamespace.allow() takes 1 positional argument(s) (src), got 2"),
    ("method-route", lambda s: s["site"].route("/x", servce=s["svc"]),
     "shop/site: TlsIngress.route() got an unexpected argument 'servce' "
     "(hint: did you mean service?)"),
]


@pytest.mark.parametrize(("call", "line"), [c[1:] for c in CALLS], ids=[c[0] for c in CALLS])
def test_argument_mistakes_name_what_was_called(call: Callable[[dict[str, Any]], object],
                                                line: str) -> None:
    s = _shop()
    with pytest.raises(NetkitError) as err:
        call(s)
    assert err.value.line().startswith(line), err.value.line()
    assert err.value.exit_code == 2


def test_user_constructs_get_the_same_errors() -> None:
    class Shop(Construct):
        def __init__(self, scope: Construct, id: str, *, replicas: int,
                     **options: Any) -> None:
            super().__init__(scope, id, **options)

        def expose(self, port: int) -> int:
            return port

    bp = Blueprint("b")
    with pytest.raises(NetkitError, match=r"^shop: Shop\(\) got an unexpected argument "
                                          r"'replica' \(hint: did you mean replicas\?\)"):
        Shop(bp, "shop", replica=2)
    with pytest.raises(NetkitError, match=r"^shop: Shop\(\) is missing required argument\(s\) "
                                          r"'replicas'"):
        Shop(bp, "shop")
    shop = Shop(bp, "shop", replicas=2)
    with pytest.raises(NetkitError, match=r"^shop: Shop\.expose\(\) got an unexpected "
                                          r"argument 'prt' \(hint: did you mean port\?\)"):
        shop.expose(prt=80)  # type: ignore[call-arg]


def test_type_errors_inside_a_construct_stay_type_errors() -> None:
    class Broken(Construct):
        def __init__(self, scope: Construct, id: str) -> None:
            super().__init__(scope, id)
            len(5)  # type: ignore[arg-type]  # a bug in the construct, not in the call

    with pytest.raises(TypeError, match="has no len"):
        Broken(Blueprint("b"), "x")


def test_signatures_stay_visible() -> None:
    params = inspect.signature(RateLimitedService).parameters
    assert {"workload", "port", "rps", "options"} <= set(params)
    assert "labels" in inspect.signature(ZeroTrustNamespace.workload).parameters


def test_a_typo_in_a_blueprint_file_is_one_line(tmp_path: Path,
                                                write_blueprint: Callable[..., Path]) -> None:
    bp = write_blueprint(
        "from netkit import Blueprint\n"
        "from netkit.constructs import RateLimitedService, ZeroTrustNamespace\n"
        "def build(env):\n    bp = Blueprint('shop')\n    ns = ZeroTrustNamespace(bp, 'shop')\n"
        "    web = ns.workload('web', labels={'app': 'web'}, ports={'http': 80})\n"
        "    RateLimitedService(ns, 'web', workload=web, port=80, rsp=50)\n    return bp\n")
    result = runner.invoke(app, ["synth", str(bp), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert result.stderr == ("error: shop/web: RateLimitedService() got an unexpected "
                             "argument 'rsp' (hint: did you mean rps?)\n")
    assert "Service.__init__" not in result.output and not (tmp_path / "o").exists()



def test_include_still_resolves_against_the_calling_blueprint(
        tmp_path: Path, write_blueprint: Callable[..., Path],
        monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "cm.yaml").write_text("apiVersion: v1\nkind: ConfigMap\n"
                                      "metadata: {name: cm, namespace: demo}\n")
    bp = write_blueprint("from netkit import Blueprint\nfrom netkit.constructs import Include\n"
                         "def build(env):\n    bp = Blueprint('demo')\n"
                         "    Include(bp, 'files', 'cm.yaml')\n    return bp\n")
    monkeypatch.chdir(ROOT)  # not the blueprint's directory
    result = runner.invoke(app, ["synth", str(bp), "--stdout"])
    assert result.exit_code == 0, result.output
    assert "name: cm\n" in result.stdout


# -- 6. build() returning None -----------------------------------------------------------------

@pytest.mark.parametrize("module_level", [False, True])
def test_build_returning_none_is_an_error_at_its_def(
        tmp_path: Path, write_blueprint: Callable[..., Path], module_level: bool) -> None:
    source = ("from netkit import Blueprint\n"
              + ("LEFTOVER = Blueprint('leftover')\n" if module_level else "")
              + "\n\ndef build(env):\n    bp = Blueprint('x')\n")
    bp = write_blueprint(source)
    line = source.splitlines().index("def build(env):") + 1
    result = runner.invoke(app, ["synth", str(bp), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert result.stderr == (f"error: {bp.resolve()}:{line}: build() returned None "
                             "(hint: return the Blueprint you built)\n")
    assert not (tmp_path / "o").exists()


def test_without_build_module_level_blueprints_still_count(
        write_blueprint: Callable[..., Path]) -> None:
    from netkit import load_blueprints

    bp = write_blueprint("from netkit import Blueprint\nA = Blueprint('a')\n")
    assert [b.name for b in load_blueprints(bp)] == ["a"]


# -- 7. port names in reachability assertions --------------------------------------------------

def test_assertions_take_the_destinations_port_names() -> None:
    result = synth(Path(SHOP))
    assert_reachable(result, "shop/web", "shop/api", "http")
    assert_reachable(result, "shop/api", "shop/db", "pg")
    assert_isolated(result, "shop/web", "shop/db", "pg")
    with pytest.raises(AssertionError, match=r"shop/web cannot reach shop/db on TCP/5432 "
                                             r"\(pg\)\n.*DENIED"):
        assert_reachable(result, "shop/web", "shop/db", "pg")
    with pytest.raises(AssertionError, match=r"shop/api can reach shop/db on TCP/5432 \(pg\)"):
        assert_isolated(result, "shop/api", "shop/db", "pg")


@pytest.mark.parametrize(("port", "protocol"), [("postgres", "TCP"), ("pg", "UDP")])
def test_unknown_port_names_list_the_named_ports(port: str, protocol: str) -> None:
    result = synth(Path(SHOP))
    message = (f"shop/db has no {protocol} port named '{port}' "
               r"\(named ports: pg=5432/TCP\)")
    for check in (assert_reachable, assert_isolated):
        with pytest.raises(ValueError, match=message):
            check(result, "shop/api", "shop/db", port, protocol)


def test_port_names_of_plain_pods() -> None:
    def pod(name: str, ports: list[dict[str, Any]]) -> dict[str, Any]:
        return {"apiVersion": "v1", "kind": "Pod",
                "metadata": {"name": name, "namespace": "x", "labels": {"app": name}},
                "spec": {"containers": [{"name": "c", "image": "i", "ports": ports}]}}

    metrics_only = {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
                    "metadata": {"name": "p", "namespace": "x"},
                    "spec": {"podSelector": {"matchLabels": {"app": "b"}},
                             "ingress": [{"ports": [{"port": "metrics"}]}]}}
    objs = [pod("a", []), pod("b", [{"name": "dns", "containerPort": 53, "protocol": "UDP"},
                                    {"name": "metrics", "containerPort": 9090}]), metrics_only]
    assert_reachable(objs, "x/a", "x/b", "metrics")
    assert_isolated(objs, "x/a", "x/b", "dns", "UDP")
    for port, protocol in (("http", "TCP"), ("dns", "TCP")):
        with pytest.raises(ValueError, match=r"named ports: dns=53/UDP, metrics=9090/TCP"):
            assert_reachable(objs, "x/a", "x/b", port, protocol)


@pytest.mark.parametrize(("pyproject", "args", "line"), [
    ('[tool.netkit]\nignore = ["NK999"]\n', [],
     "pyproject.toml: [tool.netkit] ignore: no such rule 'NK999'; did you mean NK109? "
     "(hint: fix the value)"),
    ("", ["--ignore", "nk10"],
     "error: --ignore: no such rule 'nk10' (hint: did you mean NK140, NK110 or NK109?)"),
    ('[tool.netkit]\nignor = ["NK115"]\n', [],
     "[tool.netkit] ignor: Extra inputs are not permitted (hint: keys: blueprints, out, env"),
])
def test_unknown_rules_and_keys_are_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           pyproject: str, args: list[str], line: str) -> None:
    (tmp_path / "pyproject.toml").write_text(pyproject)
    (tmp_path / "ns.yaml").write_text("apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["validate", "ns.yaml", *args])
    assert result.exit_code == 2, result.output
    assert line in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_known_rules_in_any_case_are_ignored(tmp_path: Path) -> None:
    from netkit.validate import validate

    lb = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "a", "namespace": "x"},
          "spec": {"type": "LoadBalancer", "ports": [{"port": 80}]}}
    assert "NK115" in {f.rule for f in validate([lb])}
    assert "NK115" not in {f.rule for f in validate([lb], ignore=["nk115"])}
    with pytest.raises(NetkitError, match="ignore: no such rule 'NK1150'"):
        validate([lb], ignore=["NK1150"])


@pytest.mark.parametrize("args", [["rules"], ["audit", str(ROOT / "blueprints" / "shop.py")]])
def test_tables_through_rich_on_a_terminal_plain_otherwise(args: list[str]) -> None:
    runner = CliRunner()
    plain = runner.invoke(app, args)
    styled = runner.invoke(app, args, env={"FORCE_COLOR": "1", "NO_COLOR": ""})
    refused = runner.invoke(app, args, env={"FORCE_COLOR": "1", "NO_COLOR": "1"})
    assert plain.exit_code == styled.exit_code == refused.exit_code == 0
    assert "┃" in styled.stdout and "\x1b[" in styled.stdout
    assert "┃" not in plain.stdout and "\x1b[" not in plain.stdout
    assert refused.stdout == plain.stdout
    first = plain.stdout.splitlines()[1].split()[0]
    assert first in styled.stdout  # the same rows, only dressed
