from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from netkit.cli import app

ROOT = Path(__file__).resolve().parent.parent
SHOP = str(ROOT / "blueprints" / "shop.py")
runner = CliRunner()

GOOD = """
from netkit import Blueprint, Manifest

def build(env):
    bp = Blueprint("demo")
    Manifest(bp, "cm", {"apiVersion": "v1", "kind": "ConfigMap",
                        "metadata": {"name": f"settings-{env}", "namespace": "demo"},
                        "data": {"debug": "on"}})
    return bp
"""


def test_version_and_help() -> None:
    assert runner.invoke(app, ["--version"]).stdout.strip().startswith("netkit ")
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0 and "synth" in result.stdout


def test_synth_writes_and_reports(tmp_path: Path) -> None:
    result = runner.invoke(app, ["synth", SHOP, "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "wrote" in result.stdout
    assert (tmp_path / "default/shop/service-web.yaml").is_file()
    assert (tmp_path / "default/_cluster/namespace-shop.yaml").is_file()
    kustomization = (tmp_path / "default/shop/kustomization.yaml").read_text()
    assert "- service-web.yaml" in kustomization


def test_check_passes_when_fresh_and_fails_when_stale(tmp_path: Path) -> None:
    assert runner.invoke(app, ["synth", SHOP, "--out", str(tmp_path)]).exit_code == 0
    fresh = runner.invoke(app, ["synth", SHOP, "--out", str(tmp_path), "--check"])
    assert fresh.exit_code == 0, fresh.output
    (tmp_path / "default/shop/service-web.yaml").write_text("tampered\n")
    before = sorted(p.read_bytes() for p in tmp_path.rglob("*") if p.is_file())
    stale = runner.invoke(app, ["synth", SHOP, "--out", str(tmp_path), "--check"])
    assert stale.exit_code == 1
    assert "update default/shop/service-web.yaml" in stale.stdout
    assert "error:" in stale.stderr and "stale" in stale.stderr
    assert sorted(p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()) == before


def test_dry_run_prints_plan_and_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(app, ["synth", SHOP, "--out", str(out), "--dry-run"])
    assert result.exit_code == 0
    assert "create default/shop/service-web.yaml" in result.stdout
    assert not out.exists()


def test_target_override(tmp_path: Path) -> None:
    result = runner.invoke(app, ["synth", SHOP, "--out", str(tmp_path), "--target",
                                 "ingress=ingress-nginx", "--target", "cluster=eu1"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "eu1/shop/ingress-site-web.yaml").is_file()
    assert "NK113" in result.stderr


@pytest.mark.parametrize(("args", "message"), [
    (["--target", "ingress=traefik"], "--target: ingress: Input should be"),
    (["--target", "nope=1"], "--target: unknown target field 'nope'"),
    (["--target", "ingress"], "--target: expected KEY=VALUE"),
    (["--target", "shared_gateway.name=Bad_Name"], "--target: shared_gateway.name:"),
])
def test_bad_target_overrides(tmp_path: Path, args: list[str], message: str) -> None:
    result = runner.invoke(app, ["synth", SHOP, "--out", str(tmp_path / "o"), *args])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {message}"), result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "o").exists()


def test_env_reaches_build(tmp_path: Path, write_blueprint: Callable[..., Path]) -> None:
    bp = write_blueprint(GOOD)
    result = runner.invoke(app, ["synth", str(bp), "--out", str(tmp_path / "o"), "--env", "qa"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "o/default/demo/configmap-settings-qa.yaml").is_file()
    text = (tmp_path / "o/default/demo/configmap-settings-qa.yaml").read_text()
    assert 'debug: "on"' in text


@pytest.mark.parametrize(("source", "where", "message"), [
    ("def build(env):\n    return 1 +\n", ":2", "syntax error"),
    ("def build(env):\n    raise RuntimeError('boom')\n", ":2", "RuntimeError: boom"),
    ("def build(env):\n    raise ValueError('two\\nlines')\n", ":2", "ValueError: two lines"),
    ("from netkit import Blueprint, Target\ndef build(env):\n"
     "    return Blueprint('x', target=Target(cni='bogus'))\n", ":3",
     "Target cni: Input should be 'calico'"),
    ("x = 1\n", "", "defines no blueprint"),
    ("def build(env):\n    return 'nope'\n", "", "build() returned str"),
    ("from netkit import Blueprint\nfrom netkit.constructs import Namespace\n"
     "def build(env):\n    bp = Blueprint('a')\n    Namespace(bp, 'x')\n    Namespace(bp, 'x')\n"
     "    return bp\n", None, "a: duplicate id 'x'"),
])
def test_broken_blueprints_exit_2_with_one_line(tmp_path: Path,
                                                write_blueprint: Callable[..., Path],
                                                source: str, where: str | None,
                                                message: str) -> None:
    bp = write_blueprint(source)
    out = tmp_path / "o"
    result = runner.invoke(app, ["synth", str(bp), "--out", str(out)])
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ")
    if where is not None:
        assert lines[0].startswith(f"error: {bp}{where}:")
    assert message in lines[0] and "Traceback" not in result.output
    assert not out.exists()


def test_missing_blueprint_file(tmp_path: Path) -> None:
    result = runner.invoke(app, ["synth", str(tmp_path / "nope.py"), "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert "blueprint file not found" in result.stderr


def test_unowned_file_in_the_way(tmp_path: Path) -> None:
    (tmp_path / "default/shop").mkdir(parents=True)
    (tmp_path / "default/shop/service-web.yaml").write_text("mine\n")
    result = runner.invoke(app, ["synth", SHOP, "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert "not owned by netkit" in result.stderr
    assert (tmp_path / "default/shop/service-web.yaml").read_text() == "mine\n"
    assert not (tmp_path / "default/shop/service-db.yaml").exists()


def test_debug_shows_traceback(tmp_path: Path, write_blueprint: Callable[..., Path]) -> None:
    bp = write_blueprint("def build(env):\n    raise RuntimeError('boom')\n")
    result = runner.invoke(app, ["--debug", "synth", str(bp), "--out", str(tmp_path)])
    assert result.exit_code == 2 and "Traceback" in result.stderr


def test_config_file_supplies_blueprints_out_env_and_target(
        tmp_path: Path, write_blueprint: Callable[..., Path],
        monkeypatch: pytest.MonkeyPatch) -> None:
    write_blueprint(GOOD, "network.py")
    (tmp_path / "pyproject.toml").write_text(
        '[tool.netkit]\nblueprints = ["network.py"]\nout = "gitops"\nenv = "staging"\n'
        '[tool.netkit.target]\ncluster = "eu1"\n')
    sub = tmp_path / "deep" / "er"
    sub.mkdir(parents=True)
    monkeypatch.chdir(sub)
    result = runner.invoke(app, ["synth"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "gitops/eu1/demo/configmap-settings-staging.yaml").is_file()
    assert runner.invoke(app, ["synth", "--check"]).exit_code == 0


def test_config_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pyproject.toml").write_text("[tool.netkit]\nblueprint = ['x.py']\n")
    result = runner.invoke(app, ["synth"])
    assert result.exit_code == 2 and "[tool.netkit] blueprint: Extra inputs" in result.stderr
    (tmp_path / "pyproject.toml").write_text("[tool.netkit\n")
    assert "cannot read" in runner.invoke(app, ["synth"]).stderr
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    result = runner.invoke(app, ["synth"])
    assert result.exit_code == 2 and "no blueprint given" in result.stderr
    result = runner.invoke(app, ["synth", SHOP])
    assert result.exit_code == 2 and "no output directory" in result.stderr


def test_module_level_blueprints(tmp_path: Path, write_blueprint: Callable[..., Path]) -> None:
    bp = write_blueprint("from netkit import Blueprint\nA = Blueprint('a')\nB = Blueprint('b')\n")
    from netkit import load_blueprints

    assert [b.name for b in load_blueprints(bp, "prod")] == ["a", "b"]


def test_build_without_env_parameter(write_blueprint: Callable[..., Path]) -> None:
    bp = write_blueprint("from netkit import Blueprint\ndef build():\n    return Blueprint('x')\n")
    from netkit import load_blueprints

    assert [b.name for b in load_blueprints(bp, "prod")] == ["x"]


SERVICE_YAML = "apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: a}\n" \
               "spec: {ports: [{port: 80}]}\n"
NOT_FOR_BLUEPRINTS = ("netkit.tree", "netkit.constructs", "netkit.render", "netkit.synth")
# What each command must not import. pydantic is left out past --help: typer 0.29 coerces
# every option through a pydantic TypeAdapter.
COMMANDS: dict[str, tuple[list[str], tuple[str, ...]]] = {
    "help": (["--help"], ("pydantic", "yaml", "jinja2", "netkit.tree", "netkit.synth",
                          "netkit.validate", "netkit.analysis", "netkit.config")),
    "rules": (["rules"], ("yaml", "jinja2", "netkit.validate", "netkit.analysis",
                          "netkit.gitops.writer", *NOT_FOR_BLUEPRINTS)),
    "explain": (["explain", "NK001"], ("yaml", "jinja2", "netkit.validate", "netkit.analysis",
                                       *NOT_FOR_BLUEPRINTS)),
    "validate": (["validate", "{yaml}"], ("jinja2", "netkit.analysis.engine", "multiprocessing",
                                          "netkit.gitops.writer", *NOT_FOR_BLUEPRINTS)),
    "audit": (["audit", "{yaml}"], ("jinja2", "multiprocessing", *NOT_FOR_BLUEPRINTS)),
    "synth": (["synth", SHOP, "--out", "{out}"], ("yaml", "netkit.cdk8s", "netkit.report.html",
                                                      "netkit.analysis.diff", "multiprocessing",
                                                      "netkit.scaffold")),
    "synth --check": (["synth", SHOP, "--out", "{out}", "--check"],
                      ("yaml", "netkit.cdk8s", "netkit.report.html", "multiprocessing")),
}


@pytest.mark.parametrize("command", list(COMMANDS))
def test_commands_import_only_what_they_use(command: str, tmp_path: Path) -> None:
    args, unused = COMMANDS[command]
    (tmp_path / "svc.yaml").write_text(SERVICE_YAML)
    args = [a.format(yaml=tmp_path / "svc.yaml", out=tmp_path / "out") for a in args]
    code = ("import sys\nfrom netkit.cli import app\n"
            "try:\n    app(prog_name='netkit', args=sys.argv[1:])\n"
            "except SystemExit:\n    pass\n"
            f"print('IMPORTED', [m for m in {unused!r} if m in sys.modules])")
    proc = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                          check=True, cwd=tmp_path)
    assert "IMPORTED []" in proc.stdout, (proc.stdout, proc.stderr)


@pytest.mark.parametrize(("setting", "loaded"), [(None, []), ("", ["importlib.metadata"])])
def test_pydantic_plugins_are_looked_up_only_when_turned_on(setting: str | None, loaded: list[str],
                                                            tmp_path: Path) -> None:
    # The CLI turns pydantic's plugins off unless the user set PYDANTIC_DISABLE_PLUGINS;
    # looking them up imports importlib.metadata, which no command needs otherwise.
    code = ("import atexit, sys\n"
            "atexit.register(lambda: print('LOADED', sorted(m for m in ('importlib.metadata', "
            "'pydantic.networks') if m in sys.modules)))\n"
            "sys.argv = ['netkit', *sys.argv[1:]]\nfrom netkit.cli import main\nmain()\n")
    env = {k: v for k, v in os.environ.items() if k != "PYDANTIC_DISABLE_PLUGINS"}
    if setting is not None:
        env["PYDANTIC_DISABLE_PLUGINS"] = setting
    proc = subprocess.run([sys.executable, "-c", code, "synth", SHOP, "--out",
                           str(tmp_path / "out")], capture_output=True, text=True, env=env)
    assert proc.returncode == 0, proc.stderr
    assert f"LOADED {loaded}" in proc.stdout


def test_the_plugin_loaders_stand_in_answers_as_the_loader(tmp_path: Path) -> None:
    # An installed pydantic plugin: none while plugins are off, the loader's once they are on.
    (tmp_path / "fakeplugin.py").write_text(textwrap.dedent("""
        class Plugin:
            def new_schema_validator(self, *args):
                return None, None, None

        plugin = Plugin()
        """))
    info = tmp_path / "fakeplugin-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: fakeplugin\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[pydantic]\nfake = fakeplugin:plugin\n")
    code = textwrap.dedent(f"""
        import importlib.util, os, sys
        sys.path.insert(0, {str(tmp_path)!r})
        os.environ["PYDANTIC_DISABLE_PLUGINS"] = "__all__"
        from netkit.plugin_lookup import skip_while_off
        skip_while_off()
        import pydantic

        class Model(pydantic.BaseModel):
            x: int

        assert Model(x="1").x == 1
        assert "importlib.metadata" not in sys.modules
        import pydantic.plugin._loader
        assert list(pydantic.plugin._loader.get_plugins()) == []
        assert importlib.util.find_spec("pydantic.plugin._loader") is not None
        os.environ["PYDANTIC_DISABLE_PLUGINS"] = ""
        found = list(pydantic.plugin._loader.get_plugins())
        assert [type(p).__name__ for p in found] == ["Plugin"], found
        assert pydantic.plugin._loader.PYDANTIC_ENTRY_POINT_GROUP == "pydantic"
        assert type(sys.modules["pydantic.plugin._loader"]).__name__ == "module"
        print("OK")
        """)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.stdout == "OK\n", proc.stderr


@pytest.mark.parametrize(("ending", "code"), [
    ("raise ValueError('no')", 2),  # its error and frames were what held its globals
    ("sys.exit(3)", 2),
    ("signal.signal(signal.SIGTERM, lambda *_: log)", 0),  # held by the signal module
])
def test_a_blueprints_files_are_finished_however_it_ends(ending: str, code: int,
                                                          tmp_path: Path) -> None:
    bp = tmp_path / "bp.py"
    bp.write_text(textwrap.dedent(f"""
        import signal, sys, tempfile
        from netkit import Blueprint
        log = open({str(tmp_path / "log.txt")!r}, "w")
        log.write("loaded\\n")
        scratch = tempfile.NamedTemporaryFile(dir={str(tmp_path)!r}, prefix="scratch")

        def build(env="prod"):
            {ending}
            return Blueprint("x")
        """))
    proc = subprocess.run([sys.executable, "-m", "netkit.cli", "synth", str(bp), "--out",
                           str(tmp_path / "out")], capture_output=True, text=True, cwd=tmp_path)
    assert proc.returncode == code, proc.stderr
    assert (tmp_path / "log.txt").read_text() == "loaded\n"
    assert not list(tmp_path.glob("scratch*"))
    assert "Exception ignored" not in proc.stderr


def test_ctrl_c_while_a_blueprints_thread_is_waited_for_ends_as_python_ends(
        tmp_path: Path) -> None:
    bp = tmp_path / "bp.py"
    bp.write_text(textwrap.dedent("""
        import os, signal, threading, time
        from netkit import Blueprint

        def interrupt():  # once synth is done and waits for this thread
            time.sleep(1.5)
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(5)

        threading.Thread(target=interrupt).start()

        def build(env="prod"):
            return Blueprint("x")
        """))
    proc = subprocess.run([sys.executable, "-m", "netkit.cli", "synth", str(bp), "--out",
                           str(tmp_path / "out")], capture_output=True, text=True, cwd=tmp_path,
                          timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "Exception ignored on threading shutdown" in proc.stderr
    assert proc.stderr.rstrip().endswith("KeyboardInterrupt")


def test_a_blueprints_exit_handlers_and_open_files_are_finished(tmp_path: Path) -> None:
    # The CLI ends at once after a command, unless someone's own Python ran in it.
    # Also a module the blueprint imports, with a file it never closes.
    # Its finalizers run while its globals are still there.
    (tmp_path / "helper.py").write_text(textwrap.dedent(f"""
        import os

        notes = open({str(tmp_path / "helper.txt")!r}, "w")
        notes.write("imported\\n")
        open({str(tmp_path / "scratch.txt")!r}, "w").close()

        class Scratch:
            def __del__(self):
                os.remove({str(tmp_path / "scratch.txt")!r})

        scratch = Scratch()

        def note(text):  # its globals hold the module's: a reference cycle
            notes.write(text)

        class Cyclic:  # garbage in a cycle: only a collection finalizes it
            def __init__(self):
                self.me = self

            def __del__(self):
                with open({str(tmp_path / "cyclic.txt")!r}, "w") as out:
                    out.write(note.__name__ + "\\n")  # the module's globals are still there

        Cyclic()
        """))
    bp = tmp_path / "bp.py"
    bp.write_text(textwrap.dedent(f"""
        import atexit
        import threading
        import time
        from concurrent.futures import ThreadPoolExecutor
        import helper
        from netkit import Blueprint
        log = open({str(tmp_path / "log.txt")!r}, "w")
        log.write("loaded\\n")
        atexit.register(lambda: open({str(tmp_path / "atexit.txt")!r}, "w").write("ran\\n"))

        def later(name):  # still running when synth is done
            time.sleep(0.2)
            with open({str(tmp_path)!r} + "/" + name, "w") as out:
                out.write("done\\n")

        threading.Thread(target=later, args=("thread.txt",)).start()
        ThreadPoolExecutor().submit(later, "pool.txt")  # its daemon workers are waited for

        def build(env="prod"):
            return Blueprint("x")
        """))
    proc = subprocess.run([sys.executable, "-m", "netkit.cli", "synth", str(bp), "--out",
                           str(tmp_path / "out")], capture_output=True, text=True, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "log.txt").read_text() == "loaded\n"
    assert (tmp_path / "atexit.txt").read_text() == "ran\n"
    assert (tmp_path / "helper.txt").read_text() == "imported\n"
    assert not (tmp_path / "scratch.txt").exists()
    assert (tmp_path / "cyclic.txt").read_text() == "note\n"
    assert (tmp_path / "thread.txt").read_text() == (tmp_path / "pool.txt").read_text() == "done\n"
    assert "Exception ignored" not in proc.stderr

