from netkit import Blueprint, Target
from netkit.constructs import RateLimitedService, TlsIngress, ZeroTrustNamespace

bp = Blueprint("shop", target=Target(ingress="gateway-api", gateway="envoy-gateway", cni="calico"))
shop = ZeroTrustNamespace(bp, "shop")                 # Namespace + default-deny + DNS egress
web = shop.workload("web", labels={"app": "web"}, ports={"http": 9376})
api = shop.workload("api", labels={"app": "api"}, ports={"http": 8080})
shop.allow(web, to=api, port="http")                  # egress on web AND ingress on api
svc = RateLimitedService(shop, "web", workload=web, port=80, target_port="http", rps=50)
TlsIngress(shop, "site", hosts=["cafe.example.com"], issuer="letsencrypt-prod").route("/", svc)
