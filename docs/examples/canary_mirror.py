from netkit import Blueprint
from netkit.constructs import CanaryRoute, Namespace, Service, TlsIngress


def build(env: str = "prod") -> Blueprint:
    bp = Blueprint("cafe")
    cafe = Namespace(bp, "cafe")
    tea = cafe.workload("tea", labels={"app": "tea"}, ports={"http": 8080})
    shadow = cafe.workload("tea-shadow", labels={"app": "tea-shadow"}, ports={"http": 8080})
    stable = Service(cafe, "tea", workload=tea, port=80, target_port="http")
    copy = Service(cafe, "tea-shadow", workload=shadow, port=80, target_port="http")
    site = TlsIngress(cafe, "site", hosts=["cafe.example.com"], secret="cafe-tls")
    site.route("/", stable)
    CanaryRoute(site, "shadow", path="/", stable=stable, canary=copy, mirror_percent=25)
    return bp
