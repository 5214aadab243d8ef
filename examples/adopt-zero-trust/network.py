"""Step 2: the shop namespace under zero trust, admitting exactly the traffic recorded in
flows.json. The lines between the markers are `netkit suggest --flows flows.json --blueprint
start.py`, pasted unchanged.
"""

from netkit import Blueprint, Target
from netkit.constructs import ZeroTrustNamespace, any_pod_in, cidr


def build(env: str = "prod") -> Blueprint:
    bp = Blueprint("shop", target=Target(cni="cilium"))
    shop = ZeroTrustNamespace(bp, "shop")
    web = shop.workload("web", labels={"app": "web"}, ports={"http": 8080})
    api = shop.workload("api", labels={"app": "api"}, ports={"http": 8080, "metrics": 9090})
    worker = shop.workload("worker", labels={"app": "worker"}, ports={"metrics": 9090})
    redis = shop.workload("redis", labels={"app": "redis"}, ports={"redis": 6379})
    # --- suggested ---
    # shop/api
    shop.allow(any_pod_in("monitoring", pods={"app.kubernetes.io/instance": "k8s", "app.kubernetes.io/name": "prometheus"}), to=api, port="metrics")
    shop.allow_egress_fqdn(api, "api.stripe.com", port=443)
    shop.allow(web, to=api, port="http")
    shop.allow(worker, to=api, port="http")

    # shop/redis
    shop.allow(api, to=redis, port="redis")
    shop.allow(worker, to=redis, port="redis")

    # shop/web
    shop.allow(any_pod_in("envoy-gateway-system", pods={"app.kubernetes.io/component": "proxy", "app.kubernetes.io/name": "envoy", "gateway.envoyproxy.io/owning-gateway-name": "shared"}), to=web, port="http")

    # shop/worker
    shop.allow(any_pod_in("monitoring", pods={"app.kubernetes.io/instance": "k8s", "app.kubernetes.io/name": "prometheus"}), to=worker, port="metrics")
    shop.allow(worker, to=cidr("172.18.0.2/32"), port=6443)
    # --- end suggested ---
    return bp
