"""netkit.testing: in-memory synth, lookups, and assertions that read like intent."""

from __future__ import annotations

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
    assert "NK122" in result.rules("info")
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


def test_yaml_snapshot_fixture_is_registered(pytestconfig: pytest.Config) -> None:
    assert pytestconfig.pluginmanager.has_plugin("netkit")


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
