"""The app synthesizes both charts, and the network admits the edge to the pods cdk8s made."""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from main import build

from netkit import load_manifests
from netkit.analysis import reachability
from netkit.validate import validate


def test_synth_writes_both_charts(tmp_path: Path) -> None:
    build(str(tmp_path)).synth()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["network.k8s.yaml", "web.k8s.yaml"]
    network = [d for d in yaml.safe_load_all((tmp_path / "network.k8s.yaml").read_text()) if d]
    names = {(d["kind"], d["metadata"]["name"]) for d in network}
    assert {("Service", "web"), ("NetworkPolicy", "allow-ingress-web"),
            ("HTTPRoute", "site")} <= names


def test_edge_reaches_the_cdk8s_pods_and_nothing_else(tmp_path: Path) -> None:
    build(str(tmp_path)).synth()
    objs = load_manifests([str(tmp_path)])
    assert [f for f in validate(objs) if f.severity == "error"] == []
    r = reachability(objs)
    assert r.allowed("envoy-gateway-system/*", "shop/web", 8080)
    assert not r.allowed("envoy-gateway-system/*", "shop/web", 9090)
