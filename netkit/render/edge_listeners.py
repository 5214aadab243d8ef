"""Listeners an app namespace adds at the edge: on the shared Gateway through a ListenerSet, or
on a Gateway of its own (``gateway_mode="dedicated"``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from netkit.capabilities import require_gateway_feature
from netkit.errors import CapabilityError
from netkit.k8s import gateway_api as gw
from netkit.render.context import RenderContext
from netkit.tree import Construct


def edge_listeners(ctx: RenderContext, owner: Construct, listeners: Sequence[dict[str, Any]],
                   *, dedicated_extra: Sequence[dict[str, Any]] = (),
                   client_validation: Mapping[int, tuple[str, str]] | None = None
                   ) -> list[dict[str, Any]]:
    """Emit the ListenerSet (or dedicated Gateway, with ``dedicated_extra`` listeners first)
    carrying ``listeners``; the parentRefs that attach a route to them. ``client_validation``
    (port → CA ConfigMap, mode) needs a Gateway of the owner's own: a ListenerSet cannot set
    it."""
    target, ns, name = ctx.target, str(owner.namespace()), owner.node.id
    if client_validation:
        where = f"{owner.display_path}: client_ca"
        require_gateway_feature(target, "GatewayFrontendClientCertificateValidation", where)
        if target.gateway_mode != "dedicated":
            shared = target.shared_gateway
            raise CapabilityError(where, "Gateway API validates client certificates on the "
                                  f"Gateway (spec.tls.frontend), and this adds listeners to "
                                  f"the shared Gateway {shared.namespace}/{shared.name}",
                                  hint="set client_ca on the shared Gateway's listener() for "
                                       "the port, or use target gateway_mode=dedicated")
    if target.gateway_mode == "dedicated":
        ctx.emit(owner, gw.gateway(name, ns, gateway_class=target.gateway_class,
                                   listeners=[*dedicated_extra, *listeners],
                                   client_validation=client_validation))
        return [gw.parent_ref(name, section_name=x["name"]) for x in listeners]
    shared = target.shared_gateway
    ctx.emit(owner, gw.listener_set(name, ns, listeners=listeners, parent=gw.parent_ref(
        shared.name, namespace=shared.namespace)))
    return [gw.parent_ref(name, kind="ListenerSet")]
