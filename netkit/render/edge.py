"""Renderers for entry points and the platform edge: TlsIngress, Gateway, ClusterIssuer."""

from __future__ import annotations

from typing import Any

from netkit.capabilities import GATEWAY_CONTROLLERS
from netkit.constructs.cluster_issuer import ClusterIssuer
from netkit.constructs.gateway import Gateway, GatewayClass, Listener
from netkit.constructs.tls_ingress import TlsIngress
from netkit.errors import CapabilityError
from netkit.k8s import gateway_api as gw
from netkit.k8s.cert_manager import acme_cluster_issuer
from netkit.render import gateway_api, ingress_nginx
from netkit.render.context import RenderContext
from netkit.render.registry import renders


@renders(TlsIngress)
def render_tls_ingress(ing: TlsIngress, ctx: RenderContext) -> None:
    """Render through the target's ingress flavour."""
    wildcards = [h for h in ing.hosts if h.startswith("*.")]
    if wildcards and ing.issuer is not None:
        ctx.finding(ing, "NK124", "warning", f"wildcard host {wildcards[0]} can only be issued "
                    "through an ACME DNS-01 solver; HTTP-01 cannot validate wildcards",
                    hint=f"give {ing.issuer} a DNS-01 solver, or list the hosts one by one",
                    obj=f"Certificate/{ing.namespace()}/{ing.node.id}")
    if ctx.target.ingress == "ingress-nginx":
        ingress_nginx.render(ing, ctx)
    else:
        gateway_api.render(ing, ctx)


@renders(GatewayClass)
def render_gateway_class(gc: GatewayClass, ctx: RenderContext) -> None:
    """Emit the GatewayClass for the target's implementation."""
    controller = gc.controller_name or GATEWAY_CONTROLLERS.get(ctx.target.gateway)
    if controller is None:
        raise CapabilityError(gc.display_path, f"target gateway={ctx.target.gateway!r} names no "
                              "controller", hint="pass controller_name= or set target gateway")
    ctx.emit(gc, gw.gateway_class(gc.node.id, controller, gc.description))


def _listener(lst: Listener, gateway: Gateway) -> dict[str, Any]:
    out: dict[str, Any] = {"name": lst.name, "port": lst.port, "protocol": lst.protocol}
    if lst.hostname:
        out["hostname"] = lst.hostname
    if lst.tls_secret:
        out["tls"] = {"mode": "Terminate", "certificateRefs": [
            {"group": "", "kind": "Secret", "name": lst.tls_secret}]}
    out["allowedRoutes"] = gw.namespaces_from(gateway.allowed_routes,
                                              gateway.route_namespace_labels)
    return out


@renders(Gateway)
def render_gateway(g: Gateway, ctx: RenderContext) -> None:
    """Emit the Gateway."""
    ctx.emit(g, gw.gateway(g.node.id, str(g.namespace()),
                           gateway_class=g.gateway_class or ctx.target.gateway_class,
                           listeners=[_listener(x, g) for x in g.listeners],
                           allowed_listeners=gw.namespaces_from(
                               g.allowed_listener_sets, g.listener_set_namespace_labels)))


@renders(ClusterIssuer)
def render_cluster_issuer(ci: ClusterIssuer, ctx: RenderContext) -> None:
    """Emit the ACME ClusterIssuer with the solver matching the target."""
    solver = ci.solver
    if solver == "auto":
        solver = "ingress" if ctx.target.ingress == "ingress-nginx" else "gateway"
    if solver == "gateway":
        shared = ctx.target.shared_gateway
        http01: dict[str, Any] = {"gatewayHTTPRoute": {"parentRefs": [gw.parent_ref(
            shared.name, namespace=shared.namespace, section_name=shared.http_listener)]}}
    else:
        http01 = {"ingress": {"ingressClassName": ctx.target.ingress_class}}
    ctx.emit(ci, acme_cluster_issuer(ci.node.id, email=ci.email, server=ci.server,
                                     account_key_secret=ci.private_key_secret, http01=http01))
