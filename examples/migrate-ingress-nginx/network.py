"""Network blueprint 'imported', imported by `netkit import`.

From: manifests
"""

# Not carried over, or carried differently (review before deploying):
# - Ingress/shop/storefront: nginx.ingress.kubernetes.io/proxy-body-size=8m: request
#   size limits are gateway implementation policy (Envoy Gateway ClientTrafficPolicy)
# - Ingress/shop/api: nginx.ingress.kubernetes.io/proxy-read-timeout=120: timeouts are
#   not TlsIngress options; set them in the gateway's traffic policy

from netkit import Blueprint, Target
from netkit.constructs import (
    CanaryRoute,
    Manifest,
    RateLimitedService,
    Service,
    TlsIngress,
    ZeroTrustNamespace,
    any_pod_in,
    cidr,
)


def build(env: str = "prod") -> Blueprint:
    """The imported network (one environment: ``env`` is not used)."""
    bp = Blueprint("imported", target=Target(ingress="gateway-api"))
    shop = ZeroTrustNamespace(
        bp,
        "shop",
        labels={"team": "storefront"},
        pod_security="restricted",
    )
    shop_web = shop.workload(
        "web",
        labels={"app": "web", "track": "stable"},
        ports={"http": 8080},
    )
    shop_web_canary = shop.workload(
        "web-canary",
        labels={"app": "web", "track": "canary"},
        ports={"http": 8080},
    )
    shop_api = shop.workload(
        "api",
        labels={"app": "api"},
        ports={"http": 9000, "metrics": 9090},
    )
    shop_api_next = shop.workload(
        "api-next",
        labels={"app": "api-next"},
        ports={"http": 9000},
    )
    shop_db = shop.workload("db", labels={"app": "db"}, ports={"pg": 5432})
    shop.allow(shop_web, to=shop_api, port="http")
    shop.allow(shop_web_canary, to=shop_api, port="http")
    shop.allow(
        any_pod_in("monitoring", pods={"app.kubernetes.io/name": "prometheus"}),
        to=shop_api,
        port="metrics",
    )
    shop.allow(shop_api, to=shop_db, port="pg")
    shop.allow(shop_api, to=cidr("192.0.2.0/24"), port=443)
    shop_web_svc = RateLimitedService(
        shop,
        "web",
        workload=shop_web,
        port=80,
        target_port="http",
        rps=50,
        burst=50,
    )
    shop_web_canary_svc = Service(
        shop,
        "web-canary",
        workload=shop_web_canary,
        port=80,
        target_port="http",
    )
    shop_api_svc = Service(shop, "api", workload=shop_api, port=80, target_port="http")
    shop_api_next_svc = Service(
        shop,
        "api-next",
        workload=shop_api_next,
        port=80,
        target_port="http",
    )
    shop_storefront = TlsIngress(
        shop,
        "storefront",
        hosts=["shop.example.com", "www.shop.example.com"],
        issuer="letsencrypt-prod",
        acme_http01=False,
    )
    shop_storefront.route("/", shop_web_svc)
    CanaryRoute(
        shop_storefront,
        "canary",
        path="/",
        stable=shop_web_svc,
        canary=shop_web_canary_svc,
        weight=10,
    )
    shop_api_ingress = TlsIngress(
        shop,
        "api-ingress",
        hosts=["api.shop.example.com"],
        secret="api-shop-example-com",
    )
    shop_api_ingress.route("/v1", shop_api_svc)
    CanaryRoute(
        shop_api_ingress,
        "api-beta",
        path="/v1",
        stable=shop_api_svc,
        canary=shop_api_next_svc,
        header="x-beta",
        header_value="yes",
    )
    Manifest(
        shop,
        "securitypolicy-api-ingress-client-cidrs",
        {
            "apiVersion": "gateway.envoyproxy.io/v1alpha1",
            "kind": "SecurityPolicy",
            "metadata": {"name": "api-ingress-client-cidrs", "namespace": "shop"},
            "spec": {
                "targetRefs": [
                    {
                        "group": "gateway.networking.k8s.io",
                        "kind": "HTTPRoute",
                        "name": "api-ingress",
                    },
                ],
                "authorization": {
                    "defaultAction": "Deny",
                    "rules": [
                        {
                            "action": "Allow",
                            "principal": {
                                "clientCIDRs": ["203.0.113.0/24", "198.51.100.0/24"],
                            },
                        },
                    ],
                },
            },
        },
    )
    return bp
