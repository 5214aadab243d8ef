"""The cluster's own parts (cluster DNS, the API server) are implied when the input omits them,
and every object of the input stays a distinct endpoint."""

from __future__ import annotations

import ipaddress
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from typer.testing import CliRunner

from netkit import NetkitError, reachability
from netkit.analysis.implied import ClusterParts
from netkit.cli import app
from tests.analysis.reference import allowed
from tests.analysis.test_property import cluster
from tests.analysis.test_semantics import SEL_WEB, WEB, namespace, np, pod
from tests.conftest import ROOT

DNS_PEER = {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "kube-system"}},
            "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}}}
DNS_EGRESS = np("dns", podSelector=SEL_WEB, policyTypes=["Egress"], egress=[
    {"to": [DNS_PEER], "ports": [{"port": 53, "protocol": "UDP"}, {"port": "dns-tcp",
                                                                     "protocol": "TCP"}]}])


def ids(objs: list[dict[str, Any]], parts: ClusterParts | None = None) -> list[str]:
    return [e.id for e in reachability(objs, parts=parts).endpoints]


def test_dns_is_implied_when_a_policy_names_it() -> None:
    r = reachability([WEB, DNS_EGRESS])
    dns = next(e for e in r.endpoints if e.id == "kube-system/kube-dns")
    assert dns.implied and dns.kind == "ClusterDNS" and not dns.external
    assert r.allowed("a/web", "kube-system/kube-dns", 53, "UDP")
    assert r.allowed("a/web", "kube-system/kube-dns", 53, "TCP")  # the named port resolves
    assert not r.allowed("a/web", "kube-system/kube-dns", 9153)
    assert "kube-system/*" not in ids([WEB, DNS_EGRESS])


def test_dns_is_not_implied_unless_named_or_when_present_or_off() -> None:
    assert ids([WEB]) == ["a/web"]
    assert ids([WEB, np("deny", policyTypes=["Egress"])]) == ["a/web"]
    coredns = pod("coredns-abc", "kube-system", **{"k8s-app": "kube-dns"})
    assert ids([WEB, coredns, DNS_EGRESS]) == ["a/web", "kube-system/coredns-abc"]
    assert ids([WEB, DNS_EGRESS], ClusterParts(dns=False)) == ["a/web", "kube-system/*"]


def test_dns_is_implied_when_a_policy_of_its_namespace_selects_it() -> None:
    guard = np("dns-ingress", "kube-system", podSelector={"matchLabels": {"k8s-app": "kube-dns"}},
               ingress=[{"ports": [{"port": 53, "protocol": "UDP"}]}])
    r = reachability([WEB, guard])
    assert r.allowed("a/web", "kube-system/kube-dns", 53, "UDP")
    assert not r.allowed("a/web", "kube-system/kube-dns", 9153)


def test_dns_labels_and_namespace_are_configurable() -> None:
    peer = {"namespaceSelector": {"matchLabels": {"role": "dns"}},
            "podSelector": {"matchLabels": {"app": "coredns"}}}
    policy = np("dns", podSelector=SEL_WEB, policyTypes=["Egress"], egress=[{"to": [peer]}])
    parts = ClusterParts(dns_namespace="dns", dns_labels=(("app", "coredns"),))
    objs = [WEB, namespace("dns", role="dns"), policy]
    assert ids(objs, parts) == ["a/web", "dns/kube-dns"]
    assert ids(objs) == ["a/web"]


def test_api_server_from_the_kubernetes_endpoint_slice() -> None:
    slice_ = {"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
              "metadata": {"name": "kubernetes", "namespace": "default",
                           "labels": {"kubernetes.io/service-name": "kubernetes"}},
              "addressType": "IPv4", "ports": [{"name": "https", "port": 6443,
                                                "protocol": "TCP"}],
              "endpoints": [{"addresses": ["172.18.0.2"]}]}
    to_api = np("api", podSelector=SEL_WEB, policyTypes=["Egress"], egress=[
        {"to": [{"ipBlock": {"cidr": "172.18.0.0/16"}}], "ports": [{"port": "https"}]}])
    r = reachability([WEB, slice_, to_api])
    api = next(e for e in r.endpoints if e.id == "default/kubernetes")
    assert api.implied and api.external and api.ip == "172.18.0.2"
    assert r.allowed("a/web", "default/kubernetes", 6443)
    assert not r.allowed("a/web", "default/kubernetes", 443)
    assert "default/*" not in ids([WEB, slice_, to_api])
    elsewhere = np("api", podSelector=SEL_WEB, policyTypes=["Egress"], egress=[
        {"to": [{"ipBlock": {"cidr": "10.0.0.0/8"}}]}])
    assert not reachability([WEB, slice_, elsewhere]).allowed("a/web", "default/kubernetes",
                                                               6443)
    # a pod selector never matches the API server: it runs on the hosts' network
    any_pod = np("any", podSelector=SEL_WEB, policyTypes=["Egress"], egress=[
        {"to": [{"namespaceSelector": {}}]}])
    assert not reachability([WEB, slice_, any_pod]).allowed("a/web", "default/kubernetes", 6443)


def test_api_server_from_endpoints_or_configuration() -> None:
    endpoints = {"apiVersion": "v1", "kind": "Endpoints",
                 "metadata": {"name": "kubernetes", "namespace": "default"},
                 "subsets": [{"addresses": [{"ip": "10.0.0.1"}, {"ip": "10.0.0.2"}],
                              "ports": [{"name": "https", "port": 443}]}]}
    assert ids([WEB, endpoints]) == ["a/web", "default/kubernetes[10.0.0.1]",
                                     "default/kubernetes[10.0.0.2]"]
    assert ids([WEB], ClusterParts(api_server_addresses=("192.0.2.1",))) == [
        "a/web", "default/kubernetes"]
    assert ids([WEB, endpoints], ClusterParts(api_server=False)) == ["a/web"]
    assert ids([WEB]) == ["a/web"]


def test_kinds_sharing_a_name_stay_distinct() -> None:
    deployment = {"apiVersion": "apps/v1", "kind": "Deployment",
                  "metadata": {"name": "web", "namespace": "a"},
                  "spec": {"selector": {"matchLabels": {"app": "web"}}, "template": {
                      "metadata": {"labels": {"app": "web", "tier": "x"}},
                      "spec": {"containers": [{"name": "c", "image": "web"}]}}}}
    r = reachability([WEB, deployment, pod("api", app="api")])
    assert [e.id for e in r.endpoints] == ["a/api", "a/deployment/web", "a/pod/web"]
    assert {e.kind for e in r.endpoints if e.name == "web"} == {"Pod", "Deployment"}
    assert ids([WEB, WEB]) == ["a/web"]  # the same object twice is one endpoint


SHOP = str(ROOT / "blueprints" / "shop.py")


def test_why_answers_dns_from_the_readme_example() -> None:
    result = CliRunner().invoke(app, ["why", "shop/web", "kube-system/*", SHOP, "--port", "53",
                                      "--protocol", "UDP"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("shop/web -> kube-system/kube-dns UDP/53: ALLOWED")
    assert "allowed by: shop/allow-dns-egress egress[0]" in result.stdout
    denied = CliRunner().invoke(app, ["why", "shop/web", "kube-system/*", SHOP, "--port",
                                      "5353", "--protocol", "UDP"])
    assert denied.exit_code == 1 and "DENIED" in denied.stdout
    unknown = CliRunner().invoke(app, ["why", "shop/web", "nowhere/*", SHOP, "--port", "53"])
    assert unknown.exit_code == 2 and "error: nowhere/*: no such endpoint" in unknown.stderr


def test_implied_parts_follow_the_project_configuration(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.netkit.implied]\ndns = false\napi_server_addresses = ["192.0.2.10"]\n')
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["audit", SHOP, "--format", "json"])
    assert result.exit_code == 0, result.output
    ids = {e["id"]: e for e in json.loads(result.stdout)["endpoints"]}
    assert "kube-system/kube-dns" not in ids and "kube-system/*" in ids
    assert ids["default/kubernetes"]["implied"] and ids["default/kubernetes"]["kind"] == "APIServer"
    (tmp_path / "pyproject.toml").write_text('[tool.netkit.implied]\napi_server_port = 0\n')
    bad = CliRunner().invoke(app, ["audit", SHOP])
    assert bad.exit_code == 2 and "[tool.netkit] implied.api_server_port" in bad.stderr


def test_api_server_addresses_are_checked_and_canonical(tmp_path: Path) -> None:
    from netkit.config import ImpliedConfig, load_config

    (tmp_path / "pyproject.toml").write_text(
        '[tool.netkit.implied]\napi_server_addresses = ["2001:DB8:0::10", "192.0.2.10"]\n')
    parts = load_config(tmp_path).implied.parts()
    assert parts.api_server_addresses == ("2001:db8::10", "192.0.2.10")
    (tmp_path / "pyproject.toml").write_text(
        '[tool.netkit.implied]\napi_server_addresses = ["192.0.2.300"]\n')
    with pytest.raises(NetkitError) as bad:
        load_config(tmp_path)
    assert "implied.api_server_addresses.0" in str(bad.value)
    assert "'192.0.2.300' does not appear to be an IPv4 or IPv6 address" in str(bad.value)
    library = ImpliedConfig(api_server_addresses=[ipaddress.IPv4Address("192.0.2.1"), 3232235777])
    assert library.parts().api_server_addresses == ("192.0.2.1", "192.168.1.1")


@given(cluster())
@settings(max_examples=100, deadline=None)
def test_implied_parts_match_the_brute_force_evaluator(objs: list[dict[str, Any]]) -> None:
    result = reachability(objs, parts=ClusterParts(api_server_addresses=("10.1.2.7",)))
    assert "default/kubernetes" in {e.id for e in result.endpoints}
    policies = [o for o in objs if o["kind"] == "NetworkPolicy"]
    namespaces = {o["metadata"]["name"]: {**o["metadata"].get("labels", {}),
                                          "kubernetes.io/metadata.name": o["metadata"]["name"]}
                  for o in objs if o["kind"] == "Namespace"}
    flows = {(f.src.id, f.dst.id) for f in result.flows()}
    assert flows == {(a.id, b.id) for a in result.endpoints for b in result.endpoints
                     if a.id != b.id and result.ports(a.id, b.id)}
    implied = [e for e in result.endpoints if e.implied]
    for a in implied:
        for b in result.endpoints:
            for src, dst in ((a, b), (b, a)):
                ports = result.ports(src.id, dst.id)
                for protocol in ("TCP", "UDP"):
                    for number in (53, 80, 6443, 9153):
                        assert ports.contains(number, protocol) == allowed(
                            policies, namespaces, src, dst, number, protocol), (
                            src.id, dst.id, protocol, number)
