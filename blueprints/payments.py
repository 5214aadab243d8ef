"""Payments: strict egress to a bank network and a payment API, webhooks via a LoadBalancer,
Istio mTLS, and the API exported to the cluster set."""

from netkit import Blueprint, Target
from netkit.constructs import Service, ZeroTrustNamespace, any_pod_in, cidr

BANK_NETWORK = "203.0.113.0/24"
PROVIDER_WEBHOOK_SOURCES = ["198.51.100.0/24", "192.0.2.0/28"]


def build(env: str = "prod") -> Blueprint:
    """Payments on Cilium, which can allow egress to DNS names, meshed with Istio (mTLS and
    per-identity authorization on top of NetworkPolicy); the API is exported to the other
    clusters of the set."""
    bp = Blueprint("payments", target=Target(cni="cilium", mesh="istio"))
    pay = ZeroTrustNamespace(bp, "payments", pod_security="restricted",
                             labels={"example.com/tenant": "payments"})
    api = pay.workload("api", labels={"app": "payments-api"}, ports={"https": 8443},
                       service_account="payments-api")
    hooks = pay.workload("webhooks", labels={"app": "payments-webhooks"}, ports={"https": 8443},
                         service_account="payments-webhooks")

    pay.allow(any_pod_in("shop", pods={"app": "api"}), to=api, port="https")
    pay.allow(api, to=cidr(BANK_NETWORK, except_=["203.0.113.128/25"]), port=443)
    pay.allow_egress_fqdn(api, "api.stripe.com", port=443)
    for source in PROVIDER_WEBHOOK_SOURCES:
        pay.allow(cidr(source), to=hooks, port="https")
    pay.allow(hooks, to=api, port="https")

    Service(pay, "api", workload=api, port=443, target_port="https", export=True)
    Service(pay, "webhooks", workload=hooks, port=443, target_port="https", type="LoadBalancer",
            load_balancer_source_ranges=PROVIDER_WEBHOOK_SOURCES,
            external_traffic_policy="Local", cloud="aws")
    return bp
