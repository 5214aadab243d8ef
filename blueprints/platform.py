"""The platform edge: gateway namespace, GatewayClass, shared Gateway and ACME ClusterIssuer."""

from netkit import Blueprint, Target
from netkit.constructs import ClusterIssuer, Gateway, GatewayClass, Namespace, listener


def build(env: str = "prod") -> Blueprint:
    """The shared edge every app namespace attaches to."""
    target = Target(ingress="gateway-api", gateway="envoy-gateway", cni="calico")
    bp = Blueprint("platform", target=target)
    GatewayClass(bp, target.gateway_class, description="netkit-managed shared edge")
    edge = Namespace(bp, target.shared_gateway.namespace, pod_security="restricted")
    Gateway(edge, target.shared_gateway.name,
            listeners=[listener(target.shared_gateway.http_listener, 80, "HTTP")],
            allowed_routes="All", allowed_listener_sets="All")
    server = "production" if env == "prod" else "staging"
    ClusterIssuer(bp, "letsencrypt-prod" if env == "prod" else "letsencrypt-staging",
                  email="platform@example.com", server=server)
    return bp
