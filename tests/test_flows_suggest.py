"""suggest: blueprint lines or NetworkPolicy YAML that admit exactly the observed flows the
policies deny — proved by auditing again, and by checking that nothing else opened."""

from __future__ import annotations

import ipaddress
import json
import textwrap
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from netkit import KubeObject
from netkit.analysis.engine import Reachability
from netkit.analysis.ports import NONE, PortSet
from netkit.cli import app
from netkit.flows.aggregate import read
from netkit.flows.as_python import as_python
from netkit.flows.as_yaml import as_yaml
from netkit.flows.verdicts import TWIN, flow_reachability
from netkit.workspace import Sources, audit_flows, suggest
from netkit.workspace import read as read_inputs

runner = CliRunner()
SKELETON = '''\
from netkit import Blueprint, Target
from netkit.constructs import WorkloadPort, ZeroTrustNamespace, any_pod_in, cidr


def build(env: str = "prod") -> Blueprint:
    bp = Blueprint("adopt", target=Target(cni="{cni}"))
    shop = ZeroTrustNamespace(bp, "shop")
    pay = ZeroTrustNamespace(bp, "pay")
{body}
    return bp
'''
PORTS = [("TCP", 80), ("TCP", 443), ("TCP", 8080), ("UDP", 53), ("SCTP", 3868)]
DECLARED_PORTS = ('{"http": 80, "https": 443, "web": 8080, '
                  '"dns": WorkloadPort(port=53, protocol="UDP"), '
                  '"diameter": WorkloadPort(port=3868, protocol="SCTP")}')
PODS = {"shop/w0": "shop", "shop/w1": "shop", "shop/w2": "shop", "pay/w3": "pay",
        "monitoring/prom": None}
WORLD = ["203.0.113.9", "198.51.100.7", "2001:db8::5"]


def blueprint(path: Path, declared: list[str], suggestion: str = "", cni: str = "calico"
              ) -> str:
    lines = [f'    {p.split("/")[1]} = {PODS[p]}.workload("{p.split("/")[1]}", '
             f'labels={{"app": "{p.split("/")[1]}"}}, ports={DECLARED_PORTS})'
             for p in declared]
    body = "\n".join(lines) + "\n" + textwrap.indent(suggestion, "    ")
    path.write_text(SKELETON.format(cni=cni, body=body), encoding="utf-8")
    return str(path)


def flow_log(path: Path, flows: list[tuple[str, str, tuple[str, int]]]) -> str:
    def labels(end: str) -> dict[str, str] | None:
        return {"app": end.split("/")[1]} if "/" in end else None

    path.write_text("".join(json.dumps(
        {"src": s, "dst": d, "protocol": p[0], "port": p[1], "src_labels": labels(s),
         "dst_labels": labels(d), **({"dst_name": "api.example.com"} if d == WORLD[0] else {})})
        + "\n" for s, d, p in flows), encoding="utf-8")
    return str(path)


def observed_ports(flows: list[tuple[str, str, tuple[str, int]]]) -> dict[tuple[str, str],
                                                                           PortSet]:
    out: dict[tuple[str, str], PortSet] = {}
    for s, d, (protocol, port) in flows:
        out[(s, d)] = out.get((s, d), NONE) | PortSet.of(protocol, port)
    return out


def identity(r: Reachability, endpoint_id: str) -> str:
    """The observed identity an endpoint stands for: a workload, or an observed address (a
    DNS name Cilium allows stands for the address the log knew by that name)."""
    if endpoint_id == "fqdn/api.example.com":
        return WORLD[0]
    if endpoint_id.startswith("ext/"):
        net = ipaddress.ip_network(endpoint_id[4:])
        return str(net.network_address) if net.prefixlen == net.max_prefixlen else endpoint_id
    return endpoint_id.removesuffix(TWIN)


def opened(before: Reachability, after: Reachability) -> dict[tuple[str, str], PortSet]:
    """What ``after`` allows that ``before`` did not, by observed identity."""
    out: dict[tuple[str, str], PortSet] = {}
    old_ids = {e.id for e in before.endpoints}

    def in_before(e: Any) -> str | None:
        if e.id in old_ids:
            return str(e.id)
        if e.cell is None:  # a DNS name only the suggestion's Cilium policy names: its address
            cell = before.cluster.locate(identity(after, e.id))
            return cell.id if cell is not None and identity(after, e.id) != e.id else None
        cell = before.cluster.locate(str(e.cell.representative()))
        assert cell is not None
        return cell.id

    for f in after.flows():
        if (f.src.implied and f.src.id not in old_ids) or (
                f.dst.implied and f.dst.id not in old_ids):
            continue  # cluster DNS, implied once a policy names it, was there all along
        src, dst = in_before(f.src), in_before(f.dst)
        gained = f.ports - (before.ports(src, dst) if src and dst else NONE)
        if gained:
            key = (identity(after, f.src.id), identity(after, f.dst.id))
            out[key] = out.get(key, NONE) | gained
    return out


end = st.sampled_from(list(PODS)) | st.sampled_from(WORLD)
flow = st.tuples(end, end, st.sampled_from(PORTS)).filter(
    lambda f: "/" in f[0] or "/" in f[1])


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(flow, min_size=1, max_size=8),
       st.lists(st.sampled_from(["shop/w0", "shop/w1", "pay/w3"]), unique=True),
       st.sampled_from(["calico", "cilium"]))
def test_suggestion_admits_exactly_the_observed_flows(
        tmp_path_factory: Any, flows: list[tuple[str, str, tuple[str, int]]],
        declared: list[str], cni: str) -> None:
    tmp = tmp_path_factory.mktemp("adopt")
    log = flow_log(tmp / "flows.jsonl", flows)
    skeleton = read_inputs([blueprint(tmp / "network.py", declared, cni=cni)])
    suggestion = suggest(Sources(), log, skeleton)
    code = as_python(suggestion)
    applied = read_inputs([blueprint(tmp / "suggested.py", declared, code, cni=cni)])
    assert audit_flows(applied, log, "").denied == [], code

    observed = read(log)
    before = flow_reachability(skeleton.objects, skeleton.workloads, observed)
    after = flow_reachability(applied.objects, applied.workloads, observed)
    seen = observed_ports(flows)
    for pair, ports in opened(before, after).items():
        assert not ports - seen.get(pair, NONE), (pair, ports.describe(), code)

    policies = [KubeObject(o) for o in yaml.safe_load_all(as_yaml(suggestion))]
    with_yaml = Sources(objects=[*skeleton.objects, *policies], workloads=skeleton.workloads)
    assert audit_flows(with_yaml, log, "").denied == []
    after_yaml = flow_reachability(with_yaml.objects, with_yaml.workloads, observed)
    for pair, ports in opened(before, after_yaml).items():
        assert not ports - seen.get(pair, NONE), (pair, ports.describe())


def test_the_lines_a_person_reads(tmp_path: Path) -> None:
    log = flow_log(tmp_path / "flows.jsonl", [
        ("shop/w0", "shop/w1", ("TCP", 8080)), ("shop/w0", "shop/w1", ("UDP", 53)),
        ("monitoring/prom", "shop/w1", ("TCP", 9090)), ("shop/w1", WORLD[0], ("TCP", 443)),
        ("shop/w1", "pay/w3", ("TCP", 443))])
    network = blueprint(tmp_path / "network.py", ["pay/w3"])
    result = runner.invoke(app, ["suggest", "--flows", log, "--blueprint", network])
    assert result.exit_code == 0, result.output
    body = [line for line in result.stdout.splitlines() if line and not line.startswith("#")]
    assert body == [
        'w0 = shop.workload("w0", labels={"app": "w0"})',
        'w1 = shop.workload("w1", labels={"app": "w1"}, ports={"dns": WorkloadPort(port=53, '
        'protocol="UDP"), "tcp-8080": 8080, "tcp-9090": 9090})',
        'pay.allow(w1, to=w3, port="https")',  # grouped by the workload the allow is for
        'shop.allow(any_pod_in("monitoring", pods={"app": "prom"}), to=w1, port="tcp-9090")',
        'shop.allow(w0, to=w1, port="tcp-8080")',
        'shop.allow(w0, to=w1, port="dns")',
        'shop.allow(w1, to=cidr("203.0.113.9/32"), port=443)  # api.example.com']
    assert "# pay/w3" in result.stdout and "# shop/w1" in result.stdout
    yaml_out = runner.invoke(app, ["suggest", "--flows", log, "--blueprint", network,
                                   "--format", "yaml"]).stdout
    names = [d["metadata"]["name"] for d in yaml.safe_load_all(yaml_out)]
    assert names == ["allow-observed-ingress-w3", "allow-observed-egress-w0",
                     "allow-observed-egress-w1", "allow-observed-ingress-w1"]


def test_cilium_targets_get_fqdn_egress(tmp_path: Path) -> None:
    log = flow_log(tmp_path / "flows.jsonl", [("shop/w1", WORLD[0], ("TCP", 443))])
    network = blueprint(tmp_path / "network.py", ["shop/w1"], cni="cilium")
    out = runner.invoke(app, ["suggest", "--flows", log, "--blueprint", network]).stdout
    assert 'shop.allow_egress_fqdn(w1, "api.example.com", port=443)' in out
    applied = blueprint(tmp_path / "applied.py", ["shop/w1"], out, cni="cilium")
    audit = runner.invoke(app, ["audit", "--flows", log, applied, "--fail-on-denied"])
    assert audit.exit_code == 0, audit.stdout


def test_fqdn_patterns_follow_cilium() -> None:
    from netkit.flows.fqdn import fqdn_rules
    from netkit.flows.records import pod

    cnp = KubeObject({"apiVersion": "cilium.io/v2", "kind": "CiliumNetworkPolicy",
                      "metadata": {"name": "out", "namespace": "shop"},
                      "spec": {"endpointSelector": {"matchLabels": {"k8s:app": "web"}},
                               "egress": [{"toFQDNs": [{"matchName": "api.stripe.com"},
                                                       {"matchPattern": "*.example.com"},
                                                       {"matchPattern": "**.corp.net"}],
                                           "toPorts": [{"ports": [{"port": "443",
                                                                   "protocol": "TCP"}]}]}]}})
    (rule,) = fqdn_rules([cnp])
    web, other = pod("shop", "web", {"app": "web"}), pod("shop", "db", {"app": "db"})
    assert rule.admits(web, ["API.Stripe.com."], "TCP", 443)
    assert rule.admits(web, ["a.example.com"], "TCP", 443)
    assert not rule.admits(web, ["a.b.example.com"], "TCP", 443)
    assert rule.admits(web, ["a.b.corp.net"], "TCP", 443)
    assert not rule.admits(web, ["api.stripe.com"], "TCP", 80)
    assert not rule.admits(web, ["api.stripe.com"], "UDP", 443)
    assert not rule.admits(other, ["api.stripe.com"], "TCP", 443)


def test_suggest_refuses_what_it_cannot_use(tmp_path: Path) -> None:
    log = flow_log(tmp_path / "flows.jsonl", [("shop/w0", "shop/w1", ("TCP", 8080))])
    manifest = tmp_path / "p.yaml"
    manifest.write_text("apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n")
    bad = runner.invoke(app, ["suggest", "--flows", log, "--blueprint", str(manifest)])
    assert bad.exit_code == 2 and bad.stderr.startswith("error: --blueprint: ")
    assert runner.invoke(app, ["suggest", str(manifest)]).exit_code == 2  # --flows is required
    fmt = runner.invoke(app, ["suggest", "--flows", log, str(manifest), "--format", "json"])
    assert fmt.exit_code == 2 and "unknown format 'json'" in fmt.stderr


def test_nothing_to_suggest_when_everything_is_allowed(tmp_path: Path) -> None:
    log = flow_log(tmp_path / "flows.jsonl", [("shop/w0", "shop/w1", ("TCP", 8080))])
    manifest = tmp_path / "p.yaml"
    manifest.write_text("apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n")
    out = runner.invoke(app, ["suggest", "--flows", log, str(manifest)])
    assert out.exit_code == 0 and "# nothing to add: every observed flow is allowed" in out.stdout
    assert runner.invoke(app, ["suggest", "--flows", log, str(manifest),
                               "--format", "yaml"]).stdout == ""
