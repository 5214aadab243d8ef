"""Renderers for the platform edge: GatewayClass and Gateway."""

from __future__ import annotations

from typing import Any

from netkit.capabilities import GATEWAY_CONTROLLERS, require_gateway_feature
from netkit.constructs.gateway import Gateway, GatewayClass, Listener
from netkit.errors import CapabilityError
from netkit.k8s import gateway_api as gw
from netkit.render.context import RenderContext


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


def render_gateway(g: Gateway, ctx: RenderContext) -> None:
    """Emit the Gateway."""
    if g.client_validation:
        require_gateway_feature(ctx.target, "GatewayFrontendClientCertificateValidation",
                                f"{g.display_path}: listeners")
    ctx.emit(g, gw.gateway(g.node.id, str(g.namespace()),
                           gateway_class=g.gateway_class or ctx.target.gateway_class,
                           listeners=[_listener(x, g) for x in g.listeners],
                           allowed_listeners=gw.namespaces_from(
                               g.allowed_listener_sets, g.listener_set_namespace_labels),
                           client_validation=g.client_validation))
