"""Split an ingress's routes into groups that each render as one route object."""

from __future__ import annotations

from dataclasses import dataclass, field

from netkit.constructs.canary import CanaryRoute
from netkit.constructs.service import RateLimitedService
from netkit.constructs.tls_ingress import Route, TlsIngress
from netkit.errors import ConstructError


@dataclass
class RouteGroup:
    """Routes rendered together; a rate-limited Service gets a group (and object) of its own,
    because every implementation's limit applies to a whole route object."""

    name: str
    limited: RateLimitedService | None
    routes: list[Route] = field(default_factory=list)


def route_groups(ing: TlsIngress) -> list[RouteGroup]:
    """Groups in route order: unlimited routes under the ingress id, each limited Service apart."""
    if not ing.routes and not ing.grpc_routes():
        raise ConstructError(ing.display_path, "TlsIngress has no routes",
                             hint="add one with .route(path, service) or a GrpcRoute")
    groups: dict[str, RouteGroup] = {}
    for route in ing.routes:
        svc = route.service
        if isinstance(svc, RateLimitedService):
            group = groups.setdefault(svc.ref, RouteGroup(f"{ing.node.id}-{svc.name}", svc))
        else:
            group = groups.setdefault("", RouteGroup(ing.node.id, None))
        group.routes.append(route)
    return sorted(groups.values(), key=lambda g: g.limited is not None)


def canary_for(ing: TlsIngress, route: Route) -> CanaryRoute | None:
    """The CanaryRoute splitting ``route``, if any."""
    return next((c for c in ing.canaries() if c.route is route), None)


def hsts_value(ing: TlsIngress) -> str:
    """The Strict-Transport-Security header value."""
    value = f"max-age={ing.hsts_max_age}"
    return value + "; includeSubDomains" if ing.hsts_include_subdomains else value
