"""TlsIngress on Gateway API: ListenerSet (or Gateway), Certificate, HTTPRoutes, grants."""

from __future__ import annotations

from typing import Any

from netkit.capabilities import require_gateway_feature
from netkit.constructs.service import Service, ServicePort
from netkit.constructs.tls_ingress import Route, TlsIngress
from netkit.errors import InvalidNameError
from netkit.k8s import gateway_api as gw
from netkit.k8s.cert_manager import certificate
from netkit.render.canary_rules import split_rules
from netkit.render.context import RenderContext
from netkit.render.edge_listeners import edge_listeners
from netkit.render.http_policy import rule_fields
from netkit.render.tls_ingress.rate_limits import gateway_rate_limit
from netkit.render.tls_ingress.route_groups import canary_for, hsts_value, route_groups
from netkit.target import Target


def listener_name(host: str) -> str:
    """The HTTPS listener name for ``host``: ``https-cafe-example-com``."""
    return "https-" + host.replace("*", "wildcard").replace(".", "-")


class _Backends:
    """Backend refs from one namespace, remembering Services in other namespaces."""

    def __init__(self, namespace: str) -> None:
        self.namespace = namespace
        self.foreign: dict[str, set[str]] = {}

    def ref(self, svc: Service, port: ServicePort, weight: int | None = None) -> dict[str, Any]:
        ns = str(svc.namespace())
        if ns != self.namespace:
            self.foreign.setdefault(ns, set()).add(svc.name)
        return gw.backend_ref(svc.name, port.port, namespace=None if ns == self.namespace else ns,
                              weight=weight)


def _rules(ing: TlsIngress, route: Route, backends: _Backends, target: Target
           ) -> list[dict[str, Any]]:
    filters: list[dict[str, Any]] = []
    if ing.hsts:
        filters.append({"type": "ResponseHeaderModifier", "responseHeaderModifier": {
            "set": [{"name": "Strict-Transport-Security", "value": hsts_value(ing)}]}})
    where = f"{ing.display_path}: route({route.path!r})"
    extra, policy_filters = rule_fields(
        route.policy, lambda feature: require_gateway_feature(target, feature, where))
    filters += policy_filters
    canary = canary_for(ing, route)
    if canary is not None and canary.mirror_percent is not None:
        require_gateway_feature(target, "HTTPRouteRequestPercentageMirror",
                                canary.display_path)
    return split_rules(canary, gw.path_match(route.path, route.path_type),
                       route.service, route.port, backends.ref, filters, extra)


def _grpc_route(ing: TlsIngress, parents: list[dict[str, Any]], target: Target
                ) -> dict[str, Any]:
    """One GRPCRoute with a rule per GrpcRoute, on the ingress's listeners and hosts."""
    rules = []
    for route in ing.grpc_routes():
        require_gateway_feature(target, "GRPCRoute", route.display_path)
        rule: dict[str, Any] = {}
        if route.grpc_service is not None:
            method = {"type": "Exact", "service": route.grpc_service}
            if route.method is not None:
                method["method"] = route.method
            rule["matches"] = [{"method": method}]
        rule["backendRefs"] = [gw.backend_ref(route.service.name, route.port.port)]
        rules.append(rule)
    return gw.route("GRPCRoute", f"{ing.node.id}-grpc", str(ing.namespace()),
                    parent_refs=parents, hostnames=ing.hosts, rules=rules)


def render(ing: TlsIngress, ctx: RenderContext) -> None:
    """Emit the Gateway API objects for ``ing``."""
    target, ns = ctx.target, str(ing.namespace())
    names = [listener_name(h) for h in ing.hosts]
    if len(set(names)) != len(names):
        raise InvalidNameError(ing.display_path, "two hosts map to the same listener name",
                               hint="hosts differing only in '.' vs '-' cannot share an ingress")
    https = [gw.https_listener(n, h, ing.secret_name)
             for n, h in zip(names, ing.hosts, strict=True)]
    http = {"name": "http", "port": 80, "protocol": "HTTP",
            "allowedRoutes": gw.namespaces_from("Same")}
    validation = {443: (ing.client_ca, ing.client_ca_mode)} if ing.client_ca else None
    parents = edge_listeners(ctx, ing, https, dedicated_extra=[http],
                             client_validation=validation)
    if target.gateway_mode == "dedicated":
        redirect_parent = gw.parent_ref(ing.node.id, section_name="http")
    else:
        shared = target.shared_gateway
        redirect_parent = gw.parent_ref(shared.name, namespace=shared.namespace,
                                        section_name=shared.http_listener)
    if ing.issuer is not None:
        ctx.emit(ing, certificate(ing.node.id, ns, secret=ing.secret_name, dns_names=ing.hosts,
                                  issuer=ing.issuer, issuer_kind=ing.issuer_kind))
    if ing.redirect_http:
        ctx.emit(ing, gw.http_route(f"{ing.node.id}-redirect", ns, parent_refs=[redirect_parent],
                                    hostnames=ing.hosts, rules=[{"filters": [{
                                        "type": "RequestRedirect", "requestRedirect": {
                                            "scheme": "https", "statusCode": 301}}]}]))
    backends = _Backends(ns)
    for group in route_groups(ing):
        rules = [r for route in group.routes for r in _rules(ing, route, backends, target)]
        ctx.emit(ing, gw.http_route(group.name, ns, parent_refs=parents, hostnames=ing.hosts,
                                    rules=rules))
        if group.limited is not None:
            ctx.emit(ing, gateway_rate_limit(ctx, ing, group.limited, group.name, ns))
    if ing.grpc_routes():
        ctx.emit(ing, _grpc_route(ing, parents, target))
    for other_ns, services in sorted(backends.foreign.items()):
        ctx.emit(ing, gw.reference_grant(f"httproutes-from-{ns}-{ing.node.id}", other_ns,
                                         from_kind="HTTPRoute", from_namespace=ns,
                                         to_kind="Service", to_names=sorted(services)))
