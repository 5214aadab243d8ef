"""The bundled blueprints, for both ingress targets, against reviewed YAML snapshots."""

from __future__ import annotations

from typing import Any

import pytest

from netkit.testing import synth
from tests.conftest import ROOT

BLUEPRINTS = sorted(p.stem for p in (ROOT / "blueprints").glob("*.py"))


@pytest.mark.parametrize("ingress", ["gateway-api", "ingress-nginx"])
@pytest.mark.parametrize("name", BLUEPRINTS)
def test_blueprint(name: str, ingress: str, yaml_snapshot: Any) -> None:
    result = synth(ROOT / "blueprints" / f"{name}.py", target={"ingress": ingress})
    assert result == yaml_snapshot


def test_blueprints_are_the_documented_three() -> None:
    assert BLUEPRINTS == ["payments", "platform", "shop"]


def test_shop_has_the_db_firewall_and_canary() -> None:
    result = synth(ROOT / "blueprints" / "shop.py")
    db = result.get("NetworkPolicy", "allow-ingress-db", "shop")
    assert db["spec"]["ingress"] == [{"from": [{"podSelector": {"matchLabels": {"app": "api"}}}],
                                      "ports": [{"port": 5432, "protocol": "TCP"}]}]
    route = result.get("HTTPRoute", "site-web", "shop")
    assert [b["weight"] for b in route["spec"]["rules"][0]["backendRefs"]] == [90, 10]
    assert result.get("BackendTrafficPolicy", "site-web-ratelimit", "shop")


def test_staging_env_changes_host_and_rate() -> None:
    result = synth(ROOT / "blueprints" / "shop.py", env="staging")
    assert result.get("HTTPRoute", "site-web")["spec"]["hostnames"] == [
        "staging.cafe.example.com"]
