"""The example app repository and `netkit init` output: their own tests pass, their GitOps
output is up to date."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from netkit.cli import app
from tests.conftest import ROOT

EXAMPLE = ROOT / "examples" / "app-repo"


def run(cmd: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env=env)


def test_example_app_repo_tests_pass() -> None:
    proc = run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"], EXAMPLE)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "2 passed" in proc.stdout


def test_example_app_repo_output_is_up_to_date() -> None:
    proc = run([sys.executable, "-m", "netkit.cli", "synth", "--check"], EXAMPLE)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_init_repo_passes_its_own_tests(tmp_path: Path) -> None:
    repo = tmp_path / "billing"
    result = CliRunner().invoke(app, ["init", str(repo)])
    assert result.exit_code == 0, result.output
    for rel in ("pyproject.toml", "network.py", "tests/test_network.py",
                ".pre-commit-config.yaml", ".github/workflows/network.yml",
                "gitops/default/billing/kustomization.yaml",
                "tests/snapshots/test_network/test_network_snapshot.yaml"):
        assert (repo / rel).exists(), rel
    assert "netkit synth --check" in (repo / ".pre-commit-config.yaml").read_text()
    proc = run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"], repo)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert run([sys.executable, "-m", "netkit.cli", "synth", "--check"], repo).returncode == 0


def test_init_refuses_a_non_empty_directory_and_bad_names(tmp_path: Path) -> None:
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "keep.txt").write_text("mine")
    result = CliRunner().invoke(app, ["init", str(tmp_path / "x")])
    assert result.exit_code == 2 and "directory is not empty" in result.stderr
    result = CliRunner().invoke(app, ["init", str(tmp_path / "y"), "--name", "Bad_Name"])
    assert result.exit_code == 2 and "not a valid namespace name" in result.stderr


def test_pre_commit_hooks_are_published() -> None:
    text = (ROOT / ".pre-commit-hooks.yaml").read_text()
    assert "id: netkit-synth-check" in text and "entry: netkit synth --check" in text
