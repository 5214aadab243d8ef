from netkit import Blueprint, Target
from netkit.constructs import ZeroTrustNamespace


def build(env: str = "prod") -> Blueprint:
    bp = Blueprint("payments", target=Target(cni="cilium"))   # toFQDNs needs Cilium
    payments = ZeroTrustNamespace(bp, "payments")
    api = payments.workload("api", labels={"app": "payments-api"}, ports={"https": 8443})
    payments.allow_egress_fqdn(api, "api.stripe.com", port=443)
    return bp
