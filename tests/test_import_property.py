"""Whatever NetworkPolicies a zero-trust namespace holds, the imported blueprint admits the
same flows (allows where constructs express them, the rest kept as it is)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netkit import KubeObject
from netkit.importer import import_objects, verify_source
from tests.test_import import ZERO_TRUST, deployment, policy

APPS = ("a", "b", "c")
PEERS = st.sampled_from([
    *({"podSelector": {"matchLabels": {"app": a}}} for a in APPS),
    {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "ingress-nginx"}}},
    *({"podSelector": {"matchLabels": {"app": a}}} for a in APPS),
    {"podSelector": {}},
    {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "ops"}}},
    {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "ops"}},
     "podSelector": {"matchLabels": {"role": "scraper"}}},
    {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "ingress-nginx"}}},
    {"namespaceSelector": {}},
    {"ipBlock": {"cidr": "10.0.0.0/8", "except": ["10.1.0.0/16"]}},
])
PORTS = st.sampled_from([
    [], [{"port": 8080}], [{"port": "http"}], [{"port": "metrics"}],
    [{"port": 53, "protocol": "UDP"}], [{"port": 9000, "endPort": 9010}],
    [{"port": 8080}, {"port": 9090}],
])
SELECTED = st.sampled_from([
    *({"matchLabels": {"app": a}} for a in APPS), {"matchLabels": {"tier": "front"}}, {},
    {"matchExpressions": [{"key": "app", "operator": "In", "values": ["a", "b"]}]},
])


def _random(draw: st.DrawFn, name: str) -> dict[str, Any]:
    spec: dict[str, Any] = {"podSelector": draw(SELECTED)}
    directions = draw(st.sampled_from([["Ingress"], ["Egress"], ["Ingress", "Egress"]]))
    spec["policyTypes"] = directions
    for direction in directions:
        key = "from" if direction == "Ingress" else "to"
        spec[direction.lower()] = [
            {key: draw(st.lists(PEERS, min_size=1, max_size=3)), "ports": draw(PORTS)}
            for _ in range(draw(st.integers(1, 2)))]
    return policy(name, spec)


def _paired(draw: st.DrawFn, name: str) -> list[dict[str, Any]]:
    """A flow between two pods of the namespace, allowed on both sides (or, sometimes,
    on one only)."""
    src, dst = draw(st.sampled_from(APPS)), draw(st.sampled_from(APPS))
    ports = draw(PORTS)
    out = [policy(f"{name}-in", {"podSelector": {"matchLabels": {"app": dst}}, "ingress": [
        {"from": [{"podSelector": {"matchLabels": {"app": src}}}], "ports": ports}]})]
    if draw(st.booleans()) or draw(st.booleans()):
        out.append(policy(f"{name}-out", {"podSelector": {"matchLabels": {"app": src}},
                                          "policyTypes": ["Egress"], "egress": [{"to": [
                                              {"podSelector": {"matchLabels": {"app": dst}}}],
                                              "ports": ports}]}))
    return out


@st.composite
def policies(draw: st.DrawFn) -> list[dict[str, Any]]:
    out = []
    for i in range(draw(st.integers(1, 4))):
        if draw(st.booleans()):
            out.append(_random(draw, f"p{i}"))
        else:
            out += _paired(draw, f"p{i}")
    return out


def _workloads() -> list[dict[str, Any]]:
    out = []
    for a in APPS:
        labels = {"app": a, **({"tier": "front"} if a != "c" else {})}
        out.append(deployment(a, labels, {"http": 8080, "metrics": 9090}))
    return out


@pytest.mark.parametrize("listed", [True, False], ids=["deployments", "inferred"])
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(found=policies())
def test_imported_policies_admit_the_same_flows(listed: bool,
                                                found: list[dict[str, Any]]) -> None:
    objects = [KubeObject(o) for o in [*(_workloads() if listed else []), *ZERO_TRUST, *found]]
    imported = import_objects(objects)
    proof = verify_source(objects, imported.source)
    assert proof.equivalent, imported.source + proof.text()
