"""The network of orders: zero trust, a rate-limited entry point and a canary."""

from netkit import Blueprint, Target
from netkit.constructs import (
    CanaryRoute,
    RateLimitedService,
    Service,
    TlsIngress,
    ZeroTrustNamespace,
)


def build(env: str = "prod") -> Blueprint:
    """The blueprint for ``env``."""
    bp = Blueprint("orders", target=Target(ingress="gateway-api", gateway="envoy-gateway",
                                            cni="calico"))
    ns = ZeroTrustNamespace(bp, "orders", pod_security="restricted")
    web = ns.workload("web", labels={"app": "web", "track": "stable"}, ports={"http": 8080})
    web_next = ns.workload("web-next", labels={"app": "web", "track": "canary"},
                           ports={"http": 8080})
    api = ns.workload("api", labels={"app": "api"}, ports={"http": 8080})
    db = ns.workload("db", labels={"app": "db"}, ports={"pg": 5432})
    for frontend in (web, web_next):
        ns.allow(frontend, to=api, port="http")
    ns.allow(api, to=db, port="pg")

    web_svc = RateLimitedService(ns, "web", workload=web, port=80, target_port="http", rps=100)
    next_svc = Service(ns, "web-next", workload=web_next, port=80, target_port="http")
    Service(ns, "api", workload=api, port=80, target_port="http")

    host = "orders.example.com" if env == "prod" else f"{env}.orders.example.com"
    site = TlsIngress(ns, "site", hosts=[host], issuer="letsencrypt-prod")
    site.route("/", web_svc)
    CanaryRoute(site, "next", path="/", stable=web_svc, canary=next_svc, weight=5)
    return bp
