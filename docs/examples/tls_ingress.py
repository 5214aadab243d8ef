from netkit import Blueprint
from netkit.constructs import Service, TlsIngress, ZeroTrustNamespace


def build(env: str = "prod") -> Blueprint:
    bp = Blueprint("shop")
    shop = ZeroTrustNamespace(bp, "shop")
    web = shop.workload("web", labels={"app": "web"}, ports={"http": 9376})
    docs = shop.workload("docs", labels={"app": "docs"}, ports={"http": 8000})
    web_svc = Service(shop, "web", workload=web, port=80, target_port="http")
    docs_svc = Service(shop, "docs", workload=docs, port=8080, target_port="http")
    site = TlsIngress(shop, "site", hosts=["shop.example.com"], issuer="letsencrypt-prod")
    site.route("/", web_svc)
    site.route("/docs", docs_svc, path_type="Exact")
    return bp
