from netkit import Blueprint
from netkit.constructs import Service, TlsIngress, ZeroTrustNamespace

bp = Blueprint("shop")
ns = ZeroTrustNamespace(bp, "shop")
web = ns.workload("web", labels={"app": "web"}, ports={"http": 8080})
svc = Service(ns, "web", workload=web, port=80, target_port="http")
site = TlsIngress(ns, "site", hosts=["www.example.com", "shop.example.com"],
                  issuer="letsencrypt-prod")
site.route("/", svc)
