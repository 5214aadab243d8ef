"""CanaryRoute: send part of a routed path's traffic to a canary Service."""

from __future__ import annotations

from netkit.constructs.service import RateLimitedService, Service
from netkit.constructs.tls_ingress import TlsIngress
from netkit.errors import ConstructError
from netkit.spec import header_name_errors
from netkit.tree import Construct


class CanaryRoute(Construct):
    """Split ``path`` of a TlsIngress between ``stable`` and ``canary``.

    Choose one mode: ``weight`` (percent to the canary), ``header`` (requests carrying the
    header, with ``header_value`` or "always"), ``cookie`` (requests whose cookie is "always"),
    or ``mirror_percent`` (copies of requests, responses ignored).
    """

    path: str

    def __init__(self, ingress: TlsIngress, id: str, *, path: str, stable: Service,
                 canary: Service, weight: int | None = None, header: str | None = None,
                 header_value: str | None = None, cookie: str | None = None,
                 mirror_percent: int | None = None, canary_port: int | None = None) -> None:
        if not isinstance(ingress, TlsIngress):
            where = getattr(ingress, "display_path", "?")
            raise ConstructError(f"{where}/{id}", "a CanaryRoute's scope must be a TlsIngress",
                                 hint="create it as CanaryRoute(site, ...)")
        super().__init__(ingress, id)
        where = self.display_path
        route = ingress.find_route(path)
        if route is None:
            routed = ", ".join(r.path for r in ingress.routes) or "none"
            raise ConstructError(where, f"path {path!r} is not routed by {ingress.display_path} "
                                 f"(routed: {routed})",
                                 hint=f"add {ingress.node.id}.route({path!r}, ...) first")
        if stable is not route.service:
            raise ConstructError(where, f"stable {stable.ref} is not the Service routed at "
                                 f"{path!r} ({route.service.ref})", field="stable",
                                 hint=f"pass stable={route.service.name} or route the path "
                                      "to the stable Service")
        if not isinstance(canary, Service) or canary is stable:
            raise ConstructError(where, "canary must be a Service other than stable",
                                 field="canary", hint="create a Service for the canary pods")
        if isinstance(canary, RateLimitedService):
            raise ConstructError(where, f"canary {canary.ref}'s rate limit would not apply: "
                                 f"limits cover a whole route, and the route of {path!r} "
                                 "carries the stable Service's limit (or none)", field="canary",
                                 hint="make the canary a plain Service; a RateLimitedService "
                                      "as stable limits the whole path, canary share included")
        others = [c for c in ingress.canaries() if c is not self and c.path == path]
        if others:
            raise ConstructError(where, f"path {path!r} already has canary "
                                 f"{others[0].display_path}",
                                 hint="one canary per host and path")
        modes = {"weight": weight, "header": header, "cookie": cookie,
                 "mirror_percent": mirror_percent}
        chosen = [k for k, v in modes.items() if v is not None]
        if len(chosen) != 1:
            raise ConstructError(where, "give exactly one of weight, header, cookie or "
                                 f"mirror_percent (got {', '.join(chosen) or 'none'})",
                                 hint="use one CanaryRoute per path and mode")
        for field, value in (("weight", weight), ("mirror_percent", mirror_percent)):
            if value is not None and (isinstance(value, bool) or not 1 <= value <= 100):
                raise ConstructError(where, f"{field} {value} is out of range 1-100",
                                     field=field, hint="a percentage of requests")
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
        self.route = route
        self.stable = stable
        self.canary = canary
        self.canary_port = canary.service_port(canary_port, where)
        self.weight = weight
        self.header = header
        self.header_value = header_value or "always"
        self.cookie = cookie
        self.mirror_percent = mirror_percent
        ingress.add_canary(self)
