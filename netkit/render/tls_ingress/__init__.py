"""TlsIngress, rendered through the target's ingress flavour: Gateway API or ingress-nginx."""

from __future__ import annotations

from netkit.constructs.tls_ingress import TlsIngress
from netkit.render.context import RenderContext
from netkit.render.tls_ingress import gateway_api, ingress_nginx


def render_tls_ingress(ing: TlsIngress, ctx: RenderContext) -> None:
    """Render through the target's ingress flavour."""
    if ctx.target.ingress == "ingress-nginx":
        ingress_nginx.render(ing, ctx)
    else:
        gateway_api.render(ing, ctx)
