from netkit import Blueprint, Target
from netkit.constructs import CanaryRoute, Service, ZeroTrustNamespace


def build(env: str = "prod") -> Blueprint:
    bp = Blueprint("shop", target=Target(mesh="istio"))
    shop = ZeroTrustNamespace(bp, "shop")
    web = shop.workload("web", labels={"app": "web"}, ports={"http": 8080})
    cart = shop.workload("cart", labels={"app": "cart"}, ports={"http": 8080})
    cart_v2 = shop.workload("cart-v2", labels={"app": "cart-v2"}, ports={"http": 8080})
    shop.allow(web, to=cart, port="http")
    stable = Service(shop, "cart", workload=cart, port=80, target_port="http")
    canary = Service(shop, "cart-v2", workload=cart_v2, port=80, target_port="http")
    CanaryRoute(shop, "cart-canary", stable=stable, canary=canary, weight=10)
    CanaryRoute(shop, "cart-shadow", stable=stable, canary=canary, path="/checkout",
                mirror_percent=20)
    return bp
