from netkit import Blueprint
from netkit.constructs import ZeroTrustNamespace, any_pod_in, cidr


def build(env: str = "prod") -> Blueprint:
    bp = Blueprint("shop")
    shop = ZeroTrustNamespace(bp, "shop", pod_security="restricted")
    web = shop.workload("web", labels={"app": "web"}, ports={"http": 8080})
    api = shop.workload("api", labels={"app": "api"}, ports={"http": 8080, "metrics": 9090})
    shop.allow(web, to=api, port="http")                        # named port, resolved on api
    shop.allow(any_pod_in("monitoring"), to=api, port="metrics")
    shop.allow(api, to=cidr("10.20.0.0/16", except_=["10.20.5.0/24"]), port=443)
    return bp
