"""render(): walk a blueprint and run each construct's renderer from one table."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from netkit.constructs.backend_tls import BackendTls
from netkit.constructs.canary import CanaryRoute
from netkit.constructs.cluster_issuer import ClusterIssuer
from netkit.constructs.edge_routes import TcpRoute, TlsPassthrough, UdpRoute
from netkit.constructs.gateway import Gateway, GatewayClass
from netkit.constructs.guardrails import ClusterGuardrails
from netkit.constructs.manifest import Include, Manifest
from netkit.constructs.namespace import Namespace
from netkit.constructs.service import Service
from netkit.constructs.tls_ingress import TlsIngress
from netkit.constructs.zero_trust import ZeroTrustNamespace
from netkit.objects import KubeObject
from netkit.render.canary import render_canary
from netkit.render.cluster_issuer import render_cluster_issuer
from netkit.render.context import RenderContext
from netkit.render.edge_routes import (
    render_backend_tls,
    render_port_route,
    render_tls_passthrough,
)
from netkit.render.gateway import render_gateway, render_gateway_class
from netkit.render.guardrails import render_guardrails
from netkit.render.manifest import render_include, render_manifest
from netkit.render.namespace import render_namespace, render_zero_trust
from netkit.render.service import render_service
from netkit.render.tls_ingress import render_tls_ingress
from netkit.tree import Blueprint, Construct

# Construct type → renderer; a subclass without an entry uses its nearest base's renderer
# (RateLimitedService renders as a Service). Constructs without one only group others
# (Workload, GrpcRoute: their owners render them; so does a TlsIngress its CanaryRoutes).
RENDERERS: dict[type[Construct], Callable[[Any, RenderContext], None]] = {
    Namespace: render_namespace,
    ZeroTrustNamespace: render_zero_trust,
    Service: render_service,
    TlsIngress: render_tls_ingress,
    GatewayClass: render_gateway_class,
    Gateway: render_gateway,
    ClusterIssuer: render_cluster_issuer,
    ClusterGuardrails: render_guardrails,
    Manifest: render_manifest,
    Include: render_include,
    TlsPassthrough: render_tls_passthrough,
    TcpRoute: render_port_route,
    UdpRoute: render_port_route,
    BackendTls: render_backend_tls,
    CanaryRoute: render_canary,
}


def renderer_for(construct: Construct) -> Callable[[Any, RenderContext], None] | None:
    """The renderer of the construct's type or its nearest base."""
    for cls in type(construct).__mro__:
        fn = RENDERERS.get(cls)
        if fn is not None:
            return fn
    return None


def render(blueprint: Blueprint) -> list[KubeObject]:
    """Every construct of ``blueprint`` rendered for its Target, in tree order."""
    return [o for half in render_halves(blueprint) for o in half]


def render_halves(blueprint: Blueprint, halves: tuple[int, ...] = (0, 1)
                  ) -> list[list[KubeObject]]:
    """The objects of the first and the second half (by count, in tree order) of the
    constructs of ``blueprint`` that render, or of those of ``halves`` only. A half renders
    the same objects alone as after the other: a renderer reads the constructs and the
    target, never what another one made."""
    ctx = RenderContext(blueprint)
    steps = [(c, fn) for c in blueprint.node.walk()
             if c is not blueprint and (fn := renderer_for(c)) is not None]
    middle = len(steps) // 2
    out = []
    for half in halves:
        start = len(ctx.objects)
        for construct, fn in steps[middle:] if half else steps[:middle]:
            fn(construct, ctx)
        out.append(ctx.objects[start:])
    return out
