"""netkit.testing: in-memory synth, lookups, and assertions that read like intent."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from netkit.testing import assert_isolated, assert_reachable, assert_valid, synth
from tests.conftest import ROOT

SHOP = ROOT / "blueprints" / "shop.py"


def test_lookups() -> None:
    result = synth(SHOP)
    assert [o["metadata"]["name"] for o in result.by_kind("Service")] == [
        "web", "web-canary", "api", "db"]
    assert result.get("Service", "db", "shop")["spec"]["clusterIP"] == "None"
    with pytest.raises(KeyError, match="no Service shop/nope"):
        result.get("Service", "nope", "shop")
    assert "NK121" in result.rules("info")
    assert {w.id for w in result.workloads} >= {"shop/web", "shop/api", "shop/db"}


def test_assert_reachable_and_isolated() -> None:
    result = synth(SHOP)
    assert_reachable(result, "shop/web", "shop/api", 8080)
    assert_reachable(result, "shop/api", "shop/db", 5432)
    assert_isolated(result, "shop/web", "shop/db")
    assert_isolated(result, "shop/api", "shop/db", 5433)
    with pytest.raises(AssertionError, match=r"(?s)shop/web cannot reach shop/db on TCP/5432"
                                             r".*shop\.allow\(web, to=db, port=5432\)"):
        assert_reachable(result, "shop/web", "shop/db", 5432)
    with pytest.raises(AssertionError, match="shop/api can reach shop/db on TCP 5432"):
        assert_isolated(result, "shop/api", "shop/db")


def test_assertions_on_plain_objects() -> None:
    objs: list[dict[str, Any]] = [
        {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "a", "namespace": "x",
                                                         "labels": {"app": "a"}}},
        {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "b", "namespace": "x",
                                                         "labels": {"app": "b"}}}]
    assert_reachable(objs, "x/a", "x/b", 80)
    assert_valid(objs)
    bad = [{"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"},
            "spec": {"ports": [{"port": 0}]}}]
    with pytest.raises(AssertionError, match=r"1 validation error\(s\):\n.*spec\.ports\[0\]"):
        assert_valid(bad)


def test_assert_valid_on_blueprints() -> None:
    assert_valid(synth(SHOP))


def test_yaml_snapshot_fixture_writes_and_compares(tmp_path: Path) -> None:
    from netkit.serialize import dump_all

    objs = [{"apiVersion": "v1", "kind": "ConfigMap",
             "metadata": {"name": "c", "namespace": "n"}, "data": {"k": "v"}}]
    (tmp_path / "test_snap.py").write_text(
        f"def test_cm(yaml_snapshot):\n    assert {objs!r} == yaml_snapshot\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}

    def pytest_run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                               "-p", "no:hypothesispytest", "test_snap.py", *args],
                              cwd=tmp_path, env=env, capture_output=True, text=True)

    snapshot = tmp_path / "snapshots" / "test_snap" / "test_cm.yaml"
    assert pytest_run("--snapshot-update").returncode == 0
    assert snapshot.read_text() == dump_all(objs)
    assert pytest_run().returncode == 0
    snapshot.write_text(dump_all(objs).replace("k: v", "k: changed"))
    proc = pytest_run()
    assert proc.returncode == 1 and "k: changed" in proc.stdout


def test_assert_valid_reports_synth_errors_and_other_versions() -> None:
    from netkit import Blueprint, Manifest

    bp = Blueprint("bad")
    Manifest(bp, "svc", {"apiVersion": "v1", "kind": "Service",
                         "metadata": {"name": "web", "namespace": "a"},
                         "spec": {"ports": [{"port": 80}],
                                  "trafficDistribution": "PreferSameNode"}})
    result = synth(bp)
    assert_valid(result)  # fine on the Target's default version
    with pytest.raises(AssertionError, match=r"1 validation error\(s\):\n.*trafficDistribution"):
        assert_valid(result, kubernetes="1.33")
