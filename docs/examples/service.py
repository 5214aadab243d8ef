from netkit import Blueprint
from netkit.constructs import Namespace, Service


def build(env: str = "prod") -> Blueprint:
    bp = Blueprint("edge")
    edge = Namespace(bp, "edge")
    app = edge.workload("app", labels={"app": "app"}, ports={"http": 8080})
    Service(edge, "app", workload=app, port=80, target_port="http")
    Service(edge, "app-lb", workload=app, port=443, target_port="http", type="LoadBalancer",
            load_balancer_source_ranges=["203.0.113.0/24"], cloud="aws", internal=True)
    return bp
