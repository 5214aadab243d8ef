from netkit import Blueprint
from netkit.constructs import ClusterIssuer, Gateway, GatewayClass, Namespace, listener


def build(env: str = "prod") -> Blueprint:
    bp = Blueprint("platform")
    GatewayClass(bp, "netkit")
    gateway = Namespace(bp, "gateway", pod_security="restricted")
    Gateway(gateway, "shared", listeners=[listener("http", 80)],
            allowed_routes="Selector", route_namespace_labels={"edge": "shared"})
    ClusterIssuer(bp, "letsencrypt-prod", email="ops@example.com")
    return bp
