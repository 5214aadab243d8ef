"""kube-apiserver rules: each with a failing object (exact field path and message) and a
passing one."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netkit.config import load_config
from netkit.errors import ConfigError
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
     'Invalid value: "Web_1": a lowercase RFC 1123 label must consist'),
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
     "spec.loadBalancerSourceRanges[0]", 'Invalid value: "10.0.0.0": must be a valid CIDR value'),
    ("external-traffic-policy", svc(externalTrafficPolicy="Local"),
     "spec.externalTrafficPolicy",
     'Invalid value: "Local": may only be set for externally-accessible services'),
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


def annotated(obj: dict[str, Any], **annotations: str) -> dict[str, Any]:
    out = copy.deepcopy(obj)
    out["metadata"]["annotations"] = annotations
    return out


def ingress_class(**spec: Any) -> dict[str, Any]:
    return {"apiVersion": "networking.k8s.io/v1", "kind": "IngressClass",
            "metadata": {"name": "c"}, "spec": {"controller": "example.com/c", **spec}}


DNS1123_LABEL = ("a lowercase RFC 1123 label must consist of lower case alphanumeric characters "
                 "or '-', and must start and end with an alphanumeric character")
DNS1123_SUBDOMAIN = ("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric "
                     "characters, '-' or '.', and must start and end with an alphanumeric "
                     "character")
LABEL_VALUE = ("a valid label must be an empty string or consist of alphanumeric characters, "
               "'-', '_' or '.', and must start and end with an alphanumeric character")
LB_ONLY = "Forbidden: may only be used when `type` is 'LoadBalancer'"
NODE_PORT_RANGE = ("provided port is not in the valid range. The range of valid ports is "
                   "30000-32767")
SOURCE_RANGES = "service.beta.kubernetes.io/load-balancer-source-ranges"
TOPOLOGY_MODE = "service.kubernetes.io/topology-mode"
TOPOLOGY_HINTS = "service.kubernetes.io/topology-aware-hints"

# Ported from kubernetes pkg/apis/core/validation/validation_test.go (TestValidateServiceCreate,
# TestValidateServiceCreateFlags dual-stack cases) and pkg/apis/networking/validation/
# validation_test.go (TestValidateIngressCreate, TestValidateIngressClass,
# TestValidateNetworkPolicy), as they read after the API server's defaulting: every NK010
# error of the object, exactly.
EXACT: list[tuple[str, dict[str, Any], list[tuple[str, str]]]] = [
    ("service port name is a DNS label, not an IANA name",
     svc(ports=[{"name": "a" * 40, "port": 80}]), []),
    ("invalid port name", svc(ports=[{"name": "INVALID", "port": 80}]),
     [("spec.ports[0].name", f'Invalid value: "INVALID": {DNS1123_LABEL}')]),
    ("port name too long", svc(ports=[{"name": "a" * 64, "port": 80}]),
     [("spec.ports[0].name", f'Invalid value: "{"a" * 64}": must be no more than 63 '
                            "characters")]),
    ("targetPort 0 defaults to port", svc(ports=[{"port": 80, "targetPort": 0}]), []),
    ("invalid targetport int", svc(ports=[{"port": 80, "targetPort": 65536}]),
     [("spec.ports[0].targetPort",
       "Invalid value: 65536: must be between 1 and 65535, inclusive")]),
    ("duplicate ports with different protocols", svc(ports=[
        {"name": "a", "port": 53}, {"name": "b", "port": 53, "protocol": "UDP"}]), []),
    ("invalid duplicate ports (defaulted protocol)", svc(ports=[
        {"name": "a", "port": 53}, {"name": "b", "port": 53, "protocol": "TCP"}]),
     [("spec.ports[1]", 'Duplicate value: {"port": 53, "protocol": "TCP"}')]),
    ("duplicate nodeports (different protocols)", svc(type="NodePort", ports=[
        {"name": "a", "port": 53, "nodePort": 30053},
        {"name": "b", "port": 53, "protocol": "UDP", "nodePort": 30053}]), []),
    ("invalid appProtocol", svc(ports=[{"port": 80, "appProtocol": "-http"}]),
     [("spec.ports[0].appProtocol", 'Invalid value: "-http": name part must consist of '
       "alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric "
       "character")]),
    ("valid appProtocol", svc(ports=[{"port": 80, "appProtocol": "kubernetes.io/h2c"}]), []),
    ("nodePort below the range", svc(type="NodePort", ports=[{"port": 80, "nodePort": 80}]),
     [("spec.ports[0].nodePort", f"Invalid value: 80: {NODE_PORT_RANGE}")]),
    ("nodePort above the range", svc(type="LoadBalancer", loadBalancerSourceRanges=[
        "10.0.0.0/8"], ports=[{"port": 80, "nodePort": 40000}]),
     [("spec.ports[0].nodePort", f"Invalid value: 40000: {NODE_PORT_RANGE}")]),
    ("healthCheckNodePort outside the range", svc(
        type="LoadBalancer", externalTrafficPolicy="Local", healthCheckNodePort=80),
     [("spec.healthCheckNodePort", f"Invalid value: 80: {NODE_PORT_RANGE}")]),
    ("externalTrafficPolicy with externalIPs", svc(externalIPs=["1.2.3.4"],
                                                  externalTrafficPolicy="Local"), []),
    ("invalid externalTrafficPolicy", svc(type="NodePort", externalTrafficPolicy="Global"),
     [("spec.externalTrafficPolicy",
       'Unsupported value: "Global": supported values: "Cluster", "Local"')]),
    ("invalid publicIPs", svc(externalIPs=[
        "127.0.0.1", "169.254.1.1", "0.0.0.0", "224.0.0.5", "myhost.mydomain", "::1",
        "fe80::1", "ff02::1", "1.2.3.4"]),
     [("spec.externalIPs[0]",
       'Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)'),
      ("spec.externalIPs[1]", 'Invalid value: "169.254.1.1": may not be in the link-local '
                              "range (169.254.0.0/16, fe80::/10)"),
      ("spec.externalIPs[2]", 'Invalid value: "0.0.0.0": may not be unspecified (0.0.0.0)'),
      ("spec.externalIPs[3]", 'Invalid value: "224.0.0.5": may not be in the link-local '
                              "multicast range (224.0.0.0/24, ff02::/10)"),
      ("spec.externalIPs[4]", 'Invalid value: "myhost.mydomain": must be a valid IP address, '
                              "(e.g. 10.9.8.7 or 2001:db8::ffff)"),
      ("spec.externalIPs[5]",
       'Invalid value: "::1": may not be in the loopback range (127.0.0.0/8, ::1/128)'),
      ("spec.externalIPs[6]", 'Invalid value: "fe80::1": may not be in the link-local range '
                              "(169.254.0.0/16, fe80::/10)"),
      ("spec.externalIPs[7]", 'Invalid value: "ff02::1": may not be in the link-local '
                              "multicast range (224.0.0.0/24, ff02::/10)")]),
    ("sessionAffinity ClientIP without a timeout is defaulted", svc(sessionAffinity="ClientIP"),
     []),
    ("sessionAffinityConfig dropped when affinity is None", svc(sessionAffinityConfig={
        "clientIP": {"timeoutSeconds": 0}}), []),
    ("invalid timeoutSeconds (zero)", svc(sessionAffinity="ClientIP", sessionAffinityConfig={
        "clientIP": {"timeoutSeconds": 0}}),
     [("spec.sessionAffinityConfig.clientIP.timeoutSeconds",
       "Invalid value: 0: must be greater than 0 and less than 86400")]),
    ("invalid timeoutSeconds (over a day)", svc(
        sessionAffinity="ClientIP", sessionAffinityConfig={"clientIP": {"timeoutSeconds": 86401}}),
     [("spec.sessionAffinityConfig.clientIP.timeoutSeconds",
       "Invalid value: 86401: must be greater than 0 and less than 86400")]),
    ("clusterIPs without clusterIP", svc(clusterIPs=["10.0.0.1"]),
     [("spec.clusterIPs", 'Invalid value: []string{"10.0.0.1"}: must be empty when '
                          "`clusterIP` is not specified")]),
    ("clusterIPs[0] differs from clusterIP", svc(clusterIP="10.0.0.1", clusterIPs=["10.0.0.2"]),
     [("spec.clusterIPs",
       'Invalid value: []string{"10.0.0.2"}: first value must match `clusterIP`')]),
    ("clusterIP alone fills clusterIPs", svc(clusterIP="10.0.0.1"), []),
    ("dual-stack clusterIPs", svc(clusterIP="10.0.0.1", clusterIPs=["10.0.0.1", "fd00::1"],
                                  ipFamilyPolicy="RequireDualStack"), []),
    ("two IPs of one family", svc(clusterIP="10.0.0.1", clusterIPs=["10.0.0.1", "10.0.0.2"],
                                  ipFamilyPolicy="PreferDualStack"),
     [("spec.clusterIPs", 'Invalid value: []string{"10.0.0.1", "10.0.0.2"}: may specify no '
                          "more than one IP for each IP family")]),
    ("three clusterIPs", svc(clusterIP="10.0.0.1", clusterIPs=["10.0.0.1", "fd00::1",
                                                               "10.0.0.3"]),
     [("spec.clusterIPs", 'Invalid value: []string{"10.0.0.1", "fd00::1", "10.0.0.3"}: may '
                          "only hold up to 2 values"),
      ("spec.clusterIPs", 'Invalid value: []string{"10.0.0.1", "fd00::1", "10.0.0.3"}: may '
                          "specify no more than one IP for each IP family")]),
    ("None not alone", svc(clusterIP="None", clusterIPs=["None", "10.0.0.1"]),
     [("spec.clusterIPs", 'Invalid value: []string{"None", "10.0.0.1"}: \'None\' must be the '
                          "first and only value")]),
    ("invalid cluster ip", svc(clusterIP="invalid"),
     [("spec.clusterIPs[0]", 'Invalid value: "invalid": must be a valid IP address, (e.g. '
                             "10.9.8.7 or 2001:db8::ffff)")]),
    ("clusterIP of the wrong family", svc(clusterIP="10.0.0.1", ipFamilies=["IPv6"]),
     [("spec.clusterIPs[0]", 'Invalid value: "10.0.0.1": expected an IPv6 value as indicated '
                             "by `ipFamilies[0]`")]),
    ("bad ipFamilies value", svc(ipFamilies=["IPv5"]),
     [("spec.ipFamilies[0]", 'Unsupported value: "IPv5": supported values: "IPv4", "IPv6"')]),
    ("dup ipFamily", svc(ipFamilies=["IPv4", "IPv4"]),
     [("spec.ipFamilies[1]", 'Duplicate value: "IPv4"')]),
    ("too many ipFamilies on SingleStack", svc(ipFamilies=["IPv4", "IPv6"],
                                               ipFamilyPolicy="SingleStack"),
     [("spec.ipFamilyPolicy", "Invalid value: \"SingleStack\": must be 'RequireDualStack' or "
                              "'PreferDualStack' when multiple IP families are specified")]),
    ("two families, PreferDualStack", svc(ipFamilies=["IPv6", "IPv4"],
                                          ipFamilyPolicy="PreferDualStack"), []),
    ("bad ipFamilyPolicy", svc(ipFamilyPolicy="Dual"),
     [("spec.ipFamilyPolicy", 'Unsupported value: "Dual": supported values: '
                              '"PreferDualStack", "RequireDualStack", "SingleStack"')]),
    ("ExternalName with ipFamilies and policy", svc(
        type="ExternalName", externalName="db.example.com", ports=[], ipFamilies=["IPv4"],
        ipFamilyPolicy="SingleStack"),
     [("spec.ipFamilies", "Forbidden: may not be set for ExternalName services"),
      ("spec.ipFamilyPolicy", "Forbidden: may not be set for ExternalName services")]),
    ("loadBalancerClass on ClusterIP", svc(loadBalancerClass="example.com/lb"),
     [("spec.loadBalancerClass", LB_ONLY)]),
    ("invalid loadBalancerClass", svc(type="LoadBalancer", loadBalancerSourceRanges=[
        "10.0.0.0/8"], loadBalancerClass="-bad/"),
     [("spec.loadBalancerClass", 'Invalid value: "-bad/": name part must be non-empty'),
      ("spec.loadBalancerClass", f'Invalid value: "-bad/": prefix part {DNS1123_SUBDOMAIN}')]),
    ("valid loadBalancerClass", svc(type="LoadBalancer", loadBalancerSourceRanges=[
        "10.0.0.0/8"], loadBalancerClass="example.com/internal-vip"), []),
    ("allocateLoadBalancerNodePorts on ClusterIP", svc(allocateLoadBalancerNodePorts=False),
     [("spec.allocateLoadBalancerNodePorts", LB_ONLY)]),
    ("space-padded LoadBalancer source range", svc(
        type="LoadBalancer", loadBalancerSourceRanges=[" 10.0.0.0/8 "]), []),
    ("invalid LoadBalancer source range annotation", annotated(
        svc(type="LoadBalancer"), **{SOURCE_RANGES: "10.0.0.0/8, foo.bar"}),
     [(f"metadata.annotations[{SOURCE_RANGES}]", 'Invalid value: "foo.bar": must be a valid '
                                                 "CIDR value, (e.g. 10.9.8.0/24 or "
                                                 "2001:db8::/64)")]),
    ("empty LoadBalancer source range annotation", annotated(
        svc(type="LoadBalancer"), **{SOURCE_RANGES: ""}), []),
    ("source range annotation on ClusterIP", annotated(svc(), **{SOURCE_RANGES: "10.0.0.0/8"}),
     [(f"metadata.annotations[{SOURCE_RANGES}]", LB_ONLY)]),
    ("invalid topology annotations", annotated(svc(), **{TOPOLOGY_MODE: "Auto",
                                                        TOPOLOGY_HINTS: "Disabled"}),
     [(f"metadata.annotations[{TOPOLOGY_MODE}]", 'Invalid value: "Auto": must match '
       f"annotations[{TOPOLOGY_HINTS}] when both are specified")]),
    ("matching topology annotations", annotated(svc(), **{TOPOLOGY_MODE: "Auto",
                                                         TOPOLOGY_HINTS: "Auto"}), []),
    ("ingress.class annotation differs from ingressClassName", annotated(
        ing(), **{"kubernetes.io/ingress.class": "nginx"}),
     [("metadata.annotations[kubernetes.io/ingress.class]",
       'Invalid value: "nginx": must match `ingressClassName` when both are specified')]),
    ("ingress.class annotation equal to ingressClassName", annotated(
        ing(), **{"kubernetes.io/ingress.class": "gw"}), []),
    ("valid resource backend", ing(rules=[], defaultBackend={"resource": {
        "apiGroup": "k8s.example.com", "kind": "StorageBucket", "name": "static-assets"}}), []),
    ("invalid resource backend", ing(rules=[], defaultBackend={"resource": {
        "apiGroup": "Example.com", "kind": "a/b", "name": ".."}}),
     [("spec.defaultBackend.resource.apiGroup", f'Invalid value: "Example.com": '
                                                f"{DNS1123_SUBDOMAIN}"),
      ("spec.defaultBackend.resource.kind", "Invalid value: \"a/b\": may not contain '/'"),
      ("spec.defaultBackend.resource.name", "Invalid value: \"..\": may not be '..'")]),
    ("resource backend name with %", ing(rules=[], defaultBackend={"resource": {
        "kind": "Bucket", "name": "x%y"}}),
     [("spec.defaultBackend.resource.name", "Invalid value: \"x%y\": may not contain '%'")]),
    ("IngressClass parameters scope defaults to Cluster",
     ingress_class(parameters={"kind": "K", "name": "n"}), []),
    ("IngressClass Cluster parameters with a namespace",
     ingress_class(parameters={"kind": "K", "name": "n", "namespace": "x"}),
     [("spec.parameters.namespace", "Forbidden: `parameters.scope` is set to 'Cluster'")]),
    ("IngressClass namespace format", ingress_class(parameters={
        "kind": "K", "name": "n", "scope": "Namespace", "namespace": "Bad_ns"}),
     [("spec.parameters.namespace", f'Invalid value: "Bad_ns": {DNS1123_LABEL}')]),
    ("IngressClass parameters formats", ingress_class(parameters={
        "kind": "K/1", "name": "..", "apiGroup": "-x", "scope": "Global"}),
     [("spec.parameters.apiGroup", f'Invalid value: "-x": {DNS1123_SUBDOMAIN}'),
      ("spec.parameters.kind", "Invalid value: \"K/1\": may not contain '/'"),
      ("spec.parameters.name", "Invalid value: \"..\": may not be '..'"),
      ("spec.parameters.scope",
       'Unsupported value: "Global": supported values: "Cluster", "Namespace"')]),
    ("IngressClass controller too long", ingress_class(controller="example.com/" + "x" * 240),
     [("spec.controller", "Too long: may not be more than 250 bytes")]),
    ("IngressClass controller domain", ingress_class(controller="Example/c"),
     [("spec.controller", f'Invalid value: "Example": {DNS1123_SUBDOMAIN}')]),
    ("IngressClass controller path", ingress_class(controller="example.com/a b"),
     [("spec.controller", "Invalid value: \"a b\": Invalid path (regex used for validation is "
                          "'[A-Za-z0-9/\\-._~%!$&'()*+,;=:]+')")]),
    ("IngressClass controller without domain", ingress_class(controller="/c"),
     [("spec.controller",
       'Invalid value: "/c": must be a domain-prefixed path (such as "acme.io/foo")')]),
    ("generateName with a trailing dash", {**renamed(svc(), "x"), "metadata": {
        "generateName": "web-", "namespace": "a"}}, []),
    ("invalid generateName", {**svc(), "metadata": {"generateName": "Web-", "namespace": "a"}},
     [("metadata.generateName", 'Invalid value: "Web-": a DNS-1035 label must consist of lower '
       "case alphanumeric characters or '-', start with an alphabetic character, and end with "
       "an alphanumeric character")]),
    ("standard and qualified finalizers", {**svc(), "metadata": {
        "name": "web", "finalizers": ["kubernetes", "example.com/cleanup",
                                      "service.kubernetes.io/load-balancer-cleanup"]}}, []),
    ("unqualified finalizer", {**svc(), "metadata": {"name": "web", "finalizers": ["cleanup"]}},
     [("metadata.finalizers", 'Invalid value: "cleanup": name is neither a standard finalizer '
                              "name nor is it fully qualified")]),
    ("orphan and foregroundDeletion", {**svc(), "metadata": {
        "name": "web", "finalizers": ["orphan", "foregroundDeletion"]}},
     [("metadata.finalizers", 'Invalid value: []string{"orphan", "foregroundDeletion"}: '
                              "finalizer orphan and foregroundDeletion cannot be both set")]),
    ("invalid label values in matchExpressions", netpol(podSelector={"matchExpressions": [
        {"key": "app", "operator": "In", "values": ["ok", "not ok", "x" * 64]}]}),
     [("spec.podSelector.matchExpressions[0].values[1]",
       f'Invalid value: "not ok": {LABEL_VALUE}'),
      ("spec.podSelector.matchExpressions[0].values[2]",
       f'Invalid value: "{"x" * 64}": must be no more than 63 characters')]),
]


@pytest.mark.parametrize(("obj", "errors"), [c[1:] for c in EXACT], ids=[c[0] for c in EXACT])
def test_errors_exactly(obj: dict[str, Any], errors: list[tuple[str, str]]) -> None:
    found = [(f.field, f.message) for f in validate([obj]) if f.rule == "NK010"]
    assert found == errors


def test_node_port_range_is_configurable(tmp_path: Path) -> None:
    obj = svc(type="NodePort", ports=[{"port": 80, "nodePort": 8080}])
    assert [f.message for f in validate([obj], node_ports=(8000, 9000))] == []
    assert [f.message for f in validate([obj]) if f.rule == "NK010"] == [
        f"Invalid value: 8080: {NODE_PORT_RANGE}"]
    (tmp_path / "pyproject.toml").write_text('[tool.netkit]\nnode_port_range = "8000-9000"\n')
    assert load_config(tmp_path).node_ports == (8000, 9000)


@pytest.mark.parametrize("text", ["30000", "9000-8000", "0-100", "a-b", "1-70000"])
def test_node_port_range_must_be_a_range(tmp_path: Path, text: str) -> None:
    (tmp_path / "pyproject.toml").write_text(f'[tool.netkit]\nnode_port_range = "{text}"\n')
    with pytest.raises(ConfigError, match="node_port_range"):
        load_config(tmp_path)


def test_custom_resources_may_use_unqualified_finalizers() -> None:
    route = {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute",
             "metadata": {"name": "r", "namespace": "a", "finalizers": ["cleanup"]},
             "spec": {}}
    assert [f.message for f in validate([route]) if f.rule == "NK010"] == []


def test_defaults_apply_to_a_copy() -> None:
    obj = svc(ports=[{"port": 80, "targetPort": 0}], sessionAffinity="ClientIP")
    before = copy.deepcopy(obj)
    validate([obj])
    assert obj == before


WARNED: list[tuple[str, dict[str, Any], list[tuple[str, str]]]] = [
    ("externalName on a ClusterIP Service", svc(externalName="db.example.com"),
     [("spec.externalName", 'spec.externalName is ignored when spec.type is not "ExternalName"')]),
    ("externalIPs deprecated", svc(externalIPs=["192.0.2.10"]),
     [("spec.externalIPs",
       "spec.externalIPs is deprecated and may no longer be implemented in some clusters")]),
    ("externalIPs on ExternalName", svc(type="ExternalName", externalName="db.example.com",
                                        ports=[], externalIPs=["192.0.2.10"]),
     [("spec.externalIPs", 'spec.externalIPs is ignored when spec.type is "ExternalName"')]),
    ("headless with load balancer fields", svc(clusterIP="None", loadBalancerIP="192.0.2.1",
                                              sessionAffinity="ClientIP"),
     [("spec.loadBalancerIP", "spec.loadBalancerIP is ignored for headless services"),
      ("spec.sessionAffinity", "spec.SessionAffinity is ignored for headless services")]),
    ("deprecated topology hints annotation", annotated(svc(), **{TOPOLOGY_HINTS: "Auto"}),
     [(f"metadata.annotations[{TOPOLOGY_HINTS}]",
       f"annotation {TOPOLOGY_HINTS} is deprecated, please use {TOPOLOGY_MODE} instead")]),
    ("trafficDistribution under the topology annotation", annotated(
        svc(trafficDistribution="PreferSameZone"), **{TOPOLOGY_MODE: "Auto"}),
     [("spec.trafficDistribution", f"spec.trafficDistribution is ignored: annotation "
                                   f"{TOPOLOGY_MODE} 'Auto' takes precedence")]),
    ("trafficDistribution with topology disabled", annotated(
        svc(trafficDistribution="PreferSameZone"), **{TOPOLOGY_MODE: "Disabled"}), []),
    ("PreferClose deprecated", svc(trafficDistribution="PreferClose"),
     [("spec.trafficDistribution",
       'spec.trafficDistribution: "PreferClose" is deprecated; use "PreferSameZone"')]),
    ("cluster IP with leading zeros", svc(clusterIP="010.0.0.1"),
     [("spec.clusterIPs[0]", 'spec.clusterIPs[0]: non-standard IP address "010.0.0.1" will be '
                             'considered invalid in a future Kubernetes release: use '
                             '"10.0.0.1"')]),
    ("non-canonical IPv6 cluster IP", svc(clusterIP="fd00:0::1"),
     [("spec.clusterIPs[0]", 'spec.clusterIPs[0]: IPv6 address "fd00:0::1" should be in RFC '
                             '5952 canonical format ("fd00::1")')]),
    ("ambiguous source range", svc(type="LoadBalancer",
                                   loadBalancerSourceRanges=["10.0.0.1/8"]),
     [("spec.loadBalancerSourceRanges[0]", 'spec.loadBalancerSourceRanges[0]: CIDR value '
       '"10.0.0.1/8" is ambiguous in this context (should be "10.0.0.0/8" or "10.0.0.1/32"?)')]),
    ("ambiguous ipBlock", netpol(ingress=rule({"ipBlock": {"cidr": "10.0.1.1/16"}})),
     [("spec.ingress[0].from[0].ipBlock.cidr", 'spec.ingress[0].from[0].ipBlock.cidr: CIDR '
       'value "10.0.1.1/16" is ambiguous in this context (should be "10.0.0.0/16" or '
       '"10.0.1.1/32"?)')]),
    ("ingress.class annotation without ingressClassName", annotated(
        {**ing(), "spec": {k: v for k, v in ing()["spec"].items() if k != "ingressClassName"}},
        **{"kubernetes.io/ingress.class": "nginx"}),
     [("metadata.annotations[kubernetes.io/ingress.class]",
       "annotation \"kubernetes.io/ingress.class\" is deprecated, please use "
       "'spec.ingressClassName' instead")]),
]


@pytest.mark.parametrize(("obj", "warnings"), [c[1:] for c in WARNED],
                         ids=[c[0] for c in WARNED])
def test_warnings_exactly(obj: dict[str, Any], warnings: list[tuple[str, str]]) -> None:
    found = validate([obj])
    assert [f.line_text() for f in found if f.severity == "error"] == []
    assert [(f.field, f.message) for f in found if f.rule == "NK011"] == warnings


def test_a_rejected_object_gets_no_warnings() -> None:
    obj = svc(externalName="db.example.com", ports=[{"port": 0}])
    assert {f.rule for f in validate([obj])} == {"NK010"}


_PORTS = st.lists(st.fixed_dictionaries(
    {"port": st.integers(0, 70000)},
    optional={"name": st.sampled_from(["http", "a", "Web", "metrics"]),
              "protocol": st.sampled_from(["TCP", "UDP", "HTTP"]),
              "targetPort": st.one_of(st.integers(0, 70000), st.sampled_from(["", "http", "x--y"])),
              "nodePort": st.integers(0, 40000)}), max_size=3)
_SERVICE_SPECS = st.fixed_dictionaries({"ports": _PORTS}, optional={
    "type": st.sampled_from(["ClusterIP", "NodePort", "LoadBalancer", "ExternalName"]),
    "sessionAffinity": st.sampled_from(["None", "ClientIP"]),
    "clusterIP": st.sampled_from(["None", "10.0.0.1", "fd00::1"]),
    "externalIPs": st.lists(st.sampled_from(["192.0.2.1", "127.0.0.1"]), max_size=2),
    "externalTrafficPolicy": st.sampled_from(["Cluster", "Local"]),
    "externalName": st.sampled_from(["db.example.com", "Bad_Name"]),
})


def _with_defaults_written(spec: dict[str, Any]) -> dict[str, Any]:
    out = {**spec, "ports": [{"protocol": "TCP", **p} for p in spec["ports"]]}
    out.setdefault("type", "ClusterIP")
    out.setdefault("sessionAffinity", "None")
    return out


@settings(max_examples=150, deadline=None)
@given(_SERVICE_SPECS)
def test_writing_the_defaults_out_changes_no_verdict(spec: dict[str, Any]) -> None:
    def verdict(s: dict[str, Any]) -> list[tuple[str, str | None, str]]:
        obj = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"}, "spec": s}
        before = copy.deepcopy(obj)
        out = [(f.rule, f.field, f.message) for f in validate([obj])
               if f.rule in ("NK010", "NK011")]
        assert obj == before  # defaults go to a copy
        return out

    assert verdict(spec) == verdict(_with_defaults_written(spec))
