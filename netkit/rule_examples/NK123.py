from netkit import Blueprint
from netkit.constructs import RateLimitedService, ZeroTrustNamespace

bp = Blueprint("api")
ns = ZeroTrustNamespace(bp, "api")
api = ns.workload("api", labels={"app": "api"}, ports={"http": 8080})
# The limit is enforced at an entry point, and no TlsIngress routes to this Service.
RateLimitedService(ns, "api", workload=api, port=80, target_port="http", rpm=600)
