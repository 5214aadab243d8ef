"""TlsIngress: HTTPS entry point for hosts, routing paths to Services, with certificates."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from netkit.constructs.flows import EdgePeer, Flow, FlowSource, PortSpec
from netkit.constructs.http_policy import Cors, HttpPolicy, Retry, http_policy
from netkit.constructs.namespace import Namespace
from netkit.constructs.service import Service, ServicePort
from netkit.constructs.workload import Workload
from netkit.constructs.zero_trust import ZeroTrustNamespace
from netkit.errors import ConstructError
from netkit.k8s.names import dns1123_subdomain_errors
from netkit.spec import PathType, check_choice, check_hosts, check_route_path
from netkit.tree import Construct

if TYPE_CHECKING:
    from netkit.constructs.canary import CanaryRoute
    from netkit.constructs.grpc_route import GrpcRoute

ACME_SOLVER_ID = "acme-http01-solver"
ACME_SOLVER_LABEL = "acme.cert-manager.io/http01-solver"
ACME_SOLVER_PORT = 8089


@dataclass(frozen=True)
class Route:
    """``path`` (Prefix or Exact) on the ingress's hosts goes to ``service``:``port``."""

    path: str
    path_type: PathType
    service: Service
    port: ServicePort
    policy: HttpPolicy = dataclasses.field(default_factory=HttpPolicy)


class TlsIngress(Construct, FlowSource):
    """HTTPS for ``hosts`` with a certificate from ``issuer`` (cert-manager) or ``secret``;
    ``client_ca`` (a ConfigMap with ``ca.crt``) asks clients for certificates it signed."""

    def __init__(self, scope: Construct, id: str, *, hosts: Sequence[str],
                 issuer: str | None = None,
                 issuer_kind: Literal["ClusterIssuer", "Issuer"] = "ClusterIssuer",
                 secret: str | None = None, redirect_http: bool = True, hsts: bool = True,
                 hsts_max_age: int = 31536000, hsts_include_subdomains: bool = True,
                 acme_http01: bool = True, client_ca: str | None = None,
                 client_ca_mode: Literal["AllowValidOnly", "AllowInsecureFallback"] = (
                     "AllowValidOnly")) -> None:
        super().__init__(scope, id)
        where = self.display_path
        if scope.namespace() is None:
            raise ConstructError(where, "a TlsIngress must be created in a namespace",
                                 hint="use the namespace construct as its scope")
        check_hosts(hosts, where, example="shop.example.com",
                    host_hint="use lowercase DNS names like shop.example.com or *.example.com")
        if (issuer is None) == (secret is None):
            raise ConstructError(where, "give exactly one of issuer= or secret=",
                                 hint="issuer names a cert-manager issuer; secret names an "
                                      "existing TLS Secret")
        for field, value in (("issuer", issuer), ("secret", secret)):
            if value is not None and (errs := dns1123_subdomain_errors(value)):
                raise ConstructError(where, f"{field} {value!r}: {errs[0]}", field=field,
                                     hint="use the Kubernetes object's name")
        check_choice(issuer_kind, ("ClusterIssuer", "Issuer"), where, field="issuer_kind")
        check_choice(client_ca_mode, ("AllowValidOnly", "AllowInsecureFallback"), where,
                     field="client_ca_mode")
        if client_ca is not None and (errs := dns1123_subdomain_errors(client_ca)):
            raise ConstructError(where, f"client_ca {client_ca!r}: {errs[0]}", field="client_ca",
                                 hint="the ConfigMap holding the client CA bundle (ca.crt)")
        if hsts_max_age < 0:
            raise ConstructError(where, "hsts_max_age must not be negative",
                                 field="hsts_max_age", hint="seconds, e.g. 31536000 (a year)")
        self.hosts = list(hosts)
        self._canaries: list[CanaryRoute] = []
        self._grpc_routes: list[GrpcRoute] = []
        self.issuer = issuer
        self.issuer_kind = issuer_kind
        self.secret_name = secret or f"{id}-tls"
        self.redirect_http = redirect_http
        self.hsts = hsts
        self.hsts_max_age = hsts_max_age
        self.hsts_include_subdomains = hsts_include_subdomains
        self.client_ca = client_ca
        self.client_ca_mode = client_ca_mode
        self.routes: list[Route] = []
        self.acme_solver = self._acme_solver(scope) if issuer and acme_http01 else None

    @staticmethod
    def _acme_solver(scope: Construct) -> Workload | None:
        """cert-manager's HTTP-01 solver pods, which the edge must reach in zero trust."""
        node: Construct | None = scope
        while node is not None and not isinstance(node, Namespace):
            node = node.node.scope
        if not isinstance(node, ZeroTrustNamespace):
            return None
        existing = node.find_workload(ACME_SOLVER_ID)
        if existing is not None:
            return existing
        return node.workload(ACME_SOLVER_ID, labels={ACME_SOLVER_LABEL: "true"},
                             ports={"http": ACME_SOLVER_PORT})

    def route(self, path: str, service: Service, port: int | None = None,
              path_type: PathType = "Prefix", *, timeout: str | None = None,
              backend_timeout: str | None = None, retry: Retry | None = None,
              cors: Cors | None = None) -> Route:
        """Send requests for ``path`` on every host to ``service``; ``timeout`` bounds the
        whole request, ``backend_timeout`` each try, ``retry`` and ``cors`` as given."""
        where = f"{self.display_path}: route({path!r})"
        if not isinstance(service, Service):
            raise ConstructError(where, "service must be a Service construct", field="service",
                                 hint="pass a Service or RateLimitedService")
        check_choice(path_type, ("Prefix", "Exact"), where, field="path_type")
        if self._grpc_routes:
            raise ConstructError(where, f"{self.display_path} already has GrpcRoute "
                                 f"{self._grpc_routes[0].display_path}; Gateway API accepts "
                                 "only one of an HTTPRoute and a GRPCRoute sharing a hostname",
                                 hint="serve HTTP paths from a TlsIngress of its own")
        check_route_path(path, path_type, where)
        if any(r.path == path and r.path_type == path_type for r in self.routes):
            raise ConstructError(where, f"path {path!r} ({path_type}) is already routed",
                                 hint="one route per path; use CanaryRoute to split traffic")
        policy = http_policy(where, timeout=timeout, backend_timeout=backend_timeout,
                             retry=retry, cors=cors)
        route = Route(path, path_type, service, service.service_port(port, where), policy)
        self.routes.append(route)
        return route

    @property
    def own_gateway(self) -> tuple[str, str]:
        """(namespace, name) of the Gateway this ingress gets with gateway_mode="dedicated"."""
        return str(self.namespace()), self.node.id

    def find_route(self, path: str) -> Route | None:
        """The route for ``path``, if any."""
        return next((r for r in self.routes if r.path == path), None)

    def canaries(self) -> list[CanaryRoute]:
        """The CanaryRoutes declared on this ingress, in order."""
        return list(self._canaries)

    def add_canary(self, canary: CanaryRoute) -> None:
        """Register ``canary`` (a CanaryRoute does so when it is created)."""
        self._canaries.append(canary)

    def grpc_routes(self) -> list[GrpcRoute]:
        """The GrpcRoutes declared on this ingress, in order."""
        return list(self._grpc_routes)

    def add_grpc_route(self, route: GrpcRoute) -> None:
        """Register ``route`` (a GrpcRoute does so when it is created)."""
        self._grpc_routes.append(route)

    def backends(self) -> list[tuple[Service, ServicePort]]:
        """Every (Service, port) this ingress sends traffic to, routes then canaries."""
        pairs = [(r.service, r.port) for r in self.routes]
        pairs += [(c.canary, c.canary_port) for c in self.canaries()]
        return list(dict.fromkeys(pairs))

    def flows(self) -> list[Flow]:
        """Edge proxies may reach each backend's target port, and only that."""
        flows = [Flow(EdgePeer(self.own_gateway), svc.workload,
                      (PortSpec(port.target.protocol, port.target.port),),
                      f"{self.display_path}: route to {svc.ref}")
                 for svc, port in self.backends()]
        if self.acme_solver is not None:
            flows.append(Flow(EdgePeer(self.own_gateway), self.acme_solver,
                              (PortSpec("TCP", ACME_SOLVER_PORT),),
                              f"{self.display_path}: ACME HTTP-01 challenges"))
        return flows
