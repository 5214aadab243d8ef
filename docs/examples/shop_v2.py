from netkit import Blueprint
from netkit.constructs import ZeroTrustNamespace


def build(env: str = "prod") -> Blueprint:
    bp = Blueprint("shop")
    shop = ZeroTrustNamespace(bp, "shop")
    web = shop.workload("web", labels={"app": "web"}, ports={"http": 8080})
    api = shop.workload("api", labels={"app": "api"}, ports={"http": 8080})
    db = shop.workload("db", labels={"app": "db"}, ports={"pg": 5432})
    shop.allow(web, to=api, port="http")
    shop.allow(api, to=db, port="pg")                   # new in this version
    return bp
