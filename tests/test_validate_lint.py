"""Cross-object checks: each rule with a failing input and a passing one."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netkit import Target
from netkit.k8s.rate_limit import (
    envoy_backend_traffic_policy,
    envoy_global_limit,
    envoy_local_limit,
    nginx_rate_limit_policy,
)
from netkit.k8s.selectors import matches
from netkit.validate import validate


def meta(name: str, ns: str | None = "shop", **extra: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"name": name, **extra}
    if ns:
        out["namespace"] = ns
    return out


def deploy(name: str, labels: dict[str, str], ports: dict[str, int] | None = None,
           ns: str = "shop") -> dict[str, Any]:
    container = {"name": "c", "image": "x",
                 "ports": [{"name": n, "containerPort": p} for n, p in (ports or {}).items()]}
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": meta(name, ns),
            "spec": {"selector": {"matchLabels": labels},
                     "template": {"metadata": {"labels": labels},
                                  "spec": {"containers": [container]}}}}


def service(name: str, selector: dict[str, str], port: int = 80, target: Any = "http",
            **spec: Any) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Service", "metadata": meta(name),
            "spec": {"selector": selector, "ports": [{"port": port, "targetPort": target}],
                     **spec}}


def policy(name: str, ns: str = "shop", **spec: Any) -> dict[str, Any]:
    return {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
            "metadata": meta(name, ns), "spec": {"podSelector": {}, **spec}}


def ingress(name: str, host: str = "a.example.com", path: str = "/", svc: str = "web",
            port: int = 80, annotations: dict[str, str] | None = None,
            tls: list[dict[str, Any]] | None = None, klass: str = "gw") -> dict[str, Any]:
    spec: dict[str, Any] = {"ingressClassName": klass, "rules": [{"host": host, "http": {
        "paths": [{"path": path, "pathType": "Prefix", "backend": {"service": {
            "name": svc, "port": {"number": port}}}}]}}]}
    if tls is not None:
        spec["tls"] = tls
    return {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
            "metadata": meta(name, annotations=annotations or {}), "spec": spec}


def route(name: str, svc: str = "web", port: int = 80, host: str = "a.example.com",
          path: str = "/") -> dict[str, Any]:
    return {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute",
            "metadata": meta(name), "spec": {"hostnames": [host], "rules": [{
                "matches": [{"path": {"type": "PathPrefix", "value": path}}],
                "backendRefs": [{"name": svc, "port": port}]}]}}


def tcp_route(name: str, svc: str = "web", port: int = 80) -> dict[str, Any]:
    return {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "TCPRoute",
            "metadata": meta(name), "spec": {"rules": [{"backendRefs": [
                {"name": svc, "port": port}]}]}}


def mesh_route(name: str, parent: str = "web") -> dict[str, Any]:
    return with_parent(route(name), group="", kind="Service", name=parent)


def certificate(secret: str) -> dict[str, Any]:
    return {"apiVersion": "cert-manager.io/v1", "kind": "Certificate", "metadata": meta("c"),
            "spec": {"secretName": secret, "dnsNames": ["a.example.com"],
                     "issuerRef": {"name": "le", "kind": "ClusterIssuer"}}}


def gateway(name: str, ns: str = "shop", listener_sets: str | None = None,
            routes: str | None = None) -> dict[str, Any]:
    listener: dict[str, Any] = {"name": "http", "port": 80, "protocol": "HTTP"}
    if routes:
        listener["allowedRoutes"] = {"namespaces": {"from": routes}}
    spec: dict[str, Any] = {"gatewayClassName": "c", "listeners": [listener]}
    if listener_sets:
        spec["allowedListeners"] = {"namespaces": {"from": listener_sets}}
    return {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "Gateway",
            "metadata": meta(name, ns), "spec": spec}


def listener_set(name: str, parent: str) -> dict[str, Any]:
    return {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "ListenerSet",
            "metadata": meta(name), "spec": {"parentRef": {"name": parent}, "listeners": [
                {"name": "https", "port": 443, "protocol": "HTTPS"}]}}


def with_parent(obj: dict[str, Any], **ref: str) -> dict[str, Any]:
    obj["spec"]["parentRefs"] = [ref]
    return obj


WEB = deploy("web", {"app": "web"}, {"http": 8080})
WEB_SVC = service("web", {"app": "web"})
DNS_EGRESS = policy("dns", egress=[{"ports": [{"port": 53, "protocol": "UDP"}]}],
                    policyTypes=["Egress"])
DENY_ALL = policy("deny", policyTypes=["Ingress", "Egress"])
LIMIT = {"nginx.ingress.kubernetes.io/limit-rps": "5"}


def envoy_policy(rate_limit: dict[str, Any], *, typed: bool = True) -> dict[str, Any]:
    if not typed:  # Envoy Gateway >= 1.6 deprecates type: the local/global fields say it
        rate_limit = {k: v for k, v in rate_limit.items() if k != "type"}
    return envoy_backend_traffic_policy("b", "shop", routes=["r"], rate_limit=rate_limit,
                                        status_code=None)


LOCAL = envoy_local_limit(5, "Second", exempt=["10.0.0.0/8"])
GLOBAL = envoy_global_limit(5, "Second", per_client_in=["0.0.0.0/0", "::/0"])
NGF_POLICY = nginx_rate_limit_policy("n", "shop", routes=["r"], rate="5r/s", burst=None,
                                     per_client_ip=True, status_code=None)

# (rule, failing input, expected field, passing input)
CASES: list[tuple[str, list[dict[str, Any]], str | None, list[dict[str, Any]]]] = [
    ("NK101", [WEB, service("api", {"app": "api"})], "spec.selector", [WEB, WEB_SVC]),
    ("NK102", [WEB_SVC, ingress("i", svc="nope")],
     "spec.rules[0].http.paths[0].backend.service", [WEB_SVC, ingress("i")]),
    ("NK102", [WEB_SVC, route("r", svc="nope")], "spec.rules[0].backendRefs[0]",
     [WEB_SVC, route("r")]),
    ("NK102", [WEB_SVC, tcp_route("t", svc="nope")], "spec.rules[0].backendRefs[0]",
     [WEB_SVC, tcp_route("t")]),
    ("NK103", [WEB_SVC, tcp_route("t", port=8080)], "spec.rules[0].backendRefs[0]",
     [WEB_SVC, tcp_route("t")]),
    ("NK103", [WEB_SVC, ingress("i", port=8080)], "spec.rules[0].http.paths[0].backend.service",
     [WEB_SVC, ingress("i", port=80)]),
    ("NK103", [WEB_SVC, route("r", port=81)], "spec.rules[0].backendRefs[0]",
     [WEB_SVC, route("r", port=80)]),
    ("NK104", [WEB, service("web", {"app": "web"}, target="https")], "spec.ports[0].targetPort",
     [WEB, WEB_SVC]),
    ("NK105", [WEB, policy("p", podSelector={"matchLabels": {"app": "nope"}})],
     "spec.podSelector", [WEB, policy("p", podSelector={"matchLabels": {"app": "web"}})]),
    ("NK106", [WEB, policy("p", ingress=[{"from": [{"podSelector": {"matchLabels": {
        "app": "gone"}}}], "ports": [{"port": 80}]}])], "spec.ingress[0].from[0].podSelector",
     [WEB, policy("p", ingress=[{"from": [{"podSelector": {"matchLabels": {"app": "web"}}}],
                                "ports": [{"port": 80}]}])]),
    ("NK106", [{"apiVersion": "v1", "kind": "Namespace", "metadata": meta("shop", None)},
               policy("p", ingress=[{"from": [{"namespaceSelector": {"matchLabels": {
                   "team": "x"}}}], "ports": [{"port": 80}]}])],
     "spec.ingress[0].from[0].namespaceSelector",
     [{"apiVersion": "v1", "kind": "Namespace", "metadata": meta("shop", None, labels={
         "team": "x"})}, policy("p", ingress=[{"from": [{"namespaceSelector": {"matchLabels": {
             "team": "x"}}}], "ports": [{"port": 80}]}])]),
    ("NK107", [DENY_ALL], "spec.policyTypes", [DENY_ALL, DNS_EGRESS]),
    ("NK108", [ingress("a"), ingress("b")], "spec.rules[0].http.paths[0]",
     [ingress("a"), ingress("b", path="/b")]),
    ("NK108", [route("a"), route("b")], "spec.rules[0].matches[0]",
     [route("a"), route("b", host="b.example.com")]),
    ("NK109", [ingress("c", path="/x", annotations={
        "nginx.ingress.kubernetes.io/canary": "true"})], "spec.rules[0].http.paths[0]",
     [ingress("main", path="/x"), ingress("c", path="/x", annotations={
         "nginx.ingress.kubernetes.io/canary": "true"})]),
    ("NK110", [ingress("i", tls=[{"hosts": ["b.example.com"], "secretName": "s"}])],
     "spec.tls[0].hosts[0]",
     [ingress("i", tls=[{"hosts": ["a.example.com"], "secretName": "s"}])]),
    ("NK111", [ingress("a", tls=[{"hosts": ["a.example.com"], "secretName": "s"}]),
               ingress("b", host="b.example.com", tls=[{"hosts": ["b.example.com"],
                                                        "secretName": "s"}])],
     "spec.tls[0].secretName",
     [ingress("a", tls=[{"hosts": ["a.example.com"], "secretName": "s"}]),
      ingress("b", path="/b", tls=[{"hosts": ["a.example.com"], "secretName": "s"}])]),
    ("NK112", [certificate("s"), ingress("i", annotations={
        "cert-manager.io/cluster-issuer": "le"}, tls=[{"hosts": ["a.example.com"],
                                                      "secretName": "s"}])],
     "spec.tls[0].secretName",
     [ingress("i", annotations={"cert-manager.io/cluster-issuer": "le"},
              tls=[{"hosts": ["a.example.com"], "secretName": "s"}])]),
    ("NK113", [ingress("i", klass="nginx")], None, [ingress("i")]),
    ("NK115", [service("lb", {"app": "web"}, type="LoadBalancer")],
     "spec.loadBalancerSourceRanges",
     [service("lb", {"app": "web"}, type="LoadBalancer",
              loadBalancerSourceRanges=["10.0.0.0/8"])]),
    ("NK116", [policy("p", ingress=[{"from": [{"ipBlock": {"cidr": "0.0.0.0/0"}}],
                                     "ports": [{"port": 443}]}])],
     "spec.ingress[0].from[0].ipBlock.cidr",
     [policy("p", ingress=[{"from": [{"ipBlock": {"cidr": "203.0.113.0/24"}}],
                            "ports": [{"port": 443}]}])]),
    ("NK117", [policy("p", ingress=[{"from": [{"podSelector": {}}]}])], "spec.ingress[0].ports",
     [policy("p", ingress=[{"from": [{"podSelector": {}}], "ports": [{"port": 80}]}])]),
    ("NK117", [policy("p", egress=[{"ports": [{"protocol": "UDP"}]}], policyTypes=["Egress"])],
     "spec.egress[0].ports", [DNS_EGRESS]),
    ("NK126", [gateway("shared"), with_parent(route("r"), name="other")], "spec.parentRefs[0]",
     [gateway("shared"), with_parent(route("r"), name="shared")]),
    ("NK126", [gateway("shared"), with_parent(route("r"), name="shared", sectionName="https")],
     "spec.parentRefs[0].sectionName",
     [gateway("shared"), with_parent(route("r"), name="shared", sectionName="http")]),
    ("NK126", [gateway("shared"), listener_set("ls", "other")], "spec.parentRef",
     [gateway("shared", listener_sets="All"), listener_set("ls", "shared")]),
    ("NK126", [WEB_SVC, mesh_route("r", parent="nope")], "spec.parentRefs[0]",
     [WEB_SVC, mesh_route("r")]),
    ("NK127", [gateway("shared"), listener_set("ls", "shared")], "spec.parentRef",
     [gateway("shared", listener_sets="All"), listener_set("ls", "shared")]),
    ("NK127", [gateway("shared", ns="edge"), with_parent(route("r"), name="shared",
                                                         namespace="edge")],
     "spec.parentRefs[0]",
     [gateway("shared", ns="edge", routes="All"), with_parent(route("r"), name="shared",
                                                              namespace="edge")]),
    ("NK121", [ingress("i", annotations=LIMIT)], "metadata.annotations", [ingress("i")]),
    ("NK121", [envoy_policy(LOCAL)], "spec.rateLimit", [envoy_policy(GLOBAL)]),
    ("NK121", [envoy_policy(LOCAL, typed=False)], "spec.rateLimit",
     [envoy_policy(GLOBAL, typed=False)]),
    ("NK121", [NGF_POLICY], "spec.rateLimit", []),
    ("NK122", [envoy_policy(GLOBAL)], "spec.rateLimit", [envoy_policy(LOCAL)]),
    ("NK122", [envoy_policy(GLOBAL, typed=False)], "spec.rateLimit",
     [envoy_policy(LOCAL, typed=False)]),
]


@pytest.mark.parametrize(("rule", "bad", "field", "good"), CASES,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_rule(rule: str, bad: list[dict[str, Any]], field: str | None,
              good: list[dict[str, Any]]) -> None:
    fired = [f for f in validate(bad) if f.rule == rule]
    assert fired, f"{rule} did not fire"
    assert fired[0].field == field
    assert fired[0].hint
    assert [f.line_text() for f in validate(good) if f.rule == rule] == []


def test_a_global_limit_warns_what_to_install_and_how_to_avoid_it() -> None:
    both = envoy_policy({**LOCAL, **GLOBAL}, typed=False)
    assert [(f.rule, f.severity) for f in validate([both])] == [("NK121", "info"),
                                                                ("NK122", "warning")]
    found = next(f for f in validate([envoy_policy(GLOBAL)]) if f.rule == "NK122")
    assert "rateLimit.backend.type: Redis and rateLimit.backend.redis.url" in found.message
    assert "envoy-gateway-config" in found.message
    assert found.hint is not None and "drop per_client_ip=True" in found.hint


def test_cni_that_does_not_enforce() -> None:
    objs = [DENY_ALL, DNS_EGRESS]
    assert {f.rule for f in validate(objs, Target(cni="flannel"))} >= {"NK114"}
    assert "NK114" not in {f.rule for f in validate(objs, Target(cni="calico"))}


def test_reference_checks_need_the_kind_they_look_for() -> None:
    only_policies = [policy("p", podSelector={"matchLabels": {"app": "nope"}})]
    assert {f.rule for f in validate(only_policies)} == set()
    only_routes = [ingress("i", svc="nope")]
    assert "NK102" not in {f.rule for f in validate(only_routes)}
    peer_in_other_ns = [WEB, policy("p", ingress=[{"from": [
        {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "monitoring"}},
         "podSelector": {"matchLabels": {"app": "prometheus"}}}], "ports": [{"port": 80}]}])]
    assert "NK106" not in {f.rule for f in validate(peer_in_other_ns)}


def test_named_dns_port_and_ranges_count_as_dns() -> None:
    named = policy("dns", egress=[{"ports": [{"port": "dns", "protocol": "UDP"}]}],
                   policyTypes=["Egress"])
    ranged = policy("dns", egress=[{"ports": [{"port": 1, "endPort": 100, "protocol": "UDP"}]}],
                    policyTypes=["Egress"])
    tcp_only = policy("dns", egress=[{"ports": [{"port": 53}]}], policyTypes=["Egress"])
    for ok in (named, ranged):
        assert "NK107" not in {f.rule for f in validate([DENY_ALL, ok])}
    assert "NK107" in {f.rule for f in validate([DENY_ALL, tcp_only])}


def test_routes_on_different_listeners_do_not_collide() -> None:
    https = route("site")
    https["spec"]["parentRefs"] = [{"kind": "ListenerSet", "name": "site"}]
    redirect = route("redirect")
    redirect["spec"]["parentRefs"] = [{"name": "shared", "namespace": "gateway",
                                       "sectionName": "http"}]
    assert "NK108" not in {f.rule for f in validate([https, redirect])}
    twin = route("twin")
    twin["spec"]["parentRefs"] = [{"kind": "ListenerSet", "name": "site"}]
    assert "NK108" in {f.rule for f in validate([https, twin])}


# The Kubernetes documentation's NetworkPolicy examples (concepts/services-networking/
# network-policies): opinions about them are warnings, never errors.
DOCS_DEFAULT_DENY_ALL = {
    "apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
    "metadata": {"name": "default-deny-all"},
    "spec": {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}}
DOCS_DEFAULT_DENY_EGRESS = {
    "apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
    "metadata": {"name": "default-deny-egress"},
    "spec": {"podSelector": {}, "policyTypes": ["Egress"]}}
DOCS_MULTI_PORT_EGRESS = {
    "apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
    "metadata": {"name": "multi-port-egress", "namespace": "default"},
    "spec": {"podSelector": {"matchLabels": {"role": "db"}}, "policyTypes": ["Egress"],
             "egress": [{"to": [{"ipBlock": {"cidr": "10.0.0.0/24"}}],
                         "ports": [{"protocol": "TCP", "port": 32000, "endPort": 32768}]}]}}


@pytest.mark.parametrize("doc", [DOCS_DEFAULT_DENY_ALL, DOCS_DEFAULT_DENY_EGRESS,
                                 DOCS_MULTI_PORT_EGRESS], ids=lambda d: d["metadata"]["name"])
def test_documentation_policies_have_no_errors(doc: dict[str, Any]) -> None:
    found = validate([doc])
    assert [f.line_text() for f in found if f.severity == "error"] == []
    assert [(f.rule, f.severity) for f in found] == [("NK107", "warning")]


@pytest.mark.parametrize(("selector", "pods"), [
    ({}, "all pods in namespace shop"),
    ({"matchLabels": {"app": "web"}}, "pods app=web in namespace shop"),
    ({"matchLabels": {"app": "web"}, "matchExpressions": [
        {"key": "tier", "operator": "In", "values": ["a", "b"]},
        {"key": "legacy", "operator": "DoesNotExist"}]},
     "pods app=web,tier in (a,b),!legacy in namespace shop"),
])
def test_dns_finding_names_the_isolated_pods(selector: dict[str, Any], pods: str) -> None:
    [found] = [f for f in validate([policy("p", podSelector=selector, policyTypes=["Egress"])])
               if f.rule == "NK107"]
    assert found.message == (f"egress of {pods} is denied and no policy allows them DNS "
                             "(UDP 53), so they cannot resolve names")


def test_dns_must_be_allowed_for_the_isolated_pods_themselves() -> None:
    web_only = policy("dns", podSelector={"matchLabels": {"app": "web"}}, policyTypes=["Egress"],
                      egress=[{"ports": [{"port": 53, "protocol": "UDP"}]}])
    # By selectors: DNS for app=web does not cover every pod of the namespace...
    assert "NK107" in {f.rule for f in validate([DENY_ALL, web_only])}
    # ...but covers a policy that isolates app=web alone, and one with more labels.
    for labels in ({"app": "web"}, {"app": "web", "tier": "front"}):
        isolating = policy("web", podSelector={"matchLabels": labels}, policyTypes=["Egress"])
        assert "NK107" not in {f.rule for f in validate([isolating, web_only])}
    # By workloads, when the input has them: every isolated workload must be covered.
    db = deploy("db", {"app": "db"})
    assert [f.message for f in validate([WEB, db, DENY_ALL, web_only]) if f.rule == "NK107"] == [
        "egress of all pods in namespace shop is denied and no policy allows them DNS (UDP 53), "
        "so they cannot resolve names"]
    assert "NK107" not in {f.rule for f in validate([WEB, DENY_ALL, web_only])}


def test_policy_findings_say_which_pods() -> None:
    web = {"matchLabels": {"app": "web"}}
    open_ports = policy("p", podSelector=web, ingress=[{"from": [{"podSelector": {}}]}])
    internet = policy("p", podSelector=web, ingress=[{"from": [{"ipBlock": {
        "cidr": "0.0.0.0/0"}}], "ports": [{"port": 443}]}])
    messages = {f.rule: f.message for f in validate([open_ports])}
    assert messages["NK117"] == "ingress rule allows every port of pods app=web in namespace shop"
    messages = {f.rule: f.message for f in validate([internet])}
    assert messages["NK116"] == ("ingress from 0.0.0.0/0 admits the whole internet to pods "
                                 "app=web in namespace shop")
    nobody = policy("p", podSelector={"matchLabels": {"app": "nope"}})
    messages = {f.rule: f.message for f in validate([WEB, nobody])}
    assert messages["NK105"] == ("podSelector matches no workload: no pods app=nope in "
                                 "namespace shop")
    flannel = {f.rule: f.message for f in validate([DENY_ALL, DNS_EGRESS], Target(cni="flannel"))}
    assert flannel["NK114"] == ("cni='flannel' does not enforce NetworkPolicy; this policy has no "
                                "effect on all pods in namespace shop")


LABELS = st.dictionaries(st.sampled_from(["app", "tier", "x"]), st.sampled_from(["a", "b"]),
                         min_size=1, max_size=3)
SELECTORS = st.one_of(st.just({}), st.builds(lambda labels: {"matchLabels": labels}, LABELS),
                      st.builds(lambda labels, key, op: {
                          "matchLabels": labels, "matchExpressions": [
                              {"key": key, "operator": op,
                               **({"values": ["a"]} if op in ("In", "NotIn") else {})}]},
                          LABELS, st.sampled_from(["app", "tier", "x"]),
                          st.sampled_from(["In", "NotIn", "Exists", "DoesNotExist"])))


@given(st.lists(LABELS, min_size=1, max_size=4),
       st.lists(st.tuples(SELECTORS, st.booleans()), min_size=1, max_size=5))
@settings(max_examples=60, deadline=None)
def test_egress_isolated_pods_lack_dns_exactly_when_no_allowing_policy_selects_them(
        workloads: list[dict[str, str]], policies: list[tuple[dict[str, Any], bool]]) -> None:
    dns = [{"ports": [{"port": 53, "protocol": "UDP"}]}]
    objs = [deploy(f"d{i}", labels) for i, labels in enumerate(workloads)] + [
        policy(f"p{i}", podSelector=selector, policyTypes=["Egress"],
               **({"egress": dns} if allows else {}))
        for i, (selector, allows) in enumerate(policies)]
    allowing = [selector for selector, allows in policies if allows]
    expected = set()
    for i, (selector, _) in enumerate(policies):
        isolated = [labels for labels in workloads if matches(selector, labels)]
        if isolated and not all(any(matches(s, labels) for s in allowing)
                                for labels in isolated):
            expected.add(f"NetworkPolicy/shop/p{i}")
    found = {f.object for f in validate(objs) if f.rule == "NK107"}
    assert found - {f"NetworkPolicy/shop/p{i}" for i, (s, _) in enumerate(policies)
                    if not any(matches(s, labels) for labels in workloads)} == expected
