from netkit import Blueprint
from netkit.constructs import ZeroTrustNamespace


def build(env: str = "prod") -> Blueprint:
    bp = Blueprint("shop")
    shop = ZeroTrustNamespace(bp, "shop")
    web = shop.workload("web", labels={"app": "web"}, ports={"http": 8080},
                        service_account="web")
    api = shop.workload("api", labels={"app": "api"}, ports={"http": 8080})
    shop.allow(web, to=api, port="http")
    return bp
