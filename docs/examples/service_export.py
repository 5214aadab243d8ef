from netkit import Blueprint
from netkit.constructs import Namespace, Service


def build(env: str = "prod") -> Blueprint:
    bp = Blueprint("ledger")
    ns = Namespace(bp, "ledger")
    db = ns.workload("db", labels={"app": "ledger-db"}, ports={"pg": 5432})
    # reachable from the cluster set as db.ledger.svc.clusterset.local
    Service(ns, "db", workload=db, port=5432, target_port="pg", export=True)
    return bp
