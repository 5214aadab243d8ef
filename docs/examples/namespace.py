from netkit import Blueprint
from netkit.constructs import Namespace


def build(env: str = "prod") -> Blueprint:
    bp = Blueprint("tools")
    Namespace(bp, "tools", pod_security="baseline", labels={"team": "platform"})
    return bp
