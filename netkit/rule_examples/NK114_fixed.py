from netkit import Blueprint, Target
from netkit.constructs import Manifest, Namespace

# calico enforces NetworkPolicy.
bp = Blueprint("shop", target=Target(cni="calico"))
shop = Namespace(bp, "shop")
Manifest(shop, "default-deny", {
    "apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
    "metadata": {"name": "default-deny"},
    "spec": {"podSelector": {}, "policyTypes": ["Ingress"]},
})
