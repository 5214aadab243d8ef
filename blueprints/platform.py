"""The platform: cluster guardrails, and the edge (gateway namespace, GatewayClass, shared
Gateway and ACME ClusterIssuer)."""

from netkit import Blueprint, Target
from netkit.constructs import (
    ClusterGuardrails,
    ClusterIssuer,
    Gateway,
    GatewayClass,
    MonitoringScrapes,
    Namespace,
    listener,
)


def build(env: str = "prod") -> Blueprint:
    """The guardrails above every namespace, and the shared edge app namespaces attach to."""
    target = Target(ingress="gateway-api", gateway="envoy-gateway", cni="calico")
    bp = Blueprint("platform", target=target)
    # No namespace may reach the cloud metadata service or another tenant; DNS and Prometheus
    # scrapes always work; a namespace without policies of its own is closed.
    ClusterGuardrails(bp, "guardrails", priority=10,
                      monitoring=MonitoringScrapes(ports=(9090, 9100)),
                      tenant_label="example.com/tenant", tenants=["cafe", "payments"],
                      exempt_namespaces=["kube-system", "monitoring", "cert-manager",
                                         target.edge_namespace,
                                         target.shared_gateway.namespace])
    GatewayClass(bp, target.gateway_class, description="netkit-managed shared edge")
    edge = Namespace(bp, target.shared_gateway.namespace, pod_security="restricted")
    Gateway(edge, target.shared_gateway.name,
            listeners=[listener(target.shared_gateway.http_listener, 80, "HTTP")],
            allowed_routes="All", allowed_listener_sets="All")
    server = "production" if env == "prod" else "staging"
    ClusterIssuer(bp, "letsencrypt-prod" if env == "prod" else "letsencrypt-staging",
                  email="platform@example.com", server=server)
    return bp
