"""Small blueprints exercising each construct, shared by snapshot and schema tests."""

from __future__ import annotations

from collections.abc import Callable

from netkit import Blueprint, Target
from netkit.constructs import (
    CanaryRoute,
    ClusterIssuer,
    DnsEgress,
    Gateway,
    GatewayClass,
    Namespace,
    RateLimitedService,
    Service,
    TlsIngress,
    WorkloadPort,
    ZeroTrustNamespace,
    any_pod_in,
    cidr,
    listener,
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


SCENARIOS: dict[str, Callable[[Target], Blueprint]] = {
    "zero_trust": zero_trust, "services": services, "rate_limited": rate_limited,
    "tls_ingress": tls_ingress, "cross_namespace": cross_namespace, "canaries": canaries,
    "mirror": mirror, "platform": platform, "dedicated_gateway": dedicated_gateway,
    "nginx_gateway_fabric": nginx_gateway_fabric, "staged": staged,
}

TARGETS: dict[str, Target] = {
    "gateway-api": Target(),
    "ingress-nginx": Target(ingress="ingress-nginx"),
}

# Scenarios a target cannot express, with the error it must give instead.
UNSUPPORTED: dict[tuple[str, str], str] = {
    ("cross_namespace", "ingress-nginx"): "an Ingress cannot route to back/api in another "
                                          "namespace",
    ("mirror", "ingress-nginx"): "ingress-nginx cannot mirror",
    ("nginx_gateway_fabric", "ingress-nginx"): "ingress-nginx sets the rejection status",
}
