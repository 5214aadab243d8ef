from netkit import Blueprint, Target
from netkit.constructs import Namespace, ZeroTrustNamespace

bp = Blueprint("shop", target=Target(mesh="istio"))
shop = Namespace(bp, "shop")
web = shop.workload("web", labels={"app": "web"}, service_account="web")
shop.workload("batch", labels={"app": "batch"}, service_account="batch")
payments = ZeroTrustNamespace(bp, "payments")
api = payments.workload("api", labels={"app": "api"}, ports={"https": 8443})
payments.allow(web, to=api, port="https")
