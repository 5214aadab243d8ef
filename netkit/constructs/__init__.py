"""Constructs: typed network intent that renders to Kubernetes objects."""

from netkit.constructs.canary import CanaryRoute
from netkit.constructs.cluster_issuer import ClusterIssuer
from netkit.constructs.gateway import Gateway, GatewayClass, Listener, listener
from netkit.constructs.guardrails import ClusterGuardrails, MonitoringScrapes
from netkit.constructs.manifest import Include, Manifest
from netkit.constructs.namespace import Namespace
from netkit.constructs.service import RateLimitedService, Service
from netkit.constructs.tls_ingress import Route, TlsIngress
from netkit.constructs.workload import Workload
from netkit.constructs.zero_trust import DnsEgress, ZeroTrustNamespace
from netkit.spec import WorkloadPort, any_pod_in, cidr

__all__ = ["CanaryRoute", "ClusterGuardrails", "ClusterIssuer", "DnsEgress", "Gateway",
           "GatewayClass", "Include", "Listener", "Manifest", "MonitoringScrapes", "Namespace",
           "RateLimitedService", "Route", "Service", "TlsIngress", "Workload", "WorkloadPort",
           "ZeroTrustNamespace", "any_pod_in", "cidr", "listener"]
