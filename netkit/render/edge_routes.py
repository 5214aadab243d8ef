"""Renderers for the edge's non-HTTP routes (TLSRoute, TCPRoute, UDPRoute) and BackendTLSPolicy."""

from __future__ import annotations

from typing import Any

from netkit.capabilities import require_gateway_feature
from netkit.constructs.backend_tls import BackendTls
from netkit.constructs.edge_routes import TcpRoute, TlsPassthrough, UdpRoute
from netkit.errors import InvalidNameError
from netkit.k8s import gateway_api as gw
from netkit.k8s.meta import meta
from netkit.render.context import RenderContext
from netkit.render.edge_listeners import edge_listeners


def _backend(route: TlsPassthrough | TcpRoute | UdpRoute) -> list[dict[str, Any]]:
    return [{"backendRefs": [gw.backend_ref(route.service.name, route.port.port)]}]


def render_tls_passthrough(route: TlsPassthrough, ctx: RenderContext) -> None:
    """A TLS listener in Passthrough mode per host, and the TLSRoute to the Service."""
    require_gateway_feature(ctx.target, "TLSRoute", route.display_path)
    names = ["tls-" + h.replace("*", "wildcard").replace(".", "-") for h in route.hosts]
    if len(set(names)) != len(names):
        raise InvalidNameError(route.display_path, "two hosts map to the same listener name",
                               hint="hosts differing only in '.' vs '-' cannot share a route")
    listeners = [{"name": n, "hostname": h, "port": route.listener_port, "protocol": "TLS",
                  "tls": {"mode": "Passthrough"}}
                 for n, h in zip(names, route.hosts, strict=True)]
    parents = edge_listeners(ctx, route, listeners)
    ctx.emit(route, gw.route("TLSRoute", route.node.id, str(route.namespace()),
                             parent_refs=parents, hostnames=route.hosts, rules=_backend(route)))


def render_port_route(route: TcpRoute | UdpRoute, ctx: RenderContext) -> None:
    """A TCP or UDP listener on the route's port, and the TCPRoute or UDPRoute to the Service."""
    kind = "TCPRoute" if isinstance(route, TcpRoute) else "UDPRoute"
    require_gateway_feature(ctx.target, kind, route.display_path)
    name = f"{route.protocol.lower()}-{route.listener_port}"
    parents = edge_listeners(ctx, route, [{"name": name, "port": route.listener_port,
                                          "protocol": route.protocol}])
    ctx.emit(route, gw.route(kind, route.node.id, str(route.namespace()), parent_refs=parents,
                             rules=_backend(route)))


def render_backend_tls(policy: BackendTls, ctx: RenderContext) -> None:
    """A BackendTLSPolicy on the Service (or one named port of it)."""
    require_gateway_feature(ctx.target, "BackendTLSPolicy", policy.display_path)
    target: dict[str, Any] = {"group": "", "kind": "Service", "name": policy.service.name}
    if policy.section is not None:
        target["sectionName"] = policy.section
    validation: dict[str, Any] = {}
    if policy.system_ca:
        validation["wellKnownCACertificates"] = "System"
    else:
        kind, name = (("ConfigMap", policy.ca_configmap) if policy.ca_configmap is not None
                      else ("Secret", policy.ca_secret))
        validation["caCertificateRefs"] = [{"group": "", "kind": kind, "name": name}]
    validation["hostname"] = policy.hostname
    ctx.emit(policy, {"apiVersion": gw.API_VERSION, "kind": "BackendTLSPolicy",
                      "metadata": meta(policy.node.id, str(policy.namespace())),
                      "spec": {"targetRefs": [target], "validation": validation}})
