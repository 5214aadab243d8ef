from netkit import Blueprint, Target
from netkit.constructs import Manifest, Namespace

# flannel routes pods but ignores NetworkPolicy: this policy would deny nothing.
bp = Blueprint("shop", target=Target(cni="flannel"))
shop = Namespace(bp, "shop")
Manifest(shop, "default-deny", {
    "apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
    "metadata": {"name": "default-deny"},
    "spec": {"podSelector": {}, "policyTypes": ["Ingress"]},
})
