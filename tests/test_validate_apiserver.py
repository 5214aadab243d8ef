"""kube-apiserver rules: each with a failing object (exact field path and message) and a
passing one."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from netkit.validate import validate


def svc(**spec: Any) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web", "namespace": "a"},
            "spec": {"selector": {"app": "web"}, "ports": [{"port": 80}], **spec}}


def netpol(**spec: Any) -> dict[str, Any]:
    return {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
            "metadata": {"name": "p", "namespace": "a"}, "spec": {"podSelector": {}, **spec}}


def ing(**spec: Any) -> dict[str, Any]:
    base = {"ingressClassName": "gw", "rules": [{"host": "a.example.com", "http": {"paths": [
        {"path": "/", "pathType": "Prefix",
         "backend": {"service": {"name": "web", "port": {"number": 80}}}}]}}]}
    return {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
            "metadata": {"name": "i", "namespace": "a"}, "spec": {**base, **spec}}


def path(p: str = "/", kind: str | None = "Prefix", **backend: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"path": p, "backend": backend or {
        "service": {"name": "web", "port": {"number": 80}}}}
    if kind:
        out["pathType"] = kind
    return out


def with_paths(*paths: dict[str, Any]) -> dict[str, Any]:
    return ing(rules=[{"host": "a.example.com", "http": {"paths": list(paths)}}])


def rule(peer: dict[str, Any] | None = None, port: dict[str, Any] | None = None
         ) -> list[dict[str, Any]]:
    out: dict[str, Any] = {}
    if peer is not None:
        out["from"] = [peer]
    if port is not None:
        out["ports"] = [port]
    return [out]


def renamed(obj: dict[str, Any], name: str) -> dict[str, Any]:
    out = copy.deepcopy(obj)
    out["metadata"]["name"] = name
    return out


NS_SEL = {"namespaceSelector": {}}
CASES: list[tuple[str, dict[str, Any], str, str]] = [
    ("service-name", renamed(svc(), "1web"), "metadata.name",
     'Invalid value: "1web": a DNS-1035 label'),
    ("namespace-name", {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "a.b"}},
     "metadata.name", 'Invalid value: "a.b": a lowercase RFC 1123 label'),
    ("policy-name", renamed(netpol(), "Bad"), "metadata.name", "RFC 1123 subdomain"),
    ("name-missing", {"apiVersion": "v1", "kind": "Service", "metadata": {},
                      "spec": {"ports": [{"port": 80}]}}, "metadata.name", "Required value"),
    ("label-key", {**svc(), "metadata": {"name": "web", "labels": {"-x": "1"}}},
     "metadata.labels", 'Invalid value: "-x": name part must consist'),
    ("label-value", {**svc(), "metadata": {"name": "web", "labels": {"x": "a b"}}},
     "metadata.labels", 'Invalid value: "a b": a valid label must be'),
    ("annotation-size", {**svc(), "metadata": {"name": "web", "annotations": {
        "x": "y" * (256 * 1024)}}}, "metadata.annotations",
     "Too long: may not be more than 262144 bytes"),
    ("cluster-scoped-namespace", {"apiVersion": "rbac.authorization.k8s.io/v1",
                                  "kind": "ClusterRole",
                                  "metadata": {"name": "r", "namespace": "a"}},
     "metadata.namespace", "Forbidden: not allowed on this type"),
    ("namespace-finalizer", {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "a"},
                             "spec": {"finalizers": ["custom"]}}, "spec.finalizers[0]",
     "neither a standard finalizer name nor is it fully qualified"),
    ("port-range", svc(ports=[{"port": 0}]), "spec.ports[0].port",
     "Invalid value: 0: must be between 1 and 65535, inclusive"),
    ("port-names-required", svc(ports=[{"port": 80}, {"name": "b", "port": 81}]),
     "spec.ports[0].name", "Required value"),
    ("port-name-format", svc(ports=[{"name": "Web_1", "port": 80}]), "spec.ports[0].name",
     'Invalid value: "Web_1": must contain only alpha-numeric characters'),
    ("port-name-duplicate", svc(ports=[{"name": "a", "port": 80}, {"name": "a", "port": 81}]),
     "spec.ports[1].name", 'Duplicate value: "a"'),
    ("port-duplicate", svc(ports=[{"name": "a", "port": 80}, {"name": "b", "port": 80}]),
     "spec.ports[1]", "Duplicate value"),
    ("protocol", svc(ports=[{"port": 80, "protocol": "HTTP"}]), "spec.ports[0].protocol",
     'Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"'),
    ("target-port-name", svc(ports=[{"port": 80, "targetPort": "http--x"}]),
     "spec.ports[0].targetPort", "must not contain consecutive hyphens"),
    ("target-port-number", svc(ports=[{"port": 80, "targetPort": 70000}]),
     "spec.ports[0].targetPort", "must be between 1 and 65535"),
    ("node-port-cluster-ip", svc(ports=[{"port": 80, "nodePort": 30001}]),
     "spec.ports[0].nodePort", "Forbidden: may not be used when `type` is 'ClusterIP'"),
    ("node-port-duplicate", svc(type="NodePort", ports=[
        {"name": "a", "port": 80, "nodePort": 30001}, {"name": "b", "port": 81,
                                                       "nodePort": 30001}]),
     "spec.ports[1].nodePort", "Duplicate value: 30001"),
    ("ports-required", svc(ports=[]), "spec.ports", "Required value"),
    ("type", svc(type="Internal"), "spec.type", 'Unsupported value: "Internal"'),
    ("external-name-required", svc(type="ExternalName", ports=[]), "spec.externalName",
     "Required value"),
    ("external-name-cluster-ip", svc(type="ExternalName", externalName="db.example.com",
                                     clusterIP="10.0.0.1"), "spec.clusterIPs",
     "Forbidden: may not be set for ExternalName services"),
    ("external-name-format", svc(type="ExternalName", externalName="db_example"),
     "spec.externalName", "RFC 1123 subdomain"),
    ("headless-node-port", svc(type="NodePort", clusterIP="None"), "spec.clusterIPs[0]",
     "may not be set to 'None' for NodePort services"),
    ("cluster-ip", svc(clusterIP="10.0.0.300"), "spec.clusterIPs[0]",
     "must be a valid IP address"),
    ("source-ranges-type", svc(loadBalancerSourceRanges=["10.0.0.0/8"]),
     "spec.loadBalancerSourceRanges", "Forbidden: may only be used when `type` is "
                                      "'LoadBalancer'"),
    ("source-range-format", svc(type="LoadBalancer", loadBalancerSourceRanges=["10.0.0.0"]),
     "spec.loadBalancerSourceRanges[0]", "must be a list of IP ranges"),
    ("external-traffic-policy", svc(externalTrafficPolicy="Local"),
     "spec.externalTrafficPolicy", "may only be set when `type` is 'NodePort' or "
                                   "'LoadBalancer'"),
    ("health-check-node-port", svc(type="LoadBalancer", healthCheckNodePort=30200),
     "spec.healthCheckNodePort", "may only be set when `type` is 'LoadBalancer' and"),
    ("session-affinity", svc(sessionAffinity="Cookie"), "spec.sessionAffinity",
     'Unsupported value: "Cookie"'),
    ("selector-labels", svc(selector={"app": "a b"}), "spec.selector",
     "a valid label must be"),
    ("np-protocol", netpol(ingress=rule(NS_SEL, {"protocol": "ICMP", "port": 1})),
     "spec.ingress[0].ports[0].protocol", 'Unsupported value: "ICMP"'),
    ("np-port-name", netpol(ingress=rule(NS_SEL, {"port": "-http"})),
     "spec.ingress[0].ports[0].port", "must not begin or end with a hyphen"),
    ("np-port-number", netpol(ingress=rule(NS_SEL, {"port": 0})),
     "spec.ingress[0].ports[0].port", "must be between 1 and 65535"),
    ("np-end-port-named", netpol(egress=[{"ports": [{"port": "http", "endPort": 90}]}]),
     "spec.egress[0].ports[0].endPort", "may not be specified when `port` is non-numeric"),
    ("np-end-port-below", netpol(egress=[{"ports": [{"port": 90, "endPort": 80}]}]),
     "spec.egress[0].ports[0].endPort", "must be greater than or equal to `port`"),
    ("np-end-port-alone", netpol(egress=[{"ports": [{"endPort": 80}]}]),
     "spec.egress[0].ports[0].endPort", "may not be specified when `port` is not specified"),
    ("np-empty-peer", netpol(ingress=rule({})), "spec.ingress[0].from[0]",
     "Required value: must specify a peer"),
    ("np-ipblock-and-pods", netpol(ingress=rule({"ipBlock": {"cidr": "10.0.0.0/8"},
                                                 "podSelector": {}})),
     "spec.ingress[0].from[0]", "Forbidden: may not specify both ipBlock and another peer"),
    ("np-cidr", netpol(ingress=[{"from": [NS_SEL, {"ipBlock": {"cidr": "10.0.0.0"}}]}]),
     "spec.ingress[0].from[1].ipBlock.cidr", "must be a valid CIDR value"),
    ("np-except-outside", netpol(ingress=[{"from": [NS_SEL, {"ipBlock": {
        "cidr": "10.0.0.0/16", "except": ["10.1.0.0/24"]}}]}]),
     "spec.ingress[0].from[1].ipBlock.except[0]", "must be a strict subset of `cidr`"),
    ("np-except-equal", netpol(egress=[{"to": [{"ipBlock": {
        "cidr": "10.0.0.0/16", "except": ["10.0.0.0/16"]}}]}]),
     "spec.egress[0].to[0].ipBlock.except[0]", "must be a strict subset of `cidr`"),
    ("np-policy-type", netpol(policyTypes=["Ingress", "Outgress"]), "spec.policyTypes[1]",
     'Unsupported value: "Outgress"'),
    ("np-policy-types-many", netpol(policyTypes=["Ingress", "Egress", "Ingress"]),
     "spec.policyTypes", "may not specify more than two policyTypes"),
    ("selector-in-values", netpol(podSelector={"matchExpressions": [
        {"key": "app", "operator": "In"}]}), "spec.podSelector.matchExpressions[0].values",
     "must be specified when `operator` is 'In' or 'NotIn'"),
    ("selector-exists-values", netpol(podSelector={"matchExpressions": [
        {"key": "app", "operator": "Exists", "values": ["x"]}]}),
     "spec.podSelector.matchExpressions[0].values", "may not be specified when `operator`"),
    ("selector-operator", netpol(podSelector={"matchExpressions": [
        {"key": "app", "operator": "Equals", "values": ["x"]}]}),
     "spec.podSelector.matchExpressions[0].operator", "not a valid selector operator"),
    ("ingress-empty", ing(rules=[]), "spec",
     "either `defaultBackend` or `rules` must be specified"),
    ("ingress-host-ip", ing(rules=[{"host": "10.0.0.1", "http": {"paths": [path()]}}]),
     "spec.rules[0].host", "must be a DNS name, not an IP address"),
    ("ingress-host-wildcard", ing(rules=[{"host": "a.*.example.com",
                                          "http": {"paths": [path()]}}]),
     "spec.rules[0].host", "a wildcard DNS-1123 subdomain must start with '*.'"),
    ("ingress-host-format", ing(rules=[{"host": "A.example.com",
                                        "http": {"paths": [path()]}}]),
     "spec.rules[0].host", "RFC 1123 subdomain"),
    ("ingress-no-paths", ing(rules=[{"host": "a.example.com", "http": {"paths": []}}]),
     "spec.rules[0].http.paths", "Required value"),
    ("ingress-relative-path", with_paths(path("tea")), "spec.rules[0].http.paths[0].path",
     "must be an absolute path"),
    ("ingress-double-slash", with_paths(path("/a//b")), "spec.rules[0].http.paths[0].path",
     "must not contain '//'"),
    ("ingress-dot-suffix", with_paths(path("/a/..", "Exact")),
     "spec.rules[0].http.paths[0].path", "cannot end with '/..'"),
    ("ingress-path-type", with_paths(path("/", "Regex")),
     "spec.rules[0].http.paths[0].pathType", 'Unsupported value: "Regex"'),
    ("ingress-impl-specific", with_paths(path("x", "ImplementationSpecific")),
     "spec.rules[0].http.paths[0].path", "must be an absolute path"),
    ("ingress-two-backends", with_paths(path(service={"name": "web", "port": {"number": 80}},
                                             resource={"kind": "Bucket", "name": "b"})),
     "spec.rules[0].http.paths[0].backend", "cannot set both resource and service backends"),
    ("ingress-no-backend", with_paths({"path": "/", "pathType": "Prefix", "backend": {}}),
     "spec.rules[0].http.paths[0].backend", "resource or service backend is required"),
    ("ingress-port-both", with_paths(path(service={"name": "web", "port": {
        "number": 80, "name": "http"}})), "spec.rules[0].http.paths[0].backend",
     "cannot set both port name & port number"),
    ("ingress-port-missing", with_paths(path(service={"name": "web", "port": {}})),
     "spec.rules[0].http.paths[0].backend", "port name or number is required"),
    ("ingress-service-name", with_paths(path(service={"name": "1web", "port": {
        "number": 80}})), "spec.rules[0].http.paths[0].backend.service.name",
     "a DNS-1035 label"),
    ("ingress-tls-host", ing(tls=[{"hosts": ["*.*.example.com"], "secretName": "s"}]),
     "spec.tls[0].hosts[0]", "a wildcard DNS-1123 subdomain"),
    ("ingress-class", ing(ingressClassName="Nginx"), "spec.ingressClassName",
     "RFC 1123 subdomain"),
    ("ingress-class-controller", {"apiVersion": "networking.k8s.io/v1", "kind": "IngressClass",
                                  "metadata": {"name": "c"}, "spec": {"controller": "nginx"}},
     "spec.controller", 'must be a domain-prefixed path (such as "acme.io/foo")'),
    ("ingress-class-params", {"apiVersion": "networking.k8s.io/v1", "kind": "IngressClass",
                              "metadata": {"name": "c"}, "spec": {
                                  "controller": "example.com/c", "parameters": {
                                      "kind": "P", "name": "p", "scope": "Namespace"}}},
     "spec.parameters.namespace", "Required value: `parameters.scope` is set to 'Namespace'"),
]

VALID = [svc(), svc(type="NodePort", ports=[{"port": 80, "nodePort": 30001}],
                    externalTrafficPolicy="Local"),
         svc(type="LoadBalancer", loadBalancerSourceRanges=["10.0.0.0/8"],
             externalTrafficPolicy="Local", healthCheckNodePort=30200),
         svc(type="ExternalName", externalName="db.example.com.", ports=[]),
         svc(clusterIP="None", ports=[]),
         svc(ports=[{"name": "a", "port": 80, "targetPort": "http"},
                    {"name": "b", "port": 80, "protocol": "UDP"}]),
         netpol(ingress=rule({"ipBlock": {"cidr": "10.0.1.1/4", "except": ["0.0.0.0/8"]}},
                             {"port": 80, "endPort": 90}),
                egress=[{"ports": [{"port": "dns", "protocol": "UDP"}]}],
                policyTypes=["Ingress", "Egress"]),
         netpol(podSelector={"matchExpressions": [{"key": "app", "operator": "Exists"},
                                                  {"key": "x", "operator": "NotIn",
                                                   "values": ["y"]}]}),
         ing(tls=[{"hosts": ["a.example.com", "*.example.com"], "secretName": "s"}]),
         with_paths(path("/x", "ImplementationSpecific"), path("/y", "Exact")),
         {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "a"},
          "spec": {"finalizers": ["kubernetes", "example.com/x"]}}]


@pytest.mark.parametrize(("obj", "field", "message"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_rejected(obj: dict[str, Any], field: str, message: str) -> None:
    found = [(f.field, f.message) for f in validate([obj]) if f.rule == "NK010"]
    assert any(fp == field and message in m for fp, m in found), found


@pytest.mark.parametrize("obj", VALID, ids=lambda o: f"{o['kind']}")
def test_accepted(obj: dict[str, Any]) -> None:
    found = [f.line_text() for f in validate([obj]) if f.severity == "error"]
    assert found == []


def test_version_dependent_traffic_distribution() -> None:
    obj = svc(trafficDistribution="PreferSameZone")
    old = [f for f in validate([obj], kubernetes="1.33") if f.rule == "NK010"]
    assert [(f.field, f.message.split(":")[0]) for f in old] == [
        ("spec.trafficDistribution", "Unsupported value")]
    assert [f for f in validate([obj], kubernetes="1.34") if f.rule == "NK010"] == []


def test_missing_path_type_is_a_schema_error() -> None:
    found = [(f.rule, f.field, f.message) for f in validate([with_paths(path("/", None))])]
    assert found == [("NK001", "spec.rules[0].http.paths[0].pathType", "Required value")]


@pytest.mark.parametrize(("port", "errors"), [
    ({"port": 90, "endPort": 80}, [
        ("spec.egress[0].ports[0].endPort",
         "Invalid value: 80: must be greater than or equal to `port`")]),
    ({"port": "http", "endPort": 90}, [
        ("spec.egress[0].ports[0].endPort",
         "Invalid value: 90: may not be specified when `port` is non-numeric")]),
    ({"endPort": 80}, [
        ("spec.egress[0].ports[0].endPort",
         "Invalid value: 80: may not be specified when `port` is not specified")]),
    ({"port": 90, "endPort": 70000}, [
        ("spec.egress[0].ports[0].endPort",
         "Invalid value: 70000: must be between 1 and 65535, inclusive")]),
    ({"port": 90, "endPort": 0}, [
        ("spec.egress[0].ports[0].endPort",
         "Invalid value: 0: must be between 1 and 65535, inclusive"),
        ("spec.egress[0].ports[0].endPort",
         "Invalid value: 0: must be greater than or equal to `port`")]),
    ({"port": 80, "endPort": 80}, []),
])
def test_end_port_messages_name_the_end_port(port: dict[str, Any],
                                             errors: list[tuple[str, str]]) -> None:
    policy = netpol(egress=[{"ports": [port]}], policyTypes=["Egress"])
    assert [(f.field, f.message) for f in validate([policy]) if f.rule == "NK010"] == errors
