from netkit import Blueprint
from netkit.constructs import Include, Manifest, Namespace


def build(env: str = "prod") -> Blueprint:
    bp = Blueprint("extras")
    ops = Namespace(bp, "ops")
    Manifest(ops, "settings", {"apiVersion": "v1", "kind": "ConfigMap",
                               "metadata": {"name": "settings"}, "data": {"env": env}})
    Include(ops, "quota", "quota.yaml")             # relative to this file
    return bp
