"""East-west CanaryRoute: a Gateway API HTTPRoute whose parent is the stable Service (GAMMA)."""

from __future__ import annotations

from typing import Any

from netkit.capabilities import MESH_FEATURES, east_west_mesh, require_mesh_feature
from netkit.constructs.canary import CanaryRoute
from netkit.constructs.service import Service, ServicePort
from netkit.errors import CapabilityError
from netkit.k8s import gateway_api as gw
from netkit.render.canary_rules import split_rules
from netkit.render.context import RenderContext


def _ref(svc: Service, port: ServicePort, weight: int | None) -> dict[str, Any]:
    return gw.backend_ref(svc.name, port.port, weight=weight)


def render_canary(canary: CanaryRoute, ctx: RenderContext) -> None:
    """Emit the mesh HTTPRoute of an east-west CanaryRoute (a TlsIngress renders its own)."""
    if canary.ingress is not None:
        return
    where, target = canary.display_path, ctx.target
    mesh = east_west_mesh(target, where)
    if canary.mirror_percent is not None:
        require_mesh_feature(target, "HTTPRouteRequestPercentageMirror", where)
    stable = canary.stable
    parent: dict[str, Any] = {"group": "", "kind": "Service", "name": stable.name}
    if "HTTPRouteParentRefPort" in MESH_FEATURES[mesh]:
        parent["port"] = canary.stable_port.port
    elif len(stable.ports) > 1:
        raise CapabilityError(where, f"mesh {mesh!r} cannot bind a route to one port of "
                              f"{stable.ref}, so the split would cover all its ports",
                              hint="give the canaried API a Service of its own")
    rules = split_rules(canary, gw.path_match(canary.path, canary.path_type), stable,
                        canary.stable_port, _ref, (), {})
    ctx.emit(canary, gw.route("HTTPRoute", canary.node.id, str(canary.namespace()),
                              parent_refs=[parent], rules=rules))
