from netkit import Blueprint, Target
from netkit.constructs import Service, ZeroTrustNamespace, any_pod_in


def payments(cluster: str) -> Blueprint:
    bp = Blueprint(f"payments-{cluster}",
                   target=Target(cni="cilium", cluster_mesh=True, cluster=cluster))
    pay = ZeroTrustNamespace(bp, "payments")
    api = pay.workload("api", labels={"app": "payments-api"}, ports={"https": 8443})
    # the shop's web pods run in cluster west
    pay.allow(any_pod_in("shop", pods={"app": "web"}, cluster="west"), to=api, port="https")
    Service(pay, "api", workload=api, port=443, target_port="https", export=True)
    return bp


def build(env: str = "prod") -> list[Blueprint]:
    return [payments("east"), payments("north")]
