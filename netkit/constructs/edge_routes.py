"""Routes at the edge that are not HTTP: TLS passthrough by SNI, and plain TCP or UDP ports."""

from __future__ import annotations

from collections.abc import Sequence

from netkit.constructs.flows import EdgePeer, Flow, FlowSource, PortSpec
from netkit.constructs.service import RateLimitedService, Service, ServicePort
from netkit.errors import ConstructError
from netkit.spec import check_hosts, check_port
from netkit.tree import Construct


class EdgeRoute(Construct, FlowSource):
    """A route from a listener the construct adds at the edge to one Service port."""

    def __init__(self, scope: Construct, id: str, *, service: Service,
                 service_port: int | None) -> None:
        super().__init__(scope, id)
        where = self.display_path
        if scope.namespace() is None:
            raise ConstructError(where, f"a {type(self).__name__} must be created in a "
                                 "namespace", hint="use the namespace construct as its scope")
        if not isinstance(service, Service):
            raise ConstructError(where, "service must be a Service construct", field="service",
                                 hint="pass the Service the traffic goes to")
        if isinstance(service, RateLimitedService):
            raise ConstructError(where, f"{service.ref} is rate limited per HTTP request, which "
                                 f"a {type(self).__name__} never sees", field="service",
                                 hint="use a plain Service")
        if service.namespace() != scope.namespace():
            raise ConstructError(where, f"{service.ref} is in another namespace",
                                 field="service", hint="create the route in the Service's "
                                                       "namespace")
        self.service = service
        self.port: ServicePort = service.service_port(service_port, where)

    @property
    def own_gateway(self) -> tuple[str, str]:
        """(namespace, name) of the Gateway this route gets with gateway_mode="dedicated"."""
        return str(self.namespace()), self.node.id

    @property
    def protocol(self) -> str:
        """The transport protocol of the listener and the backend."""
        return "TCP"

    def flows(self) -> list[Flow]:
        """Edge proxies may reach the backend's target port."""
        target = self.port.target
        return [Flow(EdgePeer(self.own_gateway), self.service.workload,
                     (PortSpec(target.protocol, target.port),),
                     f"{self.display_path}: route to {self.service.ref}")]


class TlsPassthrough(EdgeRoute):
    """TLS for ``hosts`` passed through the edge by SNI to ``service``, which terminates it."""

    def __init__(self, scope: Construct, id: str, *, hosts: Sequence[str], service: Service,
                 service_port: int | None = None, port: int = 443) -> None:
        super().__init__(scope, id, service=service, service_port=service_port)
        where = self.display_path
        check_hosts(hosts, where, example="db.example.com",
                    host_hint="passthrough routes by SNI, so each host must be a DNS name "
                              "like db.example.com or *.example.com")
        if self.port.target.protocol != "TCP":
            raise ConstructError(where, f"TLS runs over TCP, but {service.ref} port "
                                 f"{self.port.port} is {self.port.target.protocol}",
                                 field="service_port", hint="route to a TCP port")
        self.hosts = list(hosts)
        self.listener_port = check_port(port, where, hint="the port clients connect to")


class PortRoute(EdgeRoute):
    """Every connection to ``port`` at the edge goes to ``service``."""

    def __init__(self, scope: Construct, id: str, *, port: int, service: Service,
                 service_port: int | None = None) -> None:
        super().__init__(scope, id, service=service, service_port=service_port)
        where = self.display_path
        self.listener_port = check_port(port, where, hint="the port clients connect to")
        if self.port.target.protocol != self.protocol:
            raise ConstructError(where, f"a {type(self).__name__} carries {self.protocol}, but "
                                 f"{service.ref} port {self.port.port} is "
                                 f"{self.port.target.protocol}", field="service_port",
                                 hint=f"route to a {self.protocol} port of the Service")


class TcpRoute(PortRoute):
    """TCP connections to ``port`` at the edge go to ``service``."""


class UdpRoute(PortRoute):
    """UDP datagrams to ``port`` at the edge go to ``service``."""

    @property
    def protocol(self) -> str:
        """UDP."""
        return "UDP"
