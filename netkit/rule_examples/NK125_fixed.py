from netkit import Blueprint
from netkit.constructs import Service, ZeroTrustNamespace

bp = Blueprint("shop")
ns = ZeroTrustNamespace(bp, "shop")
stable = ns.workload("web", labels={"app": "web", "track": "stable"}, ports={"http": 8080})
ns.workload("web-canary", labels={"app": "web", "track": "canary"}, ports={"http": 8080})
Service(ns, "web", workload=stable, port=80, target_port="http")
