from netkit import Blueprint
from netkit.constructs import (
    BackendTls,
    GrpcRoute,
    Service,
    TcpRoute,
    TlsIngress,
    TlsPassthrough,
    ZeroTrustNamespace,
    cors,
)


def build(env: str = "prod") -> Blueprint:
    bp = Blueprint("payments")
    ns = ZeroTrustNamespace(bp, "payments")
    api = ns.workload("api", labels={"app": "api"}, ports={"https": 8443, "grpc": 9090})
    vault = ns.workload("vault", labels={"app": "vault"}, ports={"https": 8200})
    ledger = ns.workload("ledger", labels={"app": "ledger"}, ports={"pg": 5432})
    web = Service(ns, "api", workload=api, port=443, target_port="https", port_name="https")
    rpc = Service(ns, "api-grpc", workload=api, port=9090, target_port="grpc")

    site = TlsIngress(ns, "site", hosts=["pay.example.com"], issuer="letsencrypt-prod")
    site.route("/", web, timeout="30s", backend_timeout="10s",
               cors=cors(["https://shop.example.com"], allow_methods=["GET", "POST"]))
    BackendTls(ns, "api-tls", service=web, hostname="api.payments.svc.cluster.local",
               ca_configmap="payments-ca", port=443)

    rpc_site = TlsIngress(ns, "rpc", hosts=["rpc.pay.example.com"], issuer="letsencrypt-prod")
    GrpcRoute(rpc_site, "ledger", service=rpc, grpc_service="pay.v1.Ledger")

    TlsPassthrough(ns, "vault-edge", hosts=["vault.pay.example.com"],
                   service=Service(ns, "vault", workload=vault, port=8200, target_port="https"))
    TcpRoute(ns, "ledger-edge", port=5432,
             service=Service(ns, "ledger", workload=ledger, port=5432, target_port="pg"))
    return bp
