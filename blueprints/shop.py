"""The shop: web → api → db behind cafe.example.com, with a rate limit and a canary."""

from netkit import Blueprint, Target
from netkit.constructs import (
    CanaryRoute,
    RateLimitedService,
    Service,
    TlsIngress,
    ZeroTrustNamespace,
    any_pod_in,
)


def build(env: str = "prod") -> Blueprint:
    """The shop for ``env`` (prod or staging)."""
    bp = Blueprint("shop", target=Target(ingress="gateway-api", gateway="envoy-gateway",
                                         cni="calico"))
    shop = ZeroTrustNamespace(bp, "shop", pod_security="restricted")
    web = shop.workload("web", labels={"app": "web-server", "track": "stable"},
                        ports={"http": 9376})
    web_canary = shop.workload("web-canary", labels={"app": "web-server", "track": "canary"},
                               ports={"http": 9376})
    api = shop.workload("api", labels={"app": "api"}, ports={"http": 8080})
    db = shop.workload("db", labels={"role": "database"}, ports={"pg": 5432})
    for frontend in (web, web_canary):
        shop.allow(frontend, to=api, port="http")
    shop.allow(api, to=db, port="pg")
    shop.allow(api, to=any_pod_in("payments", pods={"app": "payments-api"}), port=8443)

    web_svc = RateLimitedService(shop, "web", workload=web, port=80, target_port="http",
                                 rps=50 if env == "prod" else 500)
    canary_svc = Service(shop, "web-canary", workload=web_canary, port=80, target_port="http")
    Service(shop, "api", workload=api, port=80, target_port="http")
    Service(shop, "db", workload=db, port=5432, target_port="pg", headless=True)

    host = "cafe.example.com" if env == "prod" else f"{env}.cafe.example.com"
    site = TlsIngress(shop, "site", hosts=[host], issuer="letsencrypt-prod")
    site.route("/tea", web_svc)
    CanaryRoute(site, "tea-canary", path="/tea", stable=web_svc, canary=canary_svc, weight=10)
    return bp
