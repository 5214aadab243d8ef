"""Step 1: the shop namespace under zero trust, with its workloads and no allows yet.

Auditing the recorded flows against it lists what default-deny would break; `netkit suggest`
writes the allows that network.py adds.
"""

from netkit import Blueprint, Target
from netkit.constructs import ZeroTrustNamespace


def build(env: str = "prod") -> Blueprint:
    bp = Blueprint("shop", target=Target(cni="cilium"))
    shop = ZeroTrustNamespace(bp, "shop")
    web = shop.workload("web", labels={"app": "web"}, ports={"http": 8080})
    api = shop.workload("api", labels={"app": "api"}, ports={"http": 8080, "metrics": 9090})
    worker = shop.workload("worker", labels={"app": "worker"}, ports={"metrics": 9090})
    redis = shop.workload("redis", labels={"app": "redis"}, ports={"redis": 6379})
    return bp
