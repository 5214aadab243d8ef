"""Listeners an app namespace adds at the edge: on the shared Gateway through a ListenerSet, or
on a Gateway of its own (``gateway_mode="dedicated"``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from netkit.k8s import gateway_api as gw
from netkit.render.context import RenderContext
from netkit.tree import Construct


def edge_listeners(ctx: RenderContext, owner: Construct, listeners: Sequence[dict[str, Any]],
                   *, dedicated_extra: Sequence[dict[str, Any]] = ()) -> list[dict[str, Any]]:
    """Emit the ListenerSet (or dedicated Gateway, with ``dedicated_extra`` listeners first)
    carrying ``listeners``; the parentRefs that attach a route to them."""
    target, ns, name = ctx.target, str(owner.namespace()), owner.node.id
    if target.gateway_mode == "dedicated":
        ctx.emit(owner, gw.gateway(name, ns, gateway_class=target.gateway_class,
                                   listeners=[*dedicated_extra, *listeners]))
        return [gw.parent_ref(name, section_name=x["name"]) for x in listeners]
    shared = target.shared_gateway
    ctx.emit(owner, gw.listener_set(name, ns, listeners=listeners, parent=gw.parent_ref(
        shared.name, namespace=shared.namespace)))
    return [gw.parent_ref(name, kind="ListenerSet")]
