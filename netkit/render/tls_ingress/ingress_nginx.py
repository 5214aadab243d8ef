"""TlsIngress on ingress-nginx (legacy): Ingresses with annotations, canary Ingresses."""

from __future__ import annotations

from netkit.constructs.service import RateLimitedService
from netkit.constructs.tls_ingress import TlsIngress
from netkit.errors import CapabilityError
from netkit.k8s.ingress import ingress, ingress_path
from netkit.render.context import RenderContext
from netkit.render.tls_ingress.route_groups import route_groups

NGINX = "nginx.ingress.kubernetes.io"
DEFAULT_HSTS_MAX_AGE = 31536000  # ingress-nginx's hsts-max-age default


def _check(ing: TlsIngress) -> None:
    where = ing.display_path
    if ing.hsts and (ing.hsts_max_age != DEFAULT_HSTS_MAX_AGE or not ing.hsts_include_subdomains):
        raise CapabilityError(where, "ingress-nginx sets HSTS controller-wide, not per Ingress",
                              hint="set hsts-max-age / hsts-include-subdomains in the "
                                   "controller ConfigMap and keep the defaults here")
    if not ing.hsts:
        raise CapabilityError(where, "ingress-nginx cannot turn HSTS off per Ingress",
                              hint="set hsts: 'false' in the controller ConfigMap, or keep "
                                   "hsts=True")
    if ing.client_ca is not None:
        raise CapabilityError(where, "netkit renders client-certificate validation with "
                              "Gateway API (a CA ConfigMap); ingress-nginx wants a Secret in "
                              "its auth-tls-secret annotation", hint="use the gateway-api "
                              "target, or drop client_ca=")
    if ing.grpc_routes():
        raise CapabilityError(ing.grpc_routes()[0].display_path, "ingress-nginx routes gRPC "
                              "only by a backend-protocol annotation on a whole Ingress, "
                              "without service or method matching",
                              hint="use the gateway-api target for GrpcRoute")
    for route in ing.routes:
        if route.policy.features():
            raise CapabilityError(f"{where}: route({route.path!r})", "ingress-nginx sets "
                                  "timeouts, retries and CORS per Ingress object, not per "
                                  "route", hint="use the gateway-api target, or drop timeout=, "
                                  "backend_timeout=, retry= and cors= on the route")
    for svc, _ in ing.backends():
        if svc.namespace() != ing.namespace():
            raise CapabilityError(where, f"an Ingress cannot route to {svc.ref} in another "
                                  "namespace", hint="use the gateway-api target, which "
                                  "supports cross-namespace backends with a ReferenceGrant")


def _limit_annotations(svc: RateLimitedService, where: str) -> dict[str, str]:
    limit = svc.limit
    if limit.status_code is not None:
        raise CapabilityError(where, "ingress-nginx sets the rejection status controller-wide "
                              "(limit-req-status-code)", hint=f"drop status_code= on "
                              f"{svc.display_path} and set it in the controller ConfigMap")
    if not limit.per_client(natural=True):
        raise CapabilityError(where, "ingress-nginx limits are always keyed per client IP",
                              hint=f"drop per_client_ip=False on {svc.display_path}")
    key = "limit-rps" if limit.unit == "Second" else "limit-rpm"
    out = {f"{NGINX}/{key}": str(limit.rate)}
    if limit.burst is not None:
        if limit.burst % limit.rate:
            raise CapabilityError(where, f"ingress-nginx expresses burst as a multiple of the "
                                  f"rate; {limit.burst} is not a multiple of {limit.rate}",
                                  hint="pick a burst that is a whole multiple of the rate")
        out[f"{NGINX}/limit-burst-multiplier"] = str(limit.burst // limit.rate)
    if limit.allowlist:
        out[f"{NGINX}/limit-whitelist"] = ",".join(limit.allowlist)
    return out


def render(ing: TlsIngress, ctx: RenderContext) -> None:
    """Emit the Ingress objects for ``ing``."""
    _check(ing)
    target, ns = ctx.target, str(ing.namespace())
    for index, group in enumerate(route_groups(ing)):
        annotations = {f"{NGINX}/ssl-redirect": "true" if ing.redirect_http else "false"}
        if index == 0 and ing.issuer is not None:
            kind = "cluster-issuer" if ing.issuer_kind == "ClusterIssuer" else "issuer"
            annotations[f"cert-manager.io/{kind}"] = ing.issuer
        if group.limited is not None:
            annotations.update(_limit_annotations(group.limited, ing.display_path))
        paths = [ingress_path(r.path, r.path_type, r.service.name, r.port.port)
                 for r in group.routes]
        ctx.emit(ing, ingress(group.name, ns, ingress_class=target.ingress_class,
                              hosts=ing.hosts, paths=paths, tls_secret=ing.secret_name,
                              annotations=annotations))
    for canary in ing.canaries():
        where = canary.display_path
        annotations = {f"{NGINX}/canary": "true"}
        if canary.weight is not None:
            annotations[f"{NGINX}/canary-weight"] = str(canary.weight)
        elif canary.header is not None:
            annotations[f"{NGINX}/canary-by-header"] = canary.header
            annotations[f"{NGINX}/canary-by-header-value"] = canary.header_value
        elif canary.cookie is not None:
            annotations[f"{NGINX}/canary-by-cookie"] = canary.cookie
        else:
            raise CapabilityError(where, "ingress-nginx cannot mirror a share of one path's "
                                  "requests (mirror-target copies a whole Ingress, unsampled)",
                                  hint="use the gateway-api target for mirror_percent")
        path = ingress_path(canary.path, canary.path_type, canary.canary.name,
                            canary.canary_port.port)
        ctx.emit(canary, ingress(f"{ing.node.id}-{canary.node.id}", ns,
                                 ingress_class=target.ingress_class, hosts=ing.hosts,
                                 paths=[path], tls_secret=None, annotations=annotations))
