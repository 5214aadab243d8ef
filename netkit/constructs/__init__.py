"""Constructs: typed network intent that renders to Kubernetes objects."""

from netkit.constructs.backend_tls import BackendTls
from netkit.constructs.canary import CanaryRoute
from netkit.constructs.cluster_issuer import ClusterIssuer
from netkit.constructs.edge_routes import EdgeRoute, PortRoute, TcpRoute, TlsPassthrough, UdpRoute
from netkit.constructs.gateway import Gateway, GatewayClass, Listener, listener
from netkit.constructs.grpc_route import GrpcRoute
from netkit.constructs.guardrails import ClusterGuardrails, MonitoringScrapes
from netkit.constructs.http_policy import Cors, Retry, cors, retry
from netkit.constructs.manifest import Include, Manifest
from netkit.constructs.namespace import Namespace
from netkit.constructs.service import RateLimitedService, Service
from netkit.constructs.tls_ingress import Route, TlsIngress
from netkit.constructs.workload import Workload
from netkit.constructs.zero_trust import DnsEgress, ZeroTrustNamespace
from netkit.spec import WorkloadPort, any_pod_in, cidr

__all__ = ["BackendTls", "CanaryRoute", "ClusterGuardrails", "ClusterIssuer", "Cors", "DnsEgress",
           "EdgeRoute", "Gateway", "GatewayClass", "GrpcRoute", "Include", "Listener", "Manifest",
           "MonitoringScrapes", "Namespace", "PortRoute", "RateLimitedService", "Retry", "Route",
           "Service", "TcpRoute", "TlsIngress", "TlsPassthrough", "UdpRoute", "Workload",
           "WorkloadPort", "ZeroTrustNamespace", "any_pod_in", "cidr", "cors", "listener", "retry"]
