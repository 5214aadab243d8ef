"""Every bad input gives one NetkitError line naming the construct path, with a hint."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netkit import Blueprint, NetkitError, Target
from netkit.constructs import (
    BackendTls,
    CanaryRoute,
    ClusterIssuer,
    Gateway,
    GrpcRoute,
    Namespace,
    RateLimitedService,
    Service,
    TcpRoute,
    TlsIngress,
    TlsPassthrough,
    WorkloadPort,
    ZeroTrustNamespace,
    any_pod_in,
    cidr,
    cors,
    listener,
    retry,
)
from netkit.testing import synth
from netkit.validate.blueprint import Facts, overlapping_selectors


def shop(target: Target | None = None) -> dict[str, Any]:
    bp = Blueprint("shop", target=target or Target())
    ns = ZeroTrustNamespace(bp, "shop")
    web = ns.workload("web", labels={"app": "web"}, ports={"http": 9376})
    api = ns.workload("api", labels={"app": "api"}, ports={"http": 8080, "grpc": 9090})
    web_svc = Service(ns, "web", workload=web, port=80, target_port="http")
    api_svc = Service(ns, "api", workload=api, port=80, target_port="http")
    site = TlsIngress(ns, "site", hosts=["cafe.example.com"], issuer="letsencrypt-prod")
    site.route("/tea", web_svc)
    return {"bp": bp, "ns": ns, "web": web, "api": api, "web_svc": web_svc, "api_svc": api_svc,
            "site": site}


def rendered(target: Target, build: Callable[[dict[str, Any]], object]) -> Callable[[], object]:
    def run() -> object:
        s = shop(target)
        build(s)
        return synth(s["bp"])
    return run


def built(build: Callable[[dict[str, Any]], object]) -> Callable[[], object]:
    return lambda: build(shop())


NGINX = Target(ingress="ingress-nginx")
CASES: list[tuple[str, Callable[[], object], str, str]] = [
    # (case id, action, expected location, expected message fragment)
    ("canary-weight-0", built(lambda s: CanaryRoute(
        s["site"], "c", path="/tea", stable=s["web_svc"], canary=s["api_svc"], weight=0)),
     "shop/site/c", "weight 0 is out of range 1-100"),
    ("canary-weight-101", built(lambda s: CanaryRoute(
        s["site"], "c", path="/tea", stable=s["web_svc"], canary=s["api_svc"], weight=101)),
     "shop/site/c", "weight 101 is out of range 1-100"),
    ("canary-unrouted-path", built(lambda s: CanaryRoute(
        s["site"], "c", path="/coffee", stable=s["web_svc"], canary=s["api_svc"], weight=5)),
     "shop/site/c", "path '/coffee' is not routed by shop/site (routed: /tea)"),
    ("canary-wrong-stable", built(lambda s: CanaryRoute(
        s["site"], "c", path="/tea", stable=s["api_svc"], canary=s["web_svc"], weight=5)),
     "shop/site/c", "stable shop/api is not the Service routed at '/tea'"),
    ("canary-two-modes", built(lambda s: CanaryRoute(
        s["site"], "c", path="/tea", stable=s["web_svc"], canary=s["api_svc"], weight=5,
        header="x-canary")), "shop/site/c", "give exactly one of weight, header"),
    ("canary-twice", built(lambda s: [CanaryRoute(
        s["site"], n, path="/tea", stable=s["web_svc"], canary=s["api_svc"], weight=5)
        for n in ("a", "b")]), "shop/site/b", "already has canary shop/site/a"),
    ("canary-bad-header", built(lambda s: CanaryRoute(
        s["site"], "c", path="/tea", stable=s["web_svc"], canary=s["api_svc"],
        header="x canary")), "shop/site/c", "is not a valid HTTP header name"),
    ("canary-scope", built(lambda s: CanaryRoute(
        s["bp"], "c", path="/tea", stable=s["web_svc"], canary=s["api_svc"], weight=5)),
     "shop/c", "a CanaryRoute's scope must be a TlsIngress (edge) or a namespace "
               "(east-west)"),
    ("rps-0", built(lambda s: RateLimitedService(
        s["ns"], "lim", workload=s["web"], port=80, target_port="http", rps=0)),
     "shop/lim", "rate must be at least 1"),
    ("rps-and-rpm", built(lambda s: RateLimitedService(
        s["ns"], "lim", workload=s["web"], port=80, target_port="http", rps=1, rpm=60)),
     "shop/lim", "give exactly one of rps or rpm"),
    ("bad-status", built(lambda s: RateLimitedService(
        s["ns"], "lim", workload=s["web"], port=80, target_port="http", rps=1,
        status_code=200)), "shop/lim", "status_code 200 is not a 4xx or 5xx code"),
    ("bad-allowlist", built(lambda s: RateLimitedService(
        s["ns"], "lim", workload=s["web"], port=80, target_port="http", rps=1,
        allowlist=["10.0.0.1/8"])), "shop/lim", "did you mean 10.0.0.0/8?"),
    ("host-double-wildcard", built(lambda s: TlsIngress(
        s["ns"], "x", hosts=["*.*.example.com"], issuer="i")), "shop/x",
     "a wildcard DNS-1123 subdomain must start with '*.'"),
    ("host-inner-wildcard", built(lambda s: TlsIngress(
        s["ns"], "x", hosts=["a.*.example.com"], issuer="i")), "shop/x",
     "a wildcard DNS-1123 subdomain must start with '*.'"),
    ("host-partial-wildcard", built(lambda s: TlsIngress(
        s["ns"], "x", hosts=["w*.example.com"], issuer="i")), "shop/x",
     "a wildcard DNS-1123 subdomain must start with '*.'"),
    ("host-ip", built(lambda s: TlsIngress(s["ns"], "x", hosts=["10.0.0.1"], issuer="i")),
     "shop/x", "must be a DNS name, not an IP address"),
    ("host-upper", built(lambda s: TlsIngress(s["ns"], "x", hosts=["Shop.example.com"],
                                              issuer="i")),
     "shop/x", "a lowercase RFC 1123 subdomain"),
    ("host-single-label", built(lambda s: TlsIngress(s["ns"], "x", hosts=["localhost"],
                                                     issuer="i")),
     "shop/x", "must be a fully qualified name"),
    ("host-bad-label", built(lambda s: TlsIngress(s["ns"], "x", hosts=["-a.example.com"],
                                                  issuer="i")),
     "shop/x", "a lowercase RFC 1123 subdomain"),
    ("hosts-string", built(lambda s: TlsIngress(s["ns"], "x", hosts="a.example.com",  # type: ignore[arg-type]
                                                issuer="i")),
     "shop/x", "hosts must be a non-empty list"),
    ("issuer-and-secret", built(lambda s: TlsIngress(
        s["ns"], "x", hosts=["a.example.com"], issuer="i", secret="s")),
     "shop/x", "give exactly one of issuer= or secret="),
    ("route-twice", built(lambda s: s["site"].route("/tea", s["api_svc"])),
     "shop/site: route('/tea')", "path '/tea' (Prefix) is already routed"),
    ("route-relative", built(lambda s: s["site"].route("tea", s["api_svc"])),
     "shop/site: route('tea')", "must start with '/'"),
    ("route-bad-port", built(lambda s: s["site"].route("/x", s["api_svc"], port=81)),
     "shop/site: route('/x')", "Service shop/api has no port 81"),
    ("unknown-port-name", built(lambda s: s["ns"].allow(s["web"], to=s["api"], port="htp")),
     "shop: allow(shop/web -> shop/api)", "workload shop/api has no port named 'htp' "
     "(declared: http=8080, grpc=9090)"),
    ("undeclared-port-number", built(lambda s: s["ns"].allow(s["web"], to=s["api"],
                                                             port=5432)),
     "shop: allow(shop/web -> shop/api)", "does not listen on 5432/TCP"),
    ("port-protocol-mismatch", built(lambda s: s["ns"].allow(s["web"], to=s["api"],
                                                             port="http", protocol="UDP")),
     "shop: allow(shop/web -> shop/api)", "port 'http' of shop/api is TCP, not UDP"),
    ("named-port-to-cidr", built(lambda s: s["ns"].allow(s["web"], to=cidr("10.0.0.0/8"),
                                                         port="https")),
     "shop: allow(shop/web -> 10.0.0.0/8)", "named port 'https' needs a workload destination"),
    ("end-port-below-port", built(lambda s: s["ns"].allow(
        s["web"], to=cidr("10.0.0.0/8"), port=9000, end_port=8000)),
     "shop: allow(shop/web -> 10.0.0.0/8)", "end_port 8000 must be in 9000-65535"),
    ("end-port-without-port", built(lambda s: s["ns"].allow(
        s["web"], to=cidr("10.0.0.0/8"), end_port=8000)),
     "shop: allow(shop/web -> 10.0.0.0/8)", "end_port needs a numeric port"),
    ("port-out-of-range", built(lambda s: s["ns"].allow(s["web"], to=cidr("10.0.0.0/8"),
                                                        port=70000)),
     "shop: allow(shop/web -> 10.0.0.0/8)", "port 70000 is out of range"),
    ("no-workload-end", built(lambda s: s["ns"].allow(any_pod_in("shop"),
                                                      to=cidr("10.0.0.0/8"))),
     "shop: allow(shop/* -> 10.0.0.0/8)", "at least one end must be a workload"),
    ("neither-end-here", built(lambda s: s["ns"].allow(cidr("10.0.0.0/8"),
                                                       to=any_pod_in("other"))),
     "shop: allow(10.0.0.0/8 -> other/*)", "neither end is in namespace shop"),
    ("cidr-not-canonical", built(lambda s: cidr("10.0.1.1/4")), "cidr('10.0.1.1/4')",
     "is not canonical; did you mean 0.0.0.0/4?"),
    ("cidr-except-outside", built(lambda s: cidr("10.0.0.0/16", except_=["10.1.0.0/24"])),
     "cidr('10.0.0.0/16')", "except 10.1.0.0/24 is not inside 10.0.0.0/16"),
    ("cidr-garbage", built(lambda s: cidr("ten/8")), "cidr('ten/8')", "is not a CIDR"),
    ("target-port-unknown", built(lambda s: Service(
        s["ns"], "x", workload=s["web"], port=80, target_port="https")),
     "shop/x: target_port", "workload shop/web has no port named 'https'"),
    ("target-port-default-undeclared", built(lambda s: Service(
        s["ns"], "x", workload=s["web"], port=80)),
     "shop/x: target_port", "does not listen on 80/TCP (declared: http=9376)"),
    ("service-name-dns1035", built(lambda s: Service(
        s["ns"], "1web", workload=s["web"], port=80, target_port="http")),
     "shop/1web", "is not a DNS-1035 label"),
    ("node-port-range", built(lambda s: Service(
        s["ns"], "x", workload=s["web"], port=80, target_port="http", type="NodePort",
        node_port=8080)), "shop/x", "node_port 8080 is outside the node port range"),
    ("node-port-clusterip", built(lambda s: Service(
        s["ns"], "x", workload=s["web"], port=80, target_port="http", node_port=30001)),
     "shop/x", "node_port needs type NodePort or LoadBalancer"),
    ("source-ranges-clusterip", built(lambda s: Service(
        s["ns"], "x", workload=s["web"], port=80, target_port="http",
        load_balancer_source_ranges=["10.0.0.0/8"])),
     "shop/x", "load_balancer_source_ranges needs type LoadBalancer"),
    ("internal-without-cloud", built(lambda s: Service(
        s["ns"], "x", workload=s["web"], port=80, target_port="http", type="LoadBalancer",
        internal=True)), "shop/x", "internal=True needs type LoadBalancer and cloud="),
    ("headless-nodeport", built(lambda s: Service(
        s["ns"], "x", workload=s["web"], port=80, target_port="http", type="NodePort",
        headless=True)), "shop/x", "a headless Service must be of type ClusterIP"),
    ("service-other-namespace", built(lambda s: Service(
        Namespace(s["bp"], "other"), "x", workload=s["web"], port=80, target_port="http")),
     "other/x", "workload shop/web is not in namespace other"),
    ("duplicate-id", built(lambda s: Service(s["ns"], "web", workload=s["web"], port=80,
                                             target_port="http")),
     "shop", "duplicate id 'web': Service clashes with Service shop/web"),
    ("empty-labels", built(lambda s: s["ns"].workload("x", labels={})),
     "shop/workloads/x", "labels must not be empty"),
    ("bad-label", built(lambda s: s["ns"].workload("x", labels={"app": "a b"})),
     "shop/workloads/x", "label app='a b'"),
    ("bad-port-name", built(lambda s: s["ns"].workload("x", labels={"a": "b"},
                                                       ports={"HTTP": 80})),
     "shop/workloads/x", "port name 'HTTP'"),
    ("nested-namespace", built(lambda s: Namespace(s["ns"], "inner")),
     "shop/inner", "namespaces cannot be nested"),
    ("issuer-bad-email", built(lambda s: ClusterIssuer(s["bp"], "le", email="nope")),
     "le", "email 'nope' is not an address"),
    ("issuer-in-namespace", built(lambda s: ClusterIssuer(s["ns"], "le", email="a@b.c")),
     "shop/le", "a ClusterIssuer is cluster-scoped"),
    ("https-listener-without-secret", built(lambda s: listener("https", 443, "HTTPS")),
     "listener('https')", "HTTPS listener 'https' needs tls_secret"),
    ("gateway-duplicate-listeners", built(lambda s: Gateway(
        s["ns"], "gw", listeners=[listener("a", 80), listener("a", 81)])),
     "shop/gw", "listener names must be unique"),
    ("flannel", rendered(Target(cni="flannel"), lambda s: None),
     "shop", "ZeroTrustNamespace needs NetworkPolicy enforcement, but cni='flannel'"),
    ("fqdn-on-calico", rendered(Target(), lambda s: s["ns"].allow_egress_fqdn(
        s["web"], "api.stripe.com", port=443)),
     "shop: allow_egress_fqdn('api.stripe.com')", "not expressible with cni='calico'"),
    ("end-port-on-weave", rendered(Target(cni="weave"), lambda s: s["ns"].allow(
        s["web"], to=cidr("10.0.0.0/8"), port=9000, end_port=9010)),
     "shop: allow(shop/web -> 10.0.0.0/8)", "cni='weave' ignores endPort"),
    ("envoy-burst", rendered(Target(), lambda s: s["site"].route("/lim", RateLimitedService(
        s["ns"], "lim", workload=s["web"], port=80, target_port="http", rps=10, burst=20))),
     "shop/site", "Envoy Gateway cannot set burst=20"),
    ("ngf-allowlist", rendered(Target(gateway="nginx-gateway-fabric"), lambda s: s[
        "site"].route("/lim", RateLimitedService(
            s["ns"], "lim", workload=s["web"], port=80, target_port="http", rps=10,
            allowlist=["10.0.0.0/8"]))),
     "shop/site", "NGINX Gateway Fabric's RateLimitPolicy has no allowlist"),
    ("no-rate-limit-support", rendered(Target(gateway="none"), lambda s: s["site"].route(
        "/lim", RateLimitedService(s["ns"], "lim", workload=s["web"], port=80,
                                   target_port="http", rps=10))),
     "shop/lim", "target gateway='none' has no rate-limit policy"),
    ("unrouted-rate-limit-support", rendered(Target(gateway="none"), lambda s: RateLimitedService(
        s["ns"], "lim", workload=s["web"], port=80, target_port="http", rps=10)),
     "shop/lim", "so the limit would be enforced nowhere"),
    ("envoy-global-rules", rendered(Target(), lambda s: s["site"].route(
        "/lim", RateLimitedService(s["ns"], "lim", workload=s["web"], port=80,
                                   target_port="http", rps=10, per_client_ip=True,
                                   allowlist=["2001:db8::1/128", "fd00::1/128",
                                              "fe80::1/128"]))),
     "shop/site", "a per-client-IP limit around this allowlist needs 375 Envoy Gateway rules"),
    ("envoy-local-allowlist", rendered(Target(), lambda s: s["site"].route(
        "/lim", RateLimitedService(s["ns"], "lim", workload=s["web"], port=80,
                                   target_port="http", rps=10,
                                   allowlist=[f"10.{i}.0.0/16" for i in range(16)]))),
     "shop/site", "a Local limit holds at most 15 allowlist CIDRs, got 16"),
    ("canary-rate-limited", built(lambda s: CanaryRoute(
        s["site"], "c", path="/tea", stable=s["web_svc"], weight=5, canary=RateLimitedService(
            s["ns"], "lim", workload=s["api"], port=80, target_port="http", rps=10))),
     "shop/site/c: canary", "canary shop/lim's rate limit would not apply"),
    ("allowlist-everything", built(lambda s: RateLimitedService(
        s["ns"], "lim", workload=s["web"], port=80, target_port="http", rps=1,
        allowlist=["0.0.0.0/0", "::/0"])), "shop/lim", "allowlist covers every IPv4 and IPv6 "
                                                       "address, so nothing would be limited"),
    ("nginx-client-ip", rendered(NGINX, lambda s: s["site"].route("/lim", RateLimitedService(
        s["ns"], "lim", workload=s["web"], port=80, target_port="http", rps=10,
        per_client_ip=False))), "shop/site", "ingress-nginx limits are always keyed per client"),
    ("nginx-status", rendered(NGINX, lambda s: s["site"].route("/lim", RateLimitedService(
        s["ns"], "lim", workload=s["web"], port=80, target_port="http", rps=10,
        status_code=429))), "shop/site", "ingress-nginx sets the rejection status"),
    ("nginx-burst", rendered(NGINX, lambda s: s["site"].route("/lim", RateLimitedService(
        s["ns"], "lim", workload=s["web"], port=80, target_port="http", rps=10, burst=25))),
     "shop/site", "25 is not a multiple of 10"),
    ("nginx-hsts", rendered(NGINX, lambda s: TlsIngress(
        s["ns"], "x", hosts=["x.example.com"], issuer="i", hsts_max_age=60).route(
            "/", s["web_svc"])), "shop/x", "ingress-nginx sets HSTS controller-wide"),
    ("nginx-mirror", rendered(NGINX, lambda s: CanaryRoute(
        s["site"], "m", path="/tea", stable=s["web_svc"], canary=s["api_svc"],
        mirror_percent=10)), "shop/site/m", "ingress-nginx cannot mirror"),
    ("no-routes", rendered(Target(), lambda s: TlsIngress(
        s["ns"], "empty", hosts=["e.example.com"], issuer="i")),
     "shop/empty", "TlsIngress has no routes"),
    # One choice check and one port check serve every construct option.
    ("service-type", built(lambda s: Service(s["ns"], "x", workload=s["web"], port=80,
                                             target_port="http", type="ExternalName")),
     "shop/x: type", "unknown type 'ExternalName' (hint: ClusterIP, NodePort or LoadBalancer)"),
    ("service-port-0", built(lambda s: Service(s["ns"], "x", workload=s["web"], port=0)),
     "shop/x: port", "port 0 is out of range 1-65535"),
    ("service-etp", built(lambda s: Service(s["ns"], "x", workload=s["web"], port=80,
                                            target_port="http", type="NodePort",
                                            external_traffic_policy="Remote")),
     "shop/x: external_traffic_policy", "unknown external_traffic_policy 'Remote' "
                                         "(hint: Cluster or Local)"),
    ("service-cloud", built(lambda s: Service(s["ns"], "x", workload=s["web"], port=80,
                                              target_port="http", type="LoadBalancer",
                                              cloud="ibm")),
     "shop/x: cloud", "unknown cloud 'ibm' (hint: aws, gcp or azure)"),
    ("issuer-solver", built(lambda s: ClusterIssuer(s["bp"], "ci", email="a@b.c",
                                                    solver="dns")),
     "ci: solver", "unknown solver 'dns' (hint: auto, gateway or ingress)"),
    ("pod-security", built(lambda s: Namespace(s["bp"], "ps", pod_security="strict")),
     "ps: pod_security", "unknown pod_security 'strict' (hint: privileged, baseline or "
                          "restricted)"),
    ("issuer-kind", built(lambda s: TlsIngress(s["ns"], "x", hosts=["x.example.com"],
                                               issuer="i", issuer_kind="Vault")),
     "shop/x: issuer_kind", "unknown issuer_kind 'Vault' (hint: ClusterIssuer or Issuer)"),
    ("path-type", built(lambda s: s["site"].route("/x", s["web_svc"], path_type="Regex")),
     "shop/site: route('/x'): path_type", "unknown path_type 'Regex' (hint: Prefix or Exact)"),
    ("allow-protocol", built(lambda s: s["ns"].allow(s["web"], to=s["api"], port=80,
                                                     protocol="ICMP")),
     "shop: allow(shop/web -> shop/api): protocol", "unknown protocol 'ICMP' (hint: TCP, UDP "
                                                     "or SCTP)"),
    ("fqdn-port", built(lambda s: s["ns"].allow_egress_fqdn(s["web"], "api.example.com",
                                                            port=0)),
     "shop: allow_egress_fqdn('api.example.com'): port", "port 0 is out of range 1-65535"),
    # Labels and annotations are strings, checked once for every construct that has them.
    ("namespace-annotation-object", built(lambda s: Namespace(s["bp"], "n", annotations={
        "a": object()})), "n: annotations", "annotation a=<object object at"),
    ("namespace-label-key", built(lambda s: Namespace(s["bp"], "n", labels={1: "x"})),
     "n: labels", "labels key 1: not a string"),
    ("service-label-value", built(lambda s: Service(s["ns"], "x", workload=s["web"], port=80,
                                                    target_port="http",
                                                    labels={"tier": "a b"})),
     "shop/x: labels", "label tier='a b'"),
    ("service-annotations-list", built(lambda s: Service(s["ns"], "x", workload=s["web"],
                                                         port=80, target_port="http",
                                                         annotations=["a"])),
     "shop/x: annotations", "annotations must be a mapping, got list"),
    ("workload-label-bool", built(lambda s: s["ns"].workload("w", labels={"on": True})),
     "shop/workloads/w: labels", "label on=True: not a string (bool)"),
    ("gateway-routes", built(lambda s: Gateway(Namespace(s["bp"], "edge"), "gw",
                                               allowed_routes="Any")),
     "edge/gw: allowed_routes", "unknown allowed_routes 'Any' (hint: All, Same or Selector)"),
]



def grpc_site(s: dict[str, Any]) -> TlsIngress:
    return TlsIngress(s["ns"], "rpc", hosts=["rpc.example.com"], secret="rpc-tls")


def udp_service(s: dict[str, Any]) -> Service:
    w = s["ns"].workload("dns", labels={"app": "dns"},
                         ports={"dns": WorkloadPort(port=53, protocol="UDP")})
    return Service(s["ns"], "dns", workload=w, port=53, target_port="dns")


def two_port_mesh(s: dict[str, Any]) -> None:
    svc = Service(s["ns"], "multi", workload=s["api"], port=80, target_port="http")
    svc.ports.append(s["api_svc"].ports[0])
    CanaryRoute(s["ns"], "c", stable=svc, canary=s["web_svc"], weight=5)


CILIUM = Target(gateway="cilium", cni="cilium")
EDGE_CASES: list[tuple[str, Callable[[], object], str, str]] = [
    # Route options, checked where they are given.
    ("timeout-format", built(lambda s: s["site"].route("/x", s["api_svc"], timeout="10 sec")),
     "shop/site: route('/x'): timeout", "duration '10 sec' is not like 500ms, 30s or 1m30s"),
    ("backend-timeout-longer", built(lambda s: s["site"].route(
        "/x", s["api_svc"], timeout="10s", backend_timeout="1m")),
     "shop/site: route('/x')", "backend_timeout 1m is longer than timeout 10s"),
    ("retry-attempts", built(lambda s: retry(0)), "retry(): attempts",
     "attempts must be at least 1, got 0"),
    ("retry-code", built(lambda s: retry(codes=[200])), "retry(): codes",
     "retry code 200 is not a 4xx or 5xx status"),
    ("cors-origin-path", built(lambda s: cors(["https://shop.example.com/app"])),
     "cors(): allow_origins", "origin 'https://shop.example.com/app' is not '*'"),
    ("cors-star-credentials", built(lambda s: cors(["*"], allow_credentials=True)),
     "cors()", "allow_credentials with allow_origins=['*']"),
    ("cors-star-methods", built(lambda s: cors(["*"], allow_methods=["*", "GET"])),
     "cors()", "allow_methods cannot list '*' alongside other values"),
    # Client certificates on listeners.
    ("client-ca-http", built(lambda s: listener("http", 80, client_ca="ca")),
     "listener('http')", "client_ca needs an HTTPS listener; 'http' is HTTP"),
    ("client-ca-per-port", built(lambda s: Gateway(Namespace(s["bp"], "edge"), "gw", listeners=[
        listener("a", 443, "HTTPS", hostname="a.example.com", tls_secret="a", client_ca="x"),
        listener("b", 443, "HTTPS", hostname="b.example.com", tls_secret="b")])),
     "edge/gw: listeners", "HTTPS listeners on port 443 (a, b) ask for different "
                           "client-certificate validation"),
    ("client-ca-shared-gateway", rendered(Target(), lambda s: TlsIngress(
        s["ns"], "m", hosts=["m.example.com"], secret="m", client_ca="ca").route(
            "/", s["web_svc"])),
     "shop/m: client_ca", "this adds listeners to the shared Gateway gateway/shared"),
    # gRPC.
    ("grpc-scope", built(lambda s: GrpcRoute(s["ns"], "g", service=s["api_svc"])),
     "shop/g", "a GrpcRoute's scope must be a TlsIngress"),
    ("grpc-method-alone", built(lambda s: GrpcRoute(grpc_site(s), "g", service=s["api_svc"],
                                                    method="Get")),
     "shop/rpc/g: method", "method needs grpc_service"),
    ("grpc-service-name", built(lambda s: GrpcRoute(grpc_site(s), "g", service=s["api_svc"],
                                                    grpc_service="shop/v1")),
     "shop/rpc/g: grpc_service", "'shop/v1' is not a fully qualified gRPC service name"),
    ("grpc-beside-http", built(lambda s: GrpcRoute(s["site"], "g", service=s["api_svc"])),
     "shop/site/g", "accepts only one of an HTTPRoute and a GRPCRoute sharing a hostname"),
    ("http-beside-grpc", built(lambda s: (lambda site: (
        GrpcRoute(site, "g", service=s["api_svc"]), site.route("/", s["web_svc"])))(
        grpc_site(s))),
     "shop/rpc: route('/')", "already has GrpcRoute shop/rpc/g"),
    ("grpc-duplicate", built(lambda s: (lambda site: (
        GrpcRoute(site, "a", service=s["api_svc"], grpc_service="x.Y"),
        GrpcRoute(site, "b", service=s["web_svc"], grpc_service="x.Y")))(grpc_site(s))),
     "shop/rpc/b", "shop/rpc/a already routes the same calls"),
    # TLS passthrough, TCP and UDP.
    ("passthrough-host", built(lambda s: TlsPassthrough(s["ns"], "p", hosts=["db"],
                                                        service=s["api_svc"])),
     "shop/p: hosts", "host 'db': must be a fully qualified name"),
    ("passthrough-udp", built(lambda s: TlsPassthrough(s["ns"], "p", hosts=["d.example.com"],
                                                       service=udp_service(s))),
     "shop/p: service_port", "TLS runs over TCP, but shop/dns port 53 is UDP"),
    ("tcp-to-udp", built(lambda s: TcpRoute(s["ns"], "t", port=53, service=udp_service(s))),
     "shop/t: service_port", "a TcpRoute carries TCP, but shop/dns port 53 is UDP"),
    ("tcp-port", built(lambda s: TcpRoute(s["ns"], "t", port=70000, service=s["api_svc"])),
     "shop/t: port", "port 70000 is out of range 1-65535"),
    ("tcp-rate-limited", built(lambda s: TcpRoute(s["ns"], "t", port=80, service=(
        RateLimitedService(s["ns"], "lim", workload=s["web"], port=80, target_port="http",
                           rps=5)))),
     "shop/t: service", "shop/lim is rate limited per HTTP request"),
    # Backend TLS.
    ("backend-tls-no-ca", built(lambda s: BackendTls(s["ns"], "b", service=s["api_svc"],
                                                     hostname="api.shop")),
     "shop/b", "give exactly one of ca_configmap, ca_secret or system_ca (got none)"),
    ("backend-tls-two-cas", built(lambda s: BackendTls(
        s["ns"], "b", service=s["api_svc"], hostname="api.shop", ca_secret="a", system_ca=True)),
     "shop/b", "(got ca_secret, system_ca)"),
    ("backend-tls-wildcard", built(lambda s: BackendTls(
        s["ns"], "b", service=s["api_svc"], hostname="*.shop", system_ca=True)),
     "shop/b: hostname", "hostname '*.shop': wildcards are not allowed"),
    ("backend-tls-unnamed-port", built(lambda s: BackendTls(
        s["ns"], "b", service=Service(s["ns"], "plain", workload=s["web"], port=80,
                                      target_port=9376),
        hostname="web.shop", system_ca=True, port=80)),
     "shop/b: port", "port 80 of shop/plain has no name"),
    ("backend-tls-twice", built(lambda s: [BackendTls(
        s["ns"], i, service=s["web_svc"], hostname="web.shop", system_ca=True)
        for i in ("b1", "b2")]),
     "shop/b2", "shop/b1 already sets TLS for shop/web"),
    # East-west canaries.
    ("canary-edge-needs-path", built(lambda s: CanaryRoute(
        s["site"], "c", stable=s["web_svc"], canary=s["api_svc"], weight=5)),
     "shop/site/c: path", "an edge CanaryRoute needs path"),
    ("canary-mesh-stable-elsewhere", built(lambda s: CanaryRoute(
        Namespace(s["bp"], "other"), "c", stable=s["web_svc"], canary=s["api_svc"], weight=5)),
     "other/c: stable", "stable must be a Service of this namespace"),
    ("mirror-too-fine", built(lambda s: CanaryRoute(
        s["site"], "m", path="/tea", stable=s["web_svc"], canary=s["api_svc"],
        mirror_percent=0.00001)),
     "shop/site/m: mirror_percent", "mirror_percent 1e-05 is not a percentage above 0"),
    ("mirror-zero", built(lambda s: CanaryRoute(
        s["site"], "m", path="/tea", stable=s["web_svc"], canary=s["api_svc"],
        mirror_percent=0)),
     "shop/site/m: mirror_percent", "mirror_percent 0 is not a percentage above 0"),
    ("canary-mesh-path", built(lambda s: CanaryRoute(
        s["ns"], "c", stable=s["web_svc"], canary=s["api_svc"], path="v2", weight=5)),
     "shop/c: path", "path 'v2' must start with '/'"),
    ("canary-mesh-no-mesh", rendered(Target(), lambda s: CanaryRoute(
        s["ns"], "c", stable=s["web_svc"], canary=s["api_svc"], weight=5)),
     "shop/c", "needs a mesh implementing Gateway API (GAMMA), but the target has none"),
    ("canary-mesh-cilium-port", rendered(CILIUM, two_port_mesh),
     "shop/c", "mesh 'cilium' cannot bind a route to one port of shop/multi"),
    # The target's gateway and channel.
    ("retry-standard-channel", rendered(Target(), lambda s: s["site"].route(
        "/x", s["api_svc"], retry=retry(3))),
     "shop/site: route('/x')", "retries (HTTPRoute spec.rules[].retry) is experimental in "
                               "Gateway API v1.6, but the target has "
                               "gateway_api_channel='standard'"),
    ("timeout-ngf", rendered(Target(gateway="nginx-gateway-fabric"), lambda s: s["site"].route(
        "/x", s["api_svc"], timeout="5s")),
     "shop/site: route('/x')", "target gateway='nginx-gateway-fabric' does not support a "
                               "request timeout (HTTPRouteRequestTimeout)"),
    ("mirror-no-gateway", rendered(Target(gateway="none"), lambda s: CanaryRoute(
        s["site"], "m", path="/tea", stable=s["web_svc"], canary=s["api_svc"],
        mirror_percent=5)),
     "shop/site/m", "target gateway='none' does not support mirroring a percentage of "
                    "requests (HTTPRouteRequestPercentageMirror)"),
    ("grpc-no-gateway", rendered(Target(gateway="none"), lambda s: GrpcRoute(
        grpc_site(s), "g", service=s["api_svc"])),
     "shop/rpc/g", "target gateway='none' does not support a GRPCRoute"),
    ("cilium-gateway-cni", built(lambda s: Target().with_overrides({"gateway": "cilium"})),
     "--target", "gateway='cilium' is part of the Cilium CNI, but cni='calico'"),
]
CASES += EDGE_CASES


@pytest.mark.parametrize(("action", "where", "message"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_bad_input(action: Callable[[], object], where: str, message: str) -> None:
    with pytest.raises(NetkitError) as err:
        action()
    line = err.value.line()
    assert "\n" not in line
    assert line.startswith(f"{where}:"), line
    assert message in line, line
    assert "(hint: " in line, line


def test_name_collision_across_blueprints() -> None:
    a, b = Blueprint("a"), Blueprint("b")
    for bp in (a, b):
        Namespace(bp, "shared")
    with pytest.raises(NetkitError, match="Namespace/shared collides with Namespace/shared "
                                          "from a:shared"):
        synth([a, b])


def test_findings_on_rendering() -> None:
    s = shop(Target(ingress="ingress-nginx"))
    TlsIngress(s["ns"], "wild", hosts=["*.example.com"], issuer="le").route("/", s["web_svc"])
    RateLimitedService(s["ns"], "lonely", workload=s["web"], port=80, target_port="http", rps=1)
    s["site"].route("/lim", RateLimitedService(s["ns"], "lim", workload=s["api"], port=80,
                                               target_port="http", rps=5))
    result = synth(s["bp"])
    assert sorted(set(result.rules())) == ["NK113", "NK121", "NK123", "NK124"]
    lonely = next(f for f in result.findings if f.rule == "NK123")
    assert lonely.origin == "shop/lonely" and lonely.severity == "warning"


def test_overlapping_workload_selectors_warn() -> None:
    bp = Blueprint("shop")
    ns = ZeroTrustNamespace(bp, "shop")
    ns.workload("web", labels={"app": "web"})
    ns.workload("web-canary", labels={"app": "web", "track": "canary"})
    ns.workload("api", labels={"app": "api"})
    found = [f for f in synth(bp).findings if f.rule == "NK125"]
    assert [(f.origin, f.severity) for f in found] == [("shop/workloads/web", "warning")]
    assert "also selects the pods of shop/web-canary" in found[0].message
    assert found[0].hint == "give web a label web-canary lacks, e.g. track=stable"


@settings(max_examples=60, deadline=None)
@given(st.lists(st.dictionaries(st.sampled_from(["app", "track", "tier"]),
                                st.sampled_from(["a", "b"]), min_size=1, max_size=3),
                max_size=6))
def test_overlapping_selectors_are_every_pair_whose_labels_nest(
        labels: list[dict[str, str]]) -> None:
    bp = Blueprint("shop")
    ns = ZeroTrustNamespace(bp, "shop")
    workloads = [ns.workload(f"w{i}", labels=pairs) for i, pairs in enumerate(labels)]
    found = [(f.origin, f.message.split(" also selects the pods of ")[1].split(";")[0])
             for f in overlapping_selectors(ns, Facts(bp))]
    assert found == [(a.display_path, b.ref) for a in workloads for b in workloads
                     if a is not b and a.labels.items() <= b.labels.items()]
