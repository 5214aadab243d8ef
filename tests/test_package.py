"""The package stands alone under its own distribution name: everything that names the
distribution agrees, and a repository made by `netkit init` installs this project."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

import netkit
from netkit.cli import app
from tests.conftest import ROOT

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_distribution_name_is_the_one_everything_names() -> None:
    assert PYPROJECT["project"]["name"] == netkit.DISTRIBUTION == "netkit-k8s"
    extras = PYPROJECT["project"]["optional-dependencies"]
    own = [r for reqs in extras.values() for r in reqs if r.startswith("netkit")]
    assert own and all(r.startswith(f"{netkit.DISTRIBUTION}[") for r in own), own
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"pip install {netkit.DISTRIBUTION}" in readme
    for example in ("app-repo", "cdk8s-app"):
        text = (ROOT / "examples" / example / "pyproject.toml").read_text(encoding="utf-8")
        deps = tomllib.loads(text)["project"]["dependencies"]
        assert any(d.startswith(netkit.DISTRIBUTION) for d in deps), (example, deps)


def test_init_output_installs_this_project(tmp_path: Path) -> None:
    repo = tmp_path / "billing"
    result = CliRunner().invoke(app, ["init", str(repo)])
    assert result.exit_code == 0, result.output
    project = tomllib.loads((repo / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["dependencies"] == [f"{netkit.DISTRIBUTION}>={netkit.__version__}"]
    assert project["optional-dependencies"]["test"] == [
        f"{netkit.DISTRIBUTION}[test]>={netkit.__version__}"]
    # Resolve what the scaffolded project asks for against what is installed here (this
    # checkout) and nothing else: a dependency on another distribution would not resolve.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "PIP_"))}
    wanted = [*project["dependencies"], *project["optional-dependencies"]["test"]]
    proc = subprocess.run([sys.executable, "-m", "pip", "install", "--dry-run", "--no-index",
                           "--quiet", *wanted], capture_output=True, text=True, env=env,
                          cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    broken = wanted[0].replace(netkit.DISTRIBUTION, "netkit-k8s-other")
    proc = subprocess.run([sys.executable, "-m", "pip", "install", "--dry-run", "--no-index",
                           "--quiet", broken], capture_output=True, text=True, env=env,
                          cwd=tmp_path)
    assert proc.returncode != 0  # the check can fail
