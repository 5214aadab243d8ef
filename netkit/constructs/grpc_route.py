"""GrpcRoute: gRPC calls on a TlsIngress's hosts routed by service and method."""

from __future__ import annotations

import re

from netkit.constructs.flows import EdgePeer, Flow, FlowSource, PortSpec
from netkit.constructs.service import RateLimitedService, Service
from netkit.constructs.tls_ingress import TlsIngress
from netkit.errors import ConstructError
from netkit.tree import Construct

# GRPCMethodMatch (type Exact) in the Gateway API CRD.
_GRPC_SERVICE = re.compile(r"\.?[a-zA-Z_][a-zA-Z_0-9]*(\.[a-zA-Z_][a-zA-Z_0-9]*)*")
_GRPC_METHOD = re.compile(r"[A-Za-z_][A-Za-z_0-9]*")


class GrpcRoute(Construct, FlowSource):
    """Send gRPC calls to ``grpc_service`` (all of it, or only ``method``) on every host of a
    TlsIngress to ``service``; without either, every call not matched by another GrpcRoute."""

    grpc_service: str | None
    method: str | None

    def __init__(self, ingress: TlsIngress, id: str, *, service: Service,
                 grpc_service: str | None = None, method: str | None = None,
                 port: int | None = None) -> None:
        if not isinstance(ingress, TlsIngress):
            where = getattr(ingress, "display_path", "?")
            raise ConstructError(f"{where}/{id}", "a GrpcRoute's scope must be a TlsIngress",
                                 hint="create it as GrpcRoute(site, ...): it shares the "
                                      "ingress's hosts and certificate")
        super().__init__(ingress, id)
        where = self.display_path
        if not isinstance(service, Service):
            raise ConstructError(where, "service must be a Service construct", field="service",
                                 hint="pass the Service serving the gRPC API")
        if isinstance(service, RateLimitedService):
            raise ConstructError(where, f"{service.ref}'s rate limit covers HTTPRoutes only",
                                 field="service", hint="use a plain Service")
        if service.namespace() != ingress.namespace():
            raise ConstructError(where, f"{service.ref} is in another namespace",
                                 field="service", hint="route gRPC to a Service of the "
                                                       "ingress's namespace")
        if grpc_service is not None and not _GRPC_SERVICE.fullmatch(grpc_service):
            raise ConstructError(where, f"grpc_service {grpc_service!r} is not a fully "
                                 "qualified gRPC service name", field="grpc_service",
                                 hint="package and service, e.g. shop.v1.Cart")
        if method is not None and not _GRPC_METHOD.fullmatch(method):
            raise ConstructError(where, f"method {method!r} is not a gRPC method name",
                                 field="method", hint="the method alone, e.g. GetCart")
        if method is not None and grpc_service is None:
            raise ConstructError(where, "method needs grpc_service", field="method",
                                 hint="name the service the method belongs to")
        if ingress.routes:
            raise ConstructError(where, f"{ingress.display_path} already routes HTTP paths on "
                                 "the same hosts; Gateway API accepts only one of an HTTPRoute "
                                 "and a GRPCRoute sharing a hostname", hint="serve gRPC from a "
                                 "TlsIngress of its own, e.g. on grpc.example.com")
        match = (grpc_service, method)
        for other in ingress.grpc_routes():
            if (other.grpc_service, other.method) == match:
                raise ConstructError(where, f"{other.display_path} already routes the same "
                                     "calls", hint="one GrpcRoute per service and method")
        self.service = service
        self.port = service.service_port(port, where)
        self.grpc_service = grpc_service
        self.method = method
        self.ingress = ingress
        ingress.add_grpc_route(self)

    def flows(self) -> list[Flow]:
        """Edge proxies may reach the gRPC backend's target port."""
        target = self.port.target
        return [Flow(EdgePeer(self.ingress.own_gateway), self.service.workload,
                     (PortSpec(target.protocol, target.port),),
                     f"{self.display_path}: gRPC to {self.service.ref}")]
