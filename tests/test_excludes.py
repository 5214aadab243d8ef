"""Directory walks leave out snapshot folders, what git ignores and the user's patterns;
files named on the command line are always read."""

from __future__ import annotations

import subprocess
from pathlib import Path, PurePosixPath

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from netkit import load_manifests
from netkit.cli import app
from netkit.inputs.excludes import Excludes
from netkit.inputs.manifests import yaml_files

SERVICE = "apiVersion: v1\nkind: Service\nmetadata: {name: %s, namespace: a}\n" \
          "spec: {ports: [{port: %d}]}\n"


def tree(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def names(objects: list) -> list[str]:  # type: ignore[type-arg]
    return [o.name for o in objects]


@pytest.mark.parametrize(("pattern", "path", "skipped"), [
    ("snapshots", "tests/snapshots/test_x/a.yaml", True),
    ("__snapshots__", "__snapshots__/a.yaml", True),
    ("charts", "deploy/charts/app/values.yaml", True),
    ("charts/*", "charts/app/templates/svc.yaml", True),
    ("charts/*", "deploy/charts/app.yaml", False),
    ("*.tmpl.yaml", "a/b.tmpl.yaml", True),
    ("*.tmpl.yaml", "a/b.yaml", False),
    ("deploy/", "deploy/x.yaml", True),
    ("snapshot", "tests/snapshots/a.yaml", False),
])
def test_patterns(pattern: str, path: str, skipped: bool) -> None:
    assert Excludes((pattern,), gitignore=False).skips(PurePosixPath(path)) is skipped


def test_hidden_paths_are_always_skipped() -> None:
    assert Excludes((), gitignore=False).skips(PurePosixPath(".netkit/lock.yaml"))
    assert not Excludes((), gitignore=False).skips(PurePosixPath("app/svc.yaml"))


def test_walks_leave_out_snapshots_ignored_and_excluded_files(tmp_path: Path) -> None:
    tree(tmp_path, {"svc.yaml": SERVICE % ("kept", 80),
                    "tests/snapshots/test_network/snap.yaml": SERVICE % ("snap", 0),
                    "build/out.yaml": SERVICE % ("ignored", 0),
                    "charts/app/templates/svc.yaml": "{{ .Values.bad }}\n",
                    ".gitignore": "build/\n"})
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    assert names(load_manifests([str(tmp_path)], ["charts"])) == ["kept"]
    # Without git's word (outside a repository) only the patterns apply.
    subprocess.run(["rm", "-rf", str(tmp_path / ".git")], check=True)
    assert names(load_manifests([str(tmp_path)], ["charts"])) == ["ignored", "kept"]


def test_named_files_are_read_even_when_a_walk_would_skip_them(tmp_path: Path) -> None:
    tree(tmp_path, {"tests/snapshots/snap.yaml": SERVICE % ("snap", 80)})
    assert names(load_manifests([str(tmp_path / "tests/snapshots/snap.yaml")])) == ["snap"]


def test_validate_of_a_scaffolded_repository_skips_its_snapshots(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    runner = CliRunner()
    repo = tmp_path / "orders"
    assert runner.invoke(app, ["init", str(repo)]).exit_code == 0
    tree(repo, {"tests/snapshots/test_network/broken.yaml": SERVICE % ("bad", 0),
                "charts/x/svc.yaml": SERVICE % ("helm", 0)})
    monkeypatch.chdir(repo)
    clean = runner.invoke(app, ["validate", ".", "--exclude", "charts"])
    assert clean.exit_code == 0, clean.output
    assert "bad" not in clean.output and "helm" not in clean.output
    with_charts = runner.invoke(app, ["validate", "."])
    assert with_charts.exit_code == 1 and "Service/a/helm" in with_charts.output
    (repo / "pyproject.toml").write_text((repo / "pyproject.toml").read_text().replace(
        "[tool.netkit]\n", '[tool.netkit]\nexclude = ["charts"]\n'))
    assert runner.invoke(app, ["validate", "."]).exit_code == 0


def test_a_folder_git_ignores_is_read_when_named(tmp_path: Path) -> None:
    tree(tmp_path, {"gitops/default/a/svc.yaml": SERVICE % ("out", 80),
                    "gitops/default/a/build/tmp.yaml": SERVICE % ("tmp", 80),
                    "src/svc.yaml": SERVICE % ("src", 80),
                    ".gitignore": "/gitops/\nbuild/\n"})
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    assert names(load_manifests([str(tmp_path)])) == ["src"]
    # Named on the command line, the ignored output folder is read, all of it: inside an
    # ignored folder git reports every file as ignored, so its rules cannot pick any out.
    assert names(load_manifests([str(tmp_path / "gitops")])) == ["tmp", "out"]


WALKED = ["a.yaml", "a/b.yaml", "a/c/d.yml", "a-c/x.json", "charts/app/templates/svc.yaml",
          "deploy/charts/app.yaml", "tests/snapshots/s.yaml", "x/.hid/h.yaml", "x/.h.yaml",
          "x/y/z/w.yaml", "x/y.tmpl.yaml", "snap/snapshots.yaml"]
PATTERNS = ["snapshots", "charts", "charts/*", "*.tmpl.yaml", "deploy/", "x/y", "a/*/d.yml",
            "a*", "*/z", "c"]


@pytest.fixture(scope="module")
def walked(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("walk")
    tree(root, dict.fromkeys(WALKED, "kind: X\n"))
    return root


@given(patterns=st.lists(st.sampled_from(PATTERNS), max_size=3))
@settings(max_examples=40, deadline=None)
def test_a_walk_keeps_what_skips_keeps_though_it_leaves_folders_unentered(
        walked: Path, patterns: list[str]) -> None:
    excludes = Excludes(tuple(patterns), gitignore=False)
    expected = sorted((rel for rel in WALKED if not excludes.skips(rel)),
                      key=lambda rel: rel.split("/"))
    assert [p.relative_to(walked).as_posix()
            for p in yaml_files(walked, excludes)] == expected


@pytest.mark.parametrize("spelt", [".", "./", "sub", "sub/", "./sub", "sub//", "sub/../sub"])
def test_files_found_are_spelt_as_pathlib_joins_them(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, spelt: str) -> None:
    tree(tmp_path / "sub", {"a/b.yaml": SERVICE % ("b", 80)})
    monkeypatch.chdir(tmp_path if "sub" in spelt else tmp_path / "sub")
    assert [o.file for o in load_manifests([spelt])] == [str(Path(spelt) / "a/b.yaml")]
