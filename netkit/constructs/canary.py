"""CanaryRoute: send part of a routed path's traffic to a canary Service."""

from __future__ import annotations

from fractions import Fraction

from netkit.constructs.flows import Flow, FlowSource, PortSpec
from netkit.constructs.service import RateLimitedService, Service
from netkit.constructs.tls_ingress import Route, TlsIngress
from netkit.errors import ConstructError
from netkit.spec import WorkloadPort, check_route_path, header_name_errors
from netkit.tree import Construct


class CanaryRoute(Construct, FlowSource):
    """Split traffic for ``stable`` between it and ``canary``.

    On a TlsIngress (the scope), ``path`` names a routed path and the edge splits it. In a
    namespace, the split is east-west: requests from inside the cluster to ``stable`` (under
    ``path``, default every path) are split by the target's mesh (a Gateway API HTTPRoute whose
    parent is the Service), and the clients allowed to reach ``stable`` may reach ``canary``.

    Choose one mode: ``weight`` (percent to the canary), ``header`` (requests carrying the
    header, with ``header_value`` or "always"), ``cookie`` (requests whose cookie is "always"),
    or ``mirror_percent`` (copies of requests, responses ignored; a fraction of a percent such
    as 0.5 is allowed).
    """

    path: str
    stable: Service

    def __init__(self, scope: Construct, id: str, *, stable: Service, canary: Service,
                 path: str | None = None, weight: int | None = None, header: str | None = None,
                 header_value: str | None = None, cookie: str | None = None,
                 mirror_percent: float | None = None, canary_port: int | None = None,
                 stable_port: int | None = None) -> None:
        ingress = scope if isinstance(scope, TlsIngress) else None
        if ingress is None and (not isinstance(scope, Construct) or scope.namespace() is None):
            where = getattr(scope, "display_path", "?")
            raise ConstructError(f"{where}/{id}", "a CanaryRoute's scope must be a TlsIngress "
                                 "(edge) or a namespace (east-west)",
                                 hint="create it as CanaryRoute(site, ...) or "
                                      "CanaryRoute(namespace, ...)")
        super().__init__(scope, id)
        where = self.display_path
        if ingress is not None:
            if path is None:
                raise ConstructError(where, "an edge CanaryRoute needs path", field="path",
                                     hint="name one of the TlsIngress's routed paths")
            if stable_port is not None:
                raise ConstructError(where, "stable_port is the route's port at the edge",
                                     field="stable_port", hint="drop stable_port=")
            route = ingress.find_route(path)
            if route is None:
                routed = ", ".join(r.path for r in ingress.routes) or "none"
                raise ConstructError(where, f"path {path!r} is not routed by "
                                     f"{ingress.display_path} (routed: {routed})",
                                     hint=f"add {ingress.node.id}.route({path!r}, ...) first")
            if stable is not route.service:
                raise ConstructError(where, f"stable {stable.ref} is not the Service routed at "
                                     f"{path!r} ({route.service.ref})", field="stable",
                                     hint=f"pass stable={route.service.name} or route the path "
                                          "to the stable Service")
            self.route: Route | None = route
            self.stable_port = route.port
        else:
            self.route = None
            path = path or "/"
            check_route_path(path, "Prefix", where)
            if not isinstance(stable, Service) or stable.namespace() != scope.namespace():
                raise ConstructError(where, "stable must be a Service of this namespace",
                                     field="stable", hint="the mesh route binds to the Service "
                                                          "clients call; create the CanaryRoute "
                                                          "in its namespace")
            self.stable_port = stable.service_port(stable_port, where)
        if not isinstance(canary, Service) or canary is stable:
            raise ConstructError(where, "canary must be a Service other than stable",
                                 field="canary", hint="create a Service for the canary pods")
        if ingress is None and canary.namespace() != scope.namespace():
            raise ConstructError(where, f"canary {canary.ref} is in another namespace",
                                 field="canary", hint="keep the canary Service next to stable")
        if ingress is not None and isinstance(canary, RateLimitedService):
            raise ConstructError(where, f"canary {canary.ref}'s rate limit would not apply: "
                                 f"limits cover a whole route, and the route of {path!r} "
                                 "carries the stable Service's limit (or none)", field="canary",
                                 hint="make the canary a plain Service; a RateLimitedService "
                                      "as stable limits the whole path, canary share included")
        siblings = (ingress.canaries() if ingress is not None else
                    [c for c in scope.node.children if isinstance(c, CanaryRoute)
                     and c is not self and c.stable is stable])
        others = [c for c in siblings if c is not self and c.path == path]
        if others:
            raise ConstructError(where, f"path {path!r} already has canary "
                                 f"{others[0].display_path}",
                                 hint="one canary per Service (or host) and path")
        modes = {"weight": weight, "header": header, "cookie": cookie,
                 "mirror_percent": mirror_percent}
        chosen = [k for k, v in modes.items() if v is not None]
        if len(chosen) != 1:
            raise ConstructError(where, "give exactly one of weight, header, cookie or "
                                 f"mirror_percent (got {', '.join(chosen) or 'none'})",
                                 hint="use one CanaryRoute per path and mode")
        if weight is not None and (isinstance(weight, bool) or not 1 <= weight <= 100):
            raise ConstructError(where, f"weight {weight} is out of range 1-100",
                                 field="weight", hint="a percentage of requests")
        if mirror_percent is not None and (
                isinstance(mirror_percent, bool) or not isinstance(mirror_percent, int | float)
                or not 0 < mirror_percent <= 100
                or (Fraction(str(mirror_percent)) * 10_000).denominator != 1):
            raise ConstructError(where, f"mirror_percent {mirror_percent!r} is not a percentage "
                                 "above 0 and at most 100 (to four decimals)",
                                 field="mirror_percent", hint="e.g. 25, or 0.5 for one request "
                                                              "in 200")
        if header is not None and (errs := header_name_errors(header)):
            raise ConstructError(where, f"header {header!r} {errs[0]}", field="header",
                                 hint="letters, digits and !#$%&'*+-.^_`|~ only, e.g. x-canary")
        if header_value is not None and header is None:
            raise ConstructError(where, "header_value needs header", field="header_value",
                                 hint="name the header with header=")
        if cookie is not None and (errs := header_name_errors(cookie)):
            raise ConstructError(where, f"cookie {cookie!r} is not a valid cookie name",
                                 field="cookie", hint="letters, digits, '-' and '_', e.g. "
                                                      "canary")
        self.ingress = ingress
        self.path = path
        self.path_type = self.route.path_type if self.route is not None else "Prefix"
        self.stable = stable
        self.canary = canary
        self.canary_port = canary.service_port(canary_port, where)
        self.weight = weight
        self.header = header
        self.header_value = header_value or "always"
        self.cookie = cookie
        self.mirror_percent = mirror_percent
        if ingress is not None:
            ingress.add_canary(self)

    def flows(self) -> list[Flow]:
        """East-west, the mesh sends a client's requests for ``stable`` straight to the canary's
        pods: every flow allowed to ``stable``'s port is allowed to the canary's too."""
        if self.ingress is not None:
            return []
        want = self.stable_port.target
        target = self.canary_port.target
        return [Flow(f.src, self.canary.workload, (PortSpec(target.protocol, target.port),),
                     f"{self.display_path}: {f.origin}, also to canary {self.canary.ref}")
                for c in self.node.root.node.walk()
                if isinstance(c, FlowSource) and not isinstance(c, CanaryRoute)
                for f in c.flows()
                if f.dst is self.stable.workload and _covers(f.ports, want)]


def _covers(ports: tuple[PortSpec, ...], port: WorkloadPort) -> bool:
    """Whether ``ports`` (empty: every port) include ``port``."""
    return not ports or any(
        p.protocol == port.protocol and (p.port is None or p.port <= port.port <= (
            p.end_port or p.port)) for p in ports)
