from netkit import Blueprint, Target
from netkit.constructs import Namespace, ZeroTrustNamespace, any_pod_in

bp = Blueprint("shop", target=Target(mesh="istio"))
shop = Namespace(bp, "shop")
shop.workload("web", labels={"app": "web"}, service_account="web")
shop.workload("batch", labels={"app": "batch"}, service_account="batch")
payments = ZeroTrustNamespace(bp, "payments")
api = payments.workload("api", labels={"app": "api"}, ports={"https": 8443})
# NetworkPolicy admits only web; the mesh admits every identity of namespace shop
payments.allow(any_pod_in("shop", pods={"app": "web"}), to=api, port="https")
