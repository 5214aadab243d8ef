from netkit import Blueprint
from netkit.constructs import CanaryRoute, Service, TlsIngress, ZeroTrustNamespace


def build(env: str = "prod") -> Blueprint:
    bp = Blueprint("cafe")
    cafe = ZeroTrustNamespace(bp, "cafe")
    tea = cafe.workload("tea", labels={"app": "tea"}, ports={"http": 8080})
    tea_v2 = cafe.workload("tea-v2", labels={"app": "tea-v2"}, ports={"http": 8080})
    stable = Service(cafe, "tea", workload=tea, port=80, target_port="http")
    canary = Service(cafe, "tea-v2", workload=tea_v2, port=80, target_port="http")
    site = TlsIngress(cafe, "site", hosts=["cafe.example.com"], issuer="letsencrypt-prod")
    site.route("/tea", stable)
    CanaryRoute(site, "tea-canary", path="/tea", stable=stable, canary=canary, weight=10)
    return bp
