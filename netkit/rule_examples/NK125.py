from netkit import Blueprint
from netkit.constructs import Service, ZeroTrustNamespace

bp = Blueprint("shop")
ns = ZeroTrustNamespace(bp, "shop")
# app=web also matches the canary's pods
stable = ns.workload("web", labels={"app": "web"}, ports={"http": 8080})
ns.workload("web-canary", labels={"app": "web", "track": "canary"}, ports={"http": 8080})
Service(ns, "web", workload=stable, port=80, target_port="http")
