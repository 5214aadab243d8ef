"""audit --flows: every observed flow judged by the reachability engine, the deciding policy
named, allows never seen, the CI gate and the report formats."""

from __future__ import annotations

import io
import ipaddress
import json
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from netkit import KubeObject
from netkit.analysis.external import Cell
from netkit.analysis.model import Endpoint
from netkit.cli import app
from netkit.flows.aggregate import read
from netkit.flows.verdicts import DENIED, EXEMPT, flow_reachability, judge
from tests.analysis.reference import allowed
from tests.analysis.test_property import PROTOCOLS, cluster

runner = CliRunner()
POLICIES = """\
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: default-deny, namespace: shop}
spec: {podSelector: {}, policyTypes: [Ingress, Egress]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: allow-api, namespace: shop}
spec:
  podSelector: {matchLabels: {app: api}}
  policyTypes: [Ingress]
  ingress:
  - from: [{podSelector: {matchLabels: {app: web}}}]
    ports: [{port: http}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: allow-web, namespace: shop}
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Egress]
  egress:
  - to: [{podSelector: {matchLabels: {app: api}}}]
    ports: [{port: 8080}]
  - to: [{ipBlock: {cidr: 10.9.0.0/16}}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec: {containers: [{name: api, image: api:1, ports: [{name: http, containerPort: 8080}]}]}
"""
FLOWS = [
    {"src": "shop/web", "dst": "shop/api", "port": 8080, "count": 40, "src_labels": {"app": "web"},
     "dst_labels": {"app": "api"}, "time": "2026-11-30T10:00:00Z"},
    {"src": "shop/web", "dst": "203.0.113.9", "port": 443, "src_labels": {"app": "web"},
     "dst_name": "api.stripe.com"},
    {"src": "monitoring/prometheus", "dst": "shop/api", "port": 9090,
     "src_labels": {"app": "prometheus"}},
    {"src": "host", "dst": "shop/api", "port": 8080},
    {"src": "shop/api", "dst": "shop/api", "port": 7946, "protocol": "UDP"},
]


def write(tmp_path: Path, flows: list[dict[str, Any]] | None = None) -> tuple[str, str]:
    policies = tmp_path / "policies.yaml"
    policies.write_text(POLICIES, encoding="utf-8")
    log = tmp_path / "flows.jsonl"
    log.write_text("".join(json.dumps(f) + "\n" for f in flows or FLOWS), encoding="utf-8")
    return str(log), str(policies)


def cli(*args: str) -> Any:
    return runner.invoke(app, list(args))


def test_verdicts_name_the_deciding_policy(tmp_path: Path) -> None:
    log, policies = write(tmp_path)
    data = json.loads(cli("audit", "--flows", log, policies, "--format", "json").stdout)
    flows = {(f["from"], f["to"], f["port"]): f for f in data["flows"]}
    ok = flows[("shop/web", "shop/api", 8080)]
    assert ok["verdict"] == "allowed" and ok["count"] == 40
    assert ok["reason"] == ("egress allowed by shop/allow-web egress[0]; "
                            "ingress allowed by shop/allow-api ingress[0]")
    world = flows[("shop/web", "203.0.113.9", 443)]
    assert world["verdict"] == "denied" and world["egress"]["allowed"] is False
    assert world["egress"]["policies"] == ["shop/default-deny", "shop/allow-web"]
    assert flows[("monitoring/prometheus", "shop/api", 9090)]["ingress"]["allowed"] is False
    assert flows[("host", "shop/api", 8080)]["verdict"] == "exempt"
    gossip = flows[("shop/api", "shop/api", 7946)]
    assert gossip["verdict"] == "denied"  # between two pods of one workload: not loopback
    assert data["summary"] == {"flows": 5, "allowed": 1, "denied": 3, "breaking": 3,
                               "exempt": 1, "never_seen": 1}
    assert world["breaks"] is True and ok["breaks"] is False
    assert data["version"] == 1 and data["input"]["records"] == 44
    endpoint = next(e for e in data["endpoints"] if e["id"] == "203.0.113.9")
    assert endpoint["names"] == ["api.stripe.com"] and endpoint["kind"] == "external"
    (never,) = data["findings"]
    assert never["rule"] == "NK402" and never["field"] == "spec.egress[1]"
    assert never["object"] == "NetworkPolicy/shop/allow-web"


def test_fail_on_denied_is_the_ci_gate(tmp_path: Path) -> None:
    log, policies = write(tmp_path)
    assert cli("audit", "--flows", log, policies, "--fail-on-denied").exit_code == 1
    assert cli("audit", "--flows", log, policies).exit_code == 0
    good, _ = write(tmp_path, FLOWS[:1])
    assert cli("audit", "--flows", good, policies, "--fail-on-denied").exit_code == 0
    alone = cli("audit", policies, "--fail-on-denied")
    assert alone.exit_code == 2 and alone.stderr.startswith("error: --fail-on-denied: needs")


def test_flows_dropped_today_do_not_fail_the_gate(tmp_path: Path) -> None:
    scan = {"src": "198.51.100.66", "dst": "shop/api", "port": 22, "verdict": "DROPPED",
            "count": 30, "dst_labels": {"app": "api"}}
    log, policies = write(tmp_path, [FLOWS[0], scan])
    result = cli("audit", "--flows", log, policies, "--fail-on-denied")
    assert result.exit_code == 0, result.stdout
    assert "denied (dropped today)" in result.stdout
    assert "0 would be denied, 1 denied and dropped today" in result.stdout
    data = json.loads(cli("audit", "--flows", log, policies, "--format", "json").stdout)
    assert data["summary"]["denied"] == 1 and data["summary"]["breaking"] == 0
    assert data["flows"][0]["observed"] == {"DROPPED": 30}


def test_table_markdown_and_html(tmp_path: Path) -> None:
    log, policies = write(tmp_path)
    table = cli("audit", "--flows", log, policies).stdout
    assert "WOULD BE DENIED" in table and "3 would be denied" in table
    assert "[NK402]" in table
    md = cli("audit", "--flows", log, policies, "--format", "markdown").stdout
    assert "**3 observed flow(s) would be denied:**" in md
    assert "| `shop/web` | `203.0.113.9 (api.stripe.com)` | TCP/443 | 1 |" in md
    out = tmp_path / "audit.html"
    result = cli("audit", "--flows", log, policies, "--format", "html", "-o", str(out))
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    HTMLParser().feed(page)
    assert 'id="observed-flows"' in page and 'id="matrix"' in page
    assert page.index('id="observed-flows"') < page.index('id="findings"')
    bad = cli("audit", "--flows", log, policies, "--format", "dot")
    assert bad.exit_code == 2 and "unknown format 'dot'" in bad.stderr


def test_bad_flow_logs_are_one_line_errors(tmp_path: Path) -> None:
    _, policies = write(tmp_path)
    empty = tmp_path / "empty.json"
    empty.write_text("", encoding="utf-8")
    result = cli("audit", "--flows", str(empty), policies)
    assert result.exit_code == 2 and len(result.stderr.splitlines()) == 1
    assert "no flow records" in result.stderr
    missing = cli("audit", "--flows", str(tmp_path / "nope.json"), policies)
    assert missing.exit_code == 2 and "nope.json" in missing.stderr


def test_malformed_lines_are_reported_and_the_rest_judged(tmp_path: Path) -> None:
    log, policies = write(tmp_path)
    Path(log).write_text(Path(log).read_text() + "{oops\n", encoding="utf-8")
    data = json.loads(cli("audit", "--flows", log, policies, "--format", "json").stdout)
    bad = [f for f in data["findings"] if f["rule"] == "NK401"]
    assert [(f["file"], f["line"]) for f in bad] == [(log, 6)]
    assert data["summary"]["flows"] == 5


def test_never_seen_only_speaks_for_namespaces_in_the_log(tmp_path: Path) -> None:
    log, policies = write(tmp_path, [{"src": "other/a", "dst": "other/b", "port": 1,
                                      "src_labels": {"a": "1"}, "dst_labels": {"b": "1"}}])
    data = json.loads(cli("audit", "--flows", log, policies, "--format", "json").stdout)
    assert data["findings"] == []


WORLD_IPS = ["203.0.113.9", "10.1.2.200", "10.1.9.9", "2001:db8::9"]


@settings(max_examples=60, deadline=None)
@given(cluster(), st.data())
def test_verdicts_agree_with_the_brute_force_evaluator(objs: list[dict[str, Any]],
                                                       data: st.DataObject) -> None:
    pods = [o for o in objs if o["kind"] == "Pod"]
    ids = [f"{p['metadata']['namespace']}/{p['metadata']['name']}" for p in pods]
    ends = st.sampled_from(ids) | st.sampled_from(WORLD_IPS)
    flows = data.draw(st.lists(st.tuples(ends, ends, st.sampled_from(PROTOCOLS),
                                         st.sampled_from([53, 80, 443, 8080, 9005])),
                               min_size=1, max_size=8))
    labels = {i: p["metadata"].get("labels") or {} for i, p in zip(ids, pods, strict=True)}
    lines = "".join(json.dumps({"src": s, "dst": d, "protocol": proto, "port": port,
                                "src_labels": labels.get(s), "dst_labels": labels.get(d)}) + "\n"
                    for s, d, proto, port in flows)
    observed = read("flows", io.BytesIO(lines.encode()))
    r = flow_reachability([KubeObject(o) for o in objs], [], observed)
    policies = [o for o in objs if o["kind"] == "NetworkPolicy"]
    namespaces = {o["metadata"]["name"]: {**o["metadata"].get("labels", {}),
                                          "kubernetes.io/metadata.name": o["metadata"]["name"]}
                  for o in objs if o["kind"] == "Namespace"}
    by_id = {e.id: e for e in r.endpoints}

    def endpoint(peer_id: str, twin: bool = False) -> Endpoint:
        if peer_id in by_id:
            e = by_id[peer_id]
            return Endpoint(**{**e.__dict__, "id": e.id + "~"}) if twin else e
        return Endpoint(peer_id, "", peer_id, "External",
                        cell=Cell(ipaddress.ip_network(peer_id), ()))

    for v in judge(r, observed):
        f = v.flow
        if v.verdict == EXEMPT:
            assert v.src.kind == v.dst.kind == "external"
            continue
        expected = allowed(policies, namespaces, endpoint(f.src),
                           endpoint(f.dst, twin=f.src == f.dst), f.port, f.protocol)
        assert (v.verdict != DENIED) == expected, (f.key, v.reason)
