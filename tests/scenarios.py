"""Small blueprints exercising each construct, shared by snapshot and schema tests."""

from __future__ import annotations

from collections.abc import Callable

from netkit import Blueprint, Target
from netkit.constructs import (
    BackendTls,
    CanaryRoute,
    ClusterIssuer,
    DnsEgress,
    Gateway,
    GatewayClass,
    GrpcRoute,
    Namespace,
    RateLimitedService,
    Service,
    TcpRoute,
    TlsIngress,
    TlsPassthrough,
    UdpRoute,
    WorkloadPort,
    ZeroTrustNamespace,
    any_pod_in,
    cidr,
    cors,
    listener,
    retry,
)


def zero_trust(target: Target) -> Blueprint:
    bp = Blueprint("zt", target=target)
    app = ZeroTrustNamespace(bp, "app", pod_security="baseline",
                             dns=DnsEgress(node_local_address="169.254.20.10"))
    data = ZeroTrustNamespace(bp, "data")
    web = app.workload("web", labels={"app": "web"}, ports={"http": 8080})
    api = app.workload("api", labels={"app": "api"},
                       ports={"http": 8080, "metrics": 9090, "gossip": WorkloadPort(port=7946,
                                                                                  protocol="UDP")})
    pg = data.workload("pg", labels={"app": "pg"}, ports={"pg": 5432})
    app.allow(web, to=api, port="http")
    app.allow(web, to=api, port="metrics")
    app.allow(api, to=api, port="gossip")
    app.allow(api, to=pg, port="pg")
    app.allow(api, to=cidr("10.20.0.0/16", except_=["10.20.5.0/24"]), port=443)
    app.allow(api, to=cidr("192.0.2.0/24"), port=30000, end_port=30100)
    app.allow(any_pod_in("monitoring"), to=api, port="metrics")
    app.allow(web, to=cidr("198.51.100.7/32"))
    data.allow(any_pod_in("data"), to=pg, port="pg")
    return bp


def staged(target: Target) -> Blueprint:
    """Zero trust staged target-wide (Calico staged policies), one namespace enforced."""
    bp = Blueprint("staged", target=target.model_copy(update={"enforcement": "staged"}))
    shop = ZeroTrustNamespace(bp, "shop")
    data = ZeroTrustNamespace(bp, "data", enforcement="enforced")
    web = shop.workload("web", labels={"app": "web"}, ports={"http": 8080})
    pg = data.workload("pg", labels={"app": "pg"}, ports={"pg": 5432})
    shop.allow(web, to=pg, port="pg")
    shop.allow(any_pod_in("monitoring"), to=web, port="http")
    return bp


def services(target: Target) -> Blueprint:
    bp = Blueprint("svc", target=target)
    ns = Namespace(bp, "edge")
    w = ns.workload("app", labels={"app": "app"}, ports={"http": 8080, "dns": WorkloadPort(
        port=5353, protocol="UDP")})
    Service(ns, "app", workload=w, port=80, target_port="http")
    Service(ns, "app-np", workload=w, port=80, target_port=8080, type="NodePort",
            node_port=30080, external_traffic_policy="Local")
    Service(ns, "app-lb", workload=w, port=443, target_port="http", type="LoadBalancer",
            load_balancer_source_ranges=["203.0.113.0/24"], cloud="aws", internal=True)
    Service(ns, "app-gcp", workload=w, port=443, target_port="http", type="LoadBalancer",
            load_balancer_source_ranges=["203.0.113.0/24"], cloud="gcp", internal=True)
    Service(ns, "app-azure", workload=w, port=443, target_port="http", type="LoadBalancer",
            load_balancer_source_ranges=["203.0.113.0/24"], cloud="azure", internal=True)
    Service(ns, "app-dns", workload=w, port=53, target_port="dns", headless=True,
            app_protocol="dns")
    return bp


def rate_limited(target: Target) -> Blueprint:
    bp = Blueprint("rl", target=target)
    ns = ZeroTrustNamespace(bp, "api")
    w = ns.workload("api", labels={"app": "api"}, ports={"http": 8080})
    h = ns.workload("home", labels={"app": "home"}, ports={"http": 8080})
    home = Service(ns, "home", workload=h, port=80, target_port="http")
    api = RateLimitedService(ns, "api", workload=w, port=80, target_port="http", rpm=600,
                             allowlist=["10.0.0.0/8"])
    site = TlsIngress(ns, "site", hosts=["api.example.com", "*.api.example.com"],
                      issuer="letsencrypt-prod")
    site.route("/", home)
    site.route("/v1", api)
    site.route("/v2", api)
    return bp


def tls_ingress(target: Target) -> Blueprint:
    bp = Blueprint("tls", target=target)
    ns = ZeroTrustNamespace(bp, "shop")
    w = ns.workload("web", labels={"app": "web"}, ports={"http": 9376})
    docs = ns.workload("docs", labels={"app": "docs"}, ports={"http": 8000})
    web = Service(ns, "web", workload=w, port=80, target_port="http")
    doc = Service(ns, "docs", workload=docs, port=8080, target_port="http")
    site = TlsIngress(ns, "site", hosts=["shop.example.com", "www.shop.example.com"],
                      issuer="internal-ca", issuer_kind="Issuer", hsts_max_age=31536000)
    site.route("/", web)
    site.route("/docs", doc, path_type="Exact")
    legacy = TlsIngress(ns, "legacy", hosts=["old.example.com"], secret="old-cert",
                        redirect_http=False)
    legacy.route("/", web)
    return bp


def cross_namespace(target: Target) -> Blueprint:
    bp = Blueprint("xns", target=target)
    front = ZeroTrustNamespace(bp, "front")
    back = ZeroTrustNamespace(bp, "back")
    w = back.workload("api", labels={"app": "api"}, ports={"http": 8080})
    api = Service(back, "api", workload=w, port=80, target_port="http")
    site = TlsIngress(front, "site", hosts=["x.example.com"], issuer="letsencrypt-prod")
    site.route("/api", api)
    return bp


def canaries(target: Target) -> Blueprint:
    bp = Blueprint("canary", target=target)
    ns = ZeroTrustNamespace(bp, "shop")
    services = {}
    for name in ("tea", "tea-v2", "coffee", "coffee-v2", "cake", "cake-v2"):
        w = ns.workload(name, labels={"app": name}, ports={"http": 8080})
        services[name] = Service(ns, name, workload=w, port=80, target_port="http")
    site = TlsIngress(ns, "site", hosts=["cafe.example.com"], issuer="letsencrypt-prod")
    for name in ("tea", "coffee", "cake"):
        site.route(f"/{name}", services[name])
    CanaryRoute(site, "tea-canary", path="/tea", stable=services["tea"],
                canary=services["tea-v2"], weight=10)
    CanaryRoute(site, "coffee-canary", path="/coffee", stable=services["coffee"],
                canary=services["coffee-v2"], header="x-canary")
    CanaryRoute(site, "cake-canary", path="/cake", stable=services["cake"],
                canary=services["cake-v2"], cookie="cake_canary")
    return bp


def mirror(target: Target) -> Blueprint:
    bp = Blueprint("mirror", target=target)
    ns = Namespace(bp, "shop")
    a = ns.workload("a", labels={"app": "a"}, ports={"http": 8080})
    b = ns.workload("b", labels={"app": "b"}, ports={"http": 8080})
    sa = Service(ns, "a", workload=a, port=80, target_port="http")
    sb = Service(ns, "b", workload=b, port=80, target_port="http")
    site = TlsIngress(ns, "site", hosts=["m.example.com"], secret="m-tls")
    site.route("/", sa)
    CanaryRoute(site, "shadow", path="/", stable=sa, canary=sb, mirror_percent=25)
    return bp


def dedicated_gateway(target: Target) -> Blueprint:
    bp = Blueprint("dedicated", target=target.model_copy(update={"gateway_mode": "dedicated"}))
    ns = ZeroTrustNamespace(bp, "api")
    w = ns.workload("api", labels={"app": "api"}, ports={"http": 8080})
    svc = Service(ns, "api", workload=w, port=80, target_port="http")
    TlsIngress(ns, "public", hosts=["api.example.com", "*.api.example.com"],
               issuer="letsencrypt-prod").route("/", svc)
    return bp


def nginx_gateway_fabric(target: Target) -> Blueprint:
    bp = Blueprint("ngf", target=target.model_copy(update={"gateway": "nginx-gateway-fabric"}))
    ns = Namespace(bp, "api")
    w = ns.workload("api", labels={"app": "api"}, ports={"http": 8080})
    svc = RateLimitedService(ns, "api", workload=w, port=80, target_port="http", rps=20,
                             burst=40, status_code=429)
    TlsIngress(ns, "public", hosts=["api.example.com"], secret="api-tls").route("/", svc)
    return bp


def platform(target: Target) -> Blueprint:
    bp = Blueprint("edge", target=target)
    GatewayClass(bp, "netkit")
    ns = Namespace(bp, "gateway", pod_security="restricted")
    Gateway(ns, "shared", listeners=[listener("http", 80),
                                     listener("https", 443, "HTTPS", hostname="*.example.com",
                                              tls_secret="wildcard-tls")],
            allowed_routes="Selector", route_namespace_labels={"edge": "shared"},
            allowed_listener_sets="All")
    ClusterIssuer(bp, "letsencrypt-prod", email="ops@example.com")
    ClusterIssuer(bp, "letsencrypt-staging", email="ops@example.com", server="staging",
                  solver="ingress")
    return bp


def _api(target: Target, name: str) -> tuple[Blueprint, ZeroTrustNamespace, Service]:
    bp = Blueprint(name, target=target)
    ns = ZeroTrustNamespace(bp, "api")
    w = ns.workload("api", labels={"app": "api"}, ports={"http": 8080, "grpc": 9090})
    return bp, ns, Service(ns, "api", workload=w, port=80, target_port="http")


def timeouts(target: Target) -> Blueprint:
    bp, ns, api = _api(target, "timeouts")
    site = TlsIngress(ns, "site", hosts=["api.example.com"], issuer="letsencrypt-prod")
    site.route("/", api, timeout="30s")
    site.route("/upload", api, timeout="5m", backend_timeout="1m")
    return bp


def cors_filter(target: Target) -> Blueprint:
    bp, ns, api = _api(target, "cors")
    site = TlsIngress(ns, "site", hosts=["api.example.com"], issuer="letsencrypt-prod")
    site.route("/", api, cors=cors(["https://shop.example.com", "https://*.shop.example.com"],
                                   allow_methods=["GET", "POST"],
                                   allow_headers=["Authorization", "Content-Type"],
                                   expose_headers=["X-Request-Id"], max_age=600,
                                   allow_credentials=True))
    return bp


def retries(target: Target) -> Blueprint:
    bp, ns, api = _api(target.model_copy(update={"gateway_api_channel": "experimental"}),
                       "retries")
    site = TlsIngress(ns, "site", hosts=["api.example.com"], issuer="letsencrypt-prod")
    site.route("/", api, retry=retry(3, codes=[502, 503], backoff="100ms"))
    return bp


def grpc(target: Target) -> Blueprint:
    bp, ns, _ = _api(target, "grpc")
    w = ns.find_workload("api")
    assert w is not None
    rpc = Service(ns, "api-grpc", workload=w, port=9090, target_port="grpc",
                  app_protocol="kubernetes.io/h2c")
    site = TlsIngress(ns, "rpc", hosts=["rpc.example.com"], issuer="letsencrypt-prod")
    GrpcRoute(site, "cart", service=rpc, grpc_service="shop.v1.Cart")
    GrpcRoute(site, "orders-get", service=rpc, grpc_service="shop.v1.Orders", method="Get")
    return bp


def tls_passthrough(target: Target) -> Blueprint:
    bp = Blueprint("passthrough", target=target)
    ns = ZeroTrustNamespace(bp, "vault")
    w = ns.workload("vault", labels={"app": "vault"}, ports={"https": 8200})
    svc = Service(ns, "vault", workload=w, port=8200, target_port="https")
    TlsPassthrough(ns, "vault-edge", hosts=["vault.example.com"], service=svc)
    return bp


def tcp_route(target: Target) -> Blueprint:
    bp = Blueprint("tcp", target=target)
    ns = ZeroTrustNamespace(bp, "data")
    w = ns.workload("pg", labels={"app": "pg"}, ports={"pg": 5432})
    TcpRoute(ns, "pg-edge", port=5432, service=Service(ns, "pg", workload=w, port=5432,
                                                       target_port="pg"))
    return bp


def udp_route(target: Target) -> Blueprint:
    bp = Blueprint("udp", target=target)
    ns = ZeroTrustNamespace(bp, "dns")
    w = ns.workload("coredns", labels={"app": "coredns"},
                    ports={"dns": WorkloadPort(port=5353, protocol="UDP")})
    UdpRoute(ns, "dns-edge", port=53, service=Service(ns, "coredns", workload=w, port=53,
                                                      target_port="dns"))
    return bp


def backend_tls(target: Target) -> Blueprint:
    bp, ns, api = _api(target, "backend-tls")
    w = ns.workload("pay", labels={"app": "pay"}, ports={"https": 8443, "admin": 9443})
    pay = Service(ns, "pay", workload=w, port=443, target_port="https", port_name="https")
    site = TlsIngress(ns, "site", hosts=["pay.example.com"], issuer="letsencrypt-prod")
    site.route("/", pay)
    site.route("/api", api)
    BackendTls(ns, "pay-tls", service=pay, hostname="pay.api.svc.cluster.local",
               ca_configmap="internal-ca", port=443)
    BackendTls(ns, "api-tls", service=api, hostname="api.example.com", system_ca=True)
    return bp


def client_certs(target: Target) -> Blueprint:
    bp = Blueprint("mtls-edge", target=target)
    ns = Namespace(bp, "gateway")
    Gateway(ns, "partners", listeners=[
        listener("https", 443, "HTTPS", hostname="partners.example.com",
                 tls_secret="partners-tls", client_ca="partners-ca"),
        listener("https-staging", 8443, "HTTPS", hostname="partners.example.com",
                 tls_secret="partners-tls", client_ca="partners-ca",
                 client_ca_mode="AllowInsecureFallback"),
        listener("public", 9443, "HTTPS", hostname="www.example.com", tls_secret="www-tls")])
    return bp


def mtls_ingress(target: Target) -> Blueprint:
    bp, _, api = _api(target.model_copy(update={"gateway_mode": "dedicated"}), "mtls")
    edge = Namespace(bp, "partners-edge")
    TlsIngress(edge, "partners", hosts=["partners.example.com"], issuer="letsencrypt-prod",
               client_ca="partners-ca").route("/", api)
    return bp


def east_west(target: Target) -> Blueprint:
    bp = Blueprint("mesh", target=target)
    ns = ZeroTrustNamespace(bp, "shop")
    web = ns.workload("web", labels={"app": "web"}, ports={"http": 8080})
    services = {}
    for name in ("cart", "cart-v2", "search", "search-v2"):
        w = ns.workload(name, labels={"app": name}, ports={"http": 8080})
        services[name] = Service(ns, name, workload=w, port=80, target_port="http")
        if not name.endswith("-v2"):
            ns.allow(web, to=w, port="http")
    CanaryRoute(ns, "cart-canary", stable=services["cart"], canary=services["cart-v2"],
                weight=20)
    CanaryRoute(ns, "cart-beta", stable=services["cart"], canary=services["cart-v2"],
                path="/beta", header="x-beta")
    CanaryRoute(ns, "search-shadow", stable=services["search"],
                canary=services["search-v2"], mirror_percent=10)
    CanaryRoute(ns, "search-sample", stable=services["search"],
                canary=services["search-v2"], path="/suggest", mirror_percent=0.5)
    return bp


def east_west_linkerd(target: Target) -> Blueprint:
    return east_west(target.model_copy(update={"mesh": "linkerd"}))


SCENARIOS: dict[str, Callable[[Target], Blueprint]] = {
    "zero_trust": zero_trust, "services": services, "rate_limited": rate_limited,
    "tls_ingress": tls_ingress, "cross_namespace": cross_namespace, "canaries": canaries,
    "mirror": mirror, "platform": platform, "dedicated_gateway": dedicated_gateway,
    "nginx_gateway_fabric": nginx_gateway_fabric, "staged": staged, "timeouts": timeouts,
    "cors": cors_filter,
    "retries": retries, "grpc": grpc, "tls_passthrough": tls_passthrough,
    "tcp_route": tcp_route, "udp_route": udp_route, "backend_tls": backend_tls,
    "client_certs": client_certs, "mtls_ingress": mtls_ingress, "east_west": east_west,
    "east_west_linkerd": east_west_linkerd,
}

TARGETS: dict[str, Target] = {
    "gateway-api": Target(),
    "ingress-nginx": Target(ingress="ingress-nginx"),
    "cilium": Target(gateway="cilium", cni="cilium"),
    "istio": Target(gateway="istio", mesh="istio"),
}

# Scenarios a target cannot express, with the error it must give instead.
UNSUPPORTED: dict[tuple[str, str], str] = {
    ("cross_namespace", "ingress-nginx"): "an Ingress cannot route to back/api in another "
                                          "namespace",
    ("mirror", "ingress-nginx"): "ingress-nginx cannot mirror",
    ("nginx_gateway_fabric", "ingress-nginx"): "ingress-nginx sets the rejection status",
    ("rate_limited", "cilium"): "target gateway='cilium' has no rate-limit policy",
    ("rate_limited", "istio"): "target gateway='istio' has no rate-limit policy",
    ("timeouts", "ingress-nginx"): "ingress-nginx sets timeouts, retries and CORS per Ingress",
    ("cors", "ingress-nginx"): "ingress-nginx sets timeouts, retries and CORS per Ingress",
    ("cors", "cilium"): r"gateway='cilium' does not support a CORS filter \(HTTPRouteCORS\) "
                        r"\(hint: supported by gateway=envoy-gateway, istio\)",
    ("retries", "ingress-nginx"): "ingress-nginx sets timeouts, retries and CORS per Ingress",
    ("retries", "cilium"): "gateway='cilium' does not support retries",
    ("grpc", "ingress-nginx"): "ingress-nginx routes gRPC only by a backend-protocol",
    ("tls_passthrough", "ingress-nginx"): r"TLS passthrough \(TLSRoute\) needs Gateway API",
    ("tcp_route", "ingress-nginx"): "a TCPRoute needs Gateway API",
    ("tcp_route", "cilium"): "gateway='cilium' does not support a TCPRoute",
    ("udp_route", "ingress-nginx"): "a UDPRoute needs Gateway API",
    ("udp_route", "cilium"): "gateway='cilium' does not support a UDPRoute",
    ("udp_route", "istio"): r"gateway='istio' does not support a UDPRoute \(hint: supported by "
                            r"gateway=envoy-gateway\)",
    ("backend_tls", "ingress-nginx"): "BackendTLSPolicy\\) needs Gateway API",
    ("backend_tls", "cilium"): "gateway='cilium' does not support TLS to the backend",
    ("client_certs", "ingress-nginx"): "client-certificate validation needs Gateway API",
    ("client_certs", "cilium"): "gateway='cilium' does not support client-certificate",
    ("mtls_ingress", "ingress-nginx"): "ingress-nginx wants a Secret in its auth-tls-secret",
    ("dedicated_gateway", "istio"): "the proxies of Gateway public .* run in this "
                                    "ZeroTrustNamespace",
    ("mtls_ingress", "cilium"): "gateway='cilium' does not support client-certificate",
    ("east_west", "gateway-api"): "needs a mesh implementing Gateway API",
    ("east_west", "ingress-nginx"): "needs a mesh implementing Gateway API",
    ("staged", "cilium"): "enforcement='staged' needs policies that are evaluated but not "
                          "enforced, and cni='cilium' has none",
}
