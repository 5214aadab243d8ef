"""Renderer for Service and RateLimitedService."""

from __future__ import annotations

from typing import Any

from netkit.capabilities import require_rate_limits
from netkit.constructs.service import RateLimitedService, Service
from netkit.k8s import core, mcs
from netkit.render.context import RenderContext

# A ClusterMesh global Service: load-balanced over the backends of every cluster, and these
# backends shared with the others.
CILIUM_GLOBAL = {"service.cilium.io/global": "true", "service.cilium.io/shared": "true"}
# Cloud load balancer annotations by (cloud, internal).
LOAD_BALANCER_ANNOTATIONS: dict[tuple[str, bool], dict[str, str]] = {
    ("aws", True): {"service.beta.kubernetes.io/aws-load-balancer-type": "external",
                    "service.beta.kubernetes.io/aws-load-balancer-scheme": "internal"},
    ("aws", False): {"service.beta.kubernetes.io/aws-load-balancer-type": "external",
                     "service.beta.kubernetes.io/aws-load-balancer-scheme": "internet-facing"},
    ("gcp", True): {"networking.gke.io/load-balancer-type": "Internal"},
    ("azure", True): {"service.beta.kubernetes.io/azure-load-balancer-internal": "true"},
}


def service_object(svc: Service, global_service: bool = False) -> dict[str, Any]:
    """The Service object (annotated as a ClusterMesh global Service if ``global_service``)."""
    ports = [core.service_port(p.port, name=p.name, target_port=p.target_port,
                               protocol=p.target.protocol, node_port=p.node_port,
                               app_protocol=p.app_protocol) for p in svc.ports]
    extra: dict[str, Any] = {}
    if svc.load_balancer_source_ranges:
        extra["loadBalancerSourceRanges"] = svc.load_balancer_source_ranges
    if svc.external_traffic_policy:
        extra["externalTrafficPolicy"] = svc.external_traffic_policy
    annotations = dict(svc.annotations)
    if svc.type == "LoadBalancer" and svc.cloud:
        annotations.update(LOAD_BALANCER_ANNOTATIONS.get((svc.cloud, svc.internal), {}))
    if global_service:
        annotations.update(CILIUM_GLOBAL)
    return core.service(svc.name, str(svc.namespace()), selector=svc.workload.labels,
                        ports=ports, type=svc.type, cluster_ip="None" if svc.headless else None,
                        labels=svc.labels, annotations=annotations, extra_spec=extra)


def render_service(svc: Service, ctx: RenderContext) -> None:
    """Emit the Service (a RateLimitedService's limit is rendered by its entry points); an
    exported one is a Cilium global service on a ClusterMesh, else gets an MCS
    ServiceExport."""
    if isinstance(svc, RateLimitedService):
        require_rate_limits(ctx.target, svc.display_path, svc.ref)
    clustermesh = ctx.target.cni == "cilium" and ctx.target.cluster_mesh
    ctx.emit(svc, service_object(svc, global_service=svc.export and clustermesh))
    if svc.export and not clustermesh:
        ctx.emit(svc, mcs.service_export(svc.name, str(svc.namespace())))
