from netkit import Blueprint
from netkit.constructs import RateLimitedService, TlsIngress, ZeroTrustNamespace

bp = Blueprint("api")
ns = ZeroTrustNamespace(bp, "api")
api = ns.workload("api", labels={"app": "api"}, ports={"http": 8080})
svc = RateLimitedService(ns, "api", workload=api, port=80, target_port="http", rpm=600)
TlsIngress(ns, "public", hosts=["api.example.com"], issuer="letsencrypt-prod").route("/", svc)
