"""Hand-checked expectations for every NetworkPolicy corner case in DESIGN section 4."""

from __future__ import annotations

from typing import Any

import pytest

from netkit import reachability
from netkit.analysis import PortSet


def pod(name: str, ns: str = "a", ip: str | None = None, ports: list[Any] | None = None,
        **labels: str) -> dict[str, Any]:
    obj: dict[str, Any] = {"apiVersion": "v1", "kind": "Pod",
                           "metadata": {"name": name, "namespace": ns, "labels": labels},
                           "spec": {"containers": [{"name": "c", "ports": ports or []}]}}
    if ip:
        obj["status"] = {"podIP": ip}
    return obj


def np(name: str, ns: str = "a", **spec: Any) -> dict[str, Any]:
    return {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
            "metadata": {"name": name, "namespace": ns}, "spec": {"podSelector": {}, **spec}}


def namespace(name: str, **labels: str) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name,
                                                                  "labels": labels}}


WEB, API = pod("web", app="web"), pod("api", app="api")
SEL_API = {"matchLabels": {"app": "api"}}
SEL_WEB = {"matchLabels": {"app": "web"}}


def ok(objs: list[dict[str, Any]], src: str, dst: str, port: int = 80,
       protocol: str = "TCP") -> bool:
    return reachability(objs).allowed(src, dst, port, protocol)


def test_no_policies_everything_is_open() -> None:
    assert ok([WEB, API], "a/web", "a/api", 1) and ok([WEB, API], "a/api", "a/web", 65535, "SCTP")


def test_both_directions_must_allow() -> None:
    deny_egress = np("e", podSelector=SEL_WEB, policyTypes=["Egress"])
    allow_ingress = np("i", podSelector=SEL_API, ingress=[{"from": [{"podSelector": SEL_WEB}]}])
    assert not ok([WEB, API, deny_egress, allow_ingress], "a/web", "a/api")
    allow_egress = np("e2", podSelector=SEL_WEB, egress=[{"to": [{"podSelector": SEL_API}]}])
    assert ok([WEB, API, deny_egress, allow_ingress, allow_egress], "a/web", "a/api")
    deny_ingress = np("i2", podSelector=SEL_API)
    assert not ok([WEB, API, allow_egress, deny_ingress], "a/web", "a/api")


def test_isolation_is_per_direction() -> None:
    ingress_only = np("p", podSelector=SEL_API)
    objs = [WEB, API, ingress_only]
    assert not ok(objs, "a/web", "a/api") and ok(objs, "a/api", "a/web")


def test_policy_types_default_and_empty_egress() -> None:
    egress_rules = np("p", podSelector=SEL_WEB, egress=[{"to": [{"podSelector": SEL_API}],
                                                         "ports": [{"port": 443}]}])
    objs = [WEB, API, egress_rules]
    assert ok(objs, "a/web", "a/api", 443) and not ok(objs, "a/web", "a/api", 80)
    assert not ok(objs, "a/api", "a/web")  # omitted policyTypes still means Ingress
    empty_egress = np("q", podSelector=SEL_WEB, egress=[])
    assert ok([WEB, API, empty_egress], "a/web", "a/api", 80)  # egress: [] is not Egress


def test_empty_or_missing_ingress_denies_and_empty_rule_allows_all() -> None:
    for spec in ({}, {"ingress": []}, {"ingress": [], "policyTypes": ["Ingress"]}):
        assert not ok([WEB, API, np("p", podSelector=SEL_API, **spec)], "a/web", "a/api")
    allow_all = np("p", podSelector=SEL_API, ingress=[{}])
    assert ok([WEB, API, allow_all], "a/web", "a/api", 12345, "UDP")
    empty_lists = np("p", podSelector=SEL_API, ingress=[{"from": [], "ports": []}])
    assert ok([WEB, API, empty_lists], "a/web", "a/api", 1, "SCTP")


def test_peer_fields_and_within_or_across() -> None:
    other = pod("web", "b", app="web")
    objs = [WEB, API, other, namespace("a", team="x"), namespace("b", team="y")]
    both = np("p", podSelector=SEL_API, ingress=[{"from": [
        {"namespaceSelector": {"matchLabels": {"team": "y"}}, "podSelector": SEL_WEB}]}])
    assert ok([*objs, both], "b/web", "a/api") and not ok([*objs, both], "a/web", "a/api")
    either = np("p", podSelector=SEL_API, ingress=[{"from": [
        {"namespaceSelector": {"matchLabels": {"team": "y"}}}, {"podSelector": SEL_WEB}]}])
    assert ok([*objs, either], "b/web", "a/api") and ok([*objs, either], "a/web", "a/api")


def test_pod_selector_alone_means_own_namespace_and_empty_ns_selector_means_all() -> None:
    other = pod("web", "b", app="web")
    own = np("p", podSelector=SEL_API, ingress=[{"from": [{"podSelector": SEL_WEB}]}])
    assert ok([WEB, API, other, own], "a/web", "a/api")
    assert not ok([WEB, API, other, own], "b/web", "a/api")
    every = np("p", podSelector=SEL_API, ingress=[{"from": [{"namespaceSelector": {}}]}])
    assert ok([WEB, API, other, every], "b/web", "a/api")
    assert ok([WEB, API, other, every], "a/web", "a/api")


def test_protocols_and_ports() -> None:
    tcp_default = np("p", podSelector=SEL_API, ingress=[{"ports": [{"port": 80}]}])
    assert ok([WEB, API, tcp_default], "a/web", "a/api", 80, "TCP")
    assert not ok([WEB, API, tcp_default], "a/web", "a/api", 80, "UDP")
    all_udp = np("p", podSelector=SEL_API, ingress=[{"ports": [{"protocol": "UDP"}]}])
    objs = [WEB, API, all_udp]
    assert ok(objs, "a/web", "a/api", 1, "UDP") and ok(objs, "a/web", "a/api", 65535, "UDP")
    assert not ok(objs, "a/web", "a/api", 80, "TCP")  # a UDP-only allow still isolates
    sctp = np("p", podSelector=SEL_API, ingress=[{"ports": [{"protocol": "SCTP", "port": 9}]}])
    assert ok([WEB, API, sctp], "a/web", "a/api", 9, "SCTP")
    assert not ok([WEB, API, sctp], "a/web", "a/api", 9, "TCP")


def test_named_ports_resolve_per_destination_pod_and_protocol() -> None:
    api1 = pod("api1", ports=[{"name": "http", "containerPort": 8080}], app="api")
    api2 = pod("api2", ports=[{"name": "http", "containerPort": 9090}], app="api")
    api3 = pod("api3", ports=[{"name": "http", "containerPort": 7070, "protocol": "UDP"}],
               app="api")
    api4 = pod("api4", app="api")
    rule = np("p", podSelector=SEL_API, ingress=[{"ports": [{"port": "http"}]}])
    r = reachability([WEB, api1, api2, api3, api4, rule])
    assert r.ports("a/web", "a/api1") == PortSet.of("TCP", 8080)
    assert r.ports("a/web", "a/api2") == PortSet.of("TCP", 9090)
    assert r.ports("a/web", "a/api3") == PortSet.none()  # named port exists only as UDP
    assert r.ports("a/web", "a/api4") == PortSet.none()  # unmatched name allows nothing
    egress = np("e", podSelector=SEL_WEB, egress=[{"ports": [{"port": "http", "protocol": "UDP"}]}])
    r = reachability([WEB, api1, api3, egress])
    assert r.ports("a/web", "a/api3") == PortSet.of("UDP", 7070)
    assert r.ports("a/web", "a/api1") == PortSet.none()


def test_end_port_is_inclusive() -> None:
    rng = np("p", podSelector=SEL_API, ingress=[{"ports": [{"port": 9000, "endPort": 9010}]}])
    r = reachability([WEB, API, rng])
    assert r.ports("a/web", "a/api") == PortSet.of("TCP", 9000, 9010)
    assert r.allowed("a/web", "a/api", 9010) and not r.allowed("a/web", "a/api", 9011)
    assert not r.allowed("a/web", "a/api", 8999)


def test_ip_blocks_outside_and_pod_ips_with_except_and_masking() -> None:
    web = pod("web", ip="10.1.2.3", app="web")
    lab = pod("lab", ip="10.1.9.9", app="lab")
    policy = np("p", podSelector=SEL_API, ingress=[{"from": [{"ipBlock": {
        "cidr": "10.1.1.1/16", "except": ["10.1.9.0/24"]}}]}])
    r = reachability([web, lab, API, policy])
    assert r.allowed("a/web", "a/api", 80)  # pod IP inside the (masked) 10.1.0.0/16
    assert not r.allowed("a/lab", "a/api", 80)  # carved out by except
    ids = [e.id for e in r.endpoints if e.external]
    assert ids == ["ext/10.1.0.0/16", "ext/10.1.9.0/24"]
    assert r.allowed("ext/10.1.0.0/16", "a/api", 80)
    assert not r.allowed("ext/10.1.9.0/24", "a/api", 80)
    no_ip = reachability([WEB, API, policy])
    assert not no_ip.allowed("a/web", "a/api", 80)  # a pod without known IP matches no ipBlock


def test_ip_block_peers_never_match_by_labels_and_selectors_never_match_outside() -> None:
    sel = np("p", podSelector=SEL_API, ingress=[{"from": [{"namespaceSelector": {}}]}],
             egress=[{"to": [{"ipBlock": {"cidr": "0.0.0.0/0"}}]}])
    r = reachability([WEB, API, sel, np("q", podSelector=SEL_WEB, ingress=[{"from": [
        {"ipBlock": {"cidr": "203.0.113.0/24"}}]}])])
    assert not r.allowed("ext/203.0.113.0/24", "a/api", 80)
    assert r.allowed("a/api", "ext/0.0.0.0/0", 443)
    assert r.allowed("ext/203.0.113.0/24", "a/web", 80)


@pytest.mark.parametrize(("expr", "labelled", "unlabelled"), [
    ({"key": "tier", "operator": "In", "values": ["x"]}, True, False),
    ({"key": "tier", "operator": "NotIn", "values": ["y"]}, True, True),
    ({"key": "tier", "operator": "NotIn", "values": ["x"]}, False, True),
    ({"key": "tier", "operator": "Exists"}, True, False),
    ({"key": "tier", "operator": "DoesNotExist"}, False, True),
])
def test_match_expressions(expr: dict[str, Any], labelled: bool, unlabelled: bool) -> None:
    tagged, bare = pod("tagged", app="c", tier="x"), pod("bare", app="c")
    policy = np("p", podSelector=SEL_API, ingress=[{"from": [
        {"podSelector": {"matchExpressions": [expr]}}]}])
    r = reachability([tagged, bare, API, policy])
    assert r.allowed("a/tagged", "a/api", 80) is labelled
    assert r.allowed("a/bare", "a/api", 80) is unlabelled


def test_implied_namespace_has_its_name_label() -> None:
    other = pod("job", "batch", app="job")
    policy = np("p", podSelector=SEL_API, ingress=[{"from": [{"namespaceSelector": {
        "matchLabels": {"kubernetes.io/metadata.name": "batch"}}}]}])
    assert ok([API, other, policy], "batch/job", "a/api")
    labelled = np("p", podSelector=SEL_API, ingress=[{"from": [{"namespaceSelector": {
        "matchLabels": {"team": "batch"}}}]}])
    assert not ok([API, other, labelled], "batch/job", "a/api")


def test_loopback_is_allowed_and_left_out_of_flows() -> None:
    deny = np("p")
    r = reachability([WEB, API, deny])
    assert r.allowed("a/web", "a/web", 80)
    assert [(f.src.id, f.dst.id) for f in r.flows()] == []


def test_workload_templates_and_owned_pods() -> None:
    deploy = {"apiVersion": "apps/v1", "kind": "Deployment",
              "metadata": {"name": "web", "namespace": "a"},
              "spec": {"selector": {"matchLabels": {"app": "web"}},
                       "template": {"metadata": {"labels": {"app": "web"}}, "spec": {
                  "containers": [{"name": "c", "ports": [{"name": "http",
                                                          "containerPort": 80}]}]}}}}
    owned = {**pod("web-7d9f-abcde", app="web"), "metadata": {
        "name": "web-7d9f-abcde", "namespace": "a", "labels": {"app": "web"},
        "ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment", "name": "web",
                             "uid": "0b5e", "controller": True}]}}
    cron = {"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "nightly",
                                                                      "namespace": "a"},
            "spec": {"schedule": "0 3 * * *", "jobTemplate": {"spec": {"template": {
                "metadata": {"labels": {
                    "app": "nightly"}}, "spec": {"containers": [{"name": "c"}]}}}}}}
    r = reachability([deploy, owned, cron, API])
    assert [(e.id, e.kind) for e in r.endpoints] == [
        ("a/api", "Pod"), ("a/nightly", "CronJob"), ("a/web", "Deployment")]


def test_flows_json_contract() -> None:
    policy = np("p", podSelector=SEL_API, ingress=[{"from": [{"podSelector": SEL_WEB}],
                                                    "ports": [{"port": 80}, {"port": 81},
                                                              {"port": 443}]}])
    deny_all = np("d", policyTypes=["Ingress", "Egress"])
    data = reachability([WEB, API, deny_all, policy]).to_json()
    assert data["endpoints"][0] == {"id": "a/api", "namespace": "a", "name": "api",
                                    "kind": "Pod", "labels": {"app": "api"}, "implied": False}
    assert data["flows"] == []  # default deny in both directions blocks web's egress
    data = reachability([WEB, API, policy]).to_json()
    assert {"from": "a/web", "to": "a/api",
            "allowed": {"TCP": [[80, 81], [443, 443]], "UDP": [], "SCTP": []}} in data["flows"]
