from netkit import Blueprint
from netkit.constructs import ClusterGuardrails, MonitoringScrapes


def build(env: str = "prod") -> Blueprint:
    bp = Blueprint("platform")
    ClusterGuardrails(bp, "guardrails", priority=10,
                      monitoring=MonitoringScrapes(ports=(9090,)),
                      tenant_label="example.com/tenant", tenants=["cafe", "payments"])
    return bp
