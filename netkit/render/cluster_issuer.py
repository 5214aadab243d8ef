"""Renderer for ClusterIssuer: an ACME issuer whose HTTP-01 solver follows the target."""

from __future__ import annotations

from typing import Any

from netkit.constructs.cluster_issuer import ClusterIssuer
from netkit.k8s import gateway_api as gw
from netkit.k8s.cert_manager import acme_cluster_issuer
from netkit.render.context import RenderContext


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
