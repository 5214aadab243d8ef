"""The platform edge (GatewayClass, a shared Gateway) back to its constructs, when the
objects are in the form those constructs render; otherwise they are kept as they are."""

from __future__ import annotations

from typing import Any

from netkit.capabilities import GATEWAY_CONTROLLERS
from netkit.importer.plan import GatewayClassPlan, GatewayPlan, ListenerPlan, as_id
from netkit.objects import KubeObject
from netkit.target import Target

PROTOCOLS = ("HTTP", "HTTPS", "TLS", "TCP", "UDP")


class NotAConstruct(Exception):
    """The object has fields the construct does not render."""


def _own_name(obj: KubeObject) -> str:
    """The construct id, which is also the rendered object's name."""
    if as_id(obj.name) != obj.name:
        raise NotAConstruct(f"its name {obj.name!r} is not a construct id (a DNS-1123 label)")
    return obj.name


def gateway_class(obj: KubeObject, target: Target) -> GatewayClassPlan:
    """The GatewayClass construct standing for ``obj``."""
    spec = obj.spec
    if set(spec) - {"controllerName", "description"} or not spec.get("controllerName"):
        raise NotAConstruct("parameters or other fields")
    controller = str(spec["controllerName"])
    return GatewayClassPlan(_own_name(obj),
                            None if GATEWAY_CONTROLLERS.get(target.gateway) == controller
                            else controller,
                            str(spec["description"]) if spec.get("description") else None)


def _namespaces(value: Any, default: str) -> tuple[str, dict[str, str]]:
    if value is None:
        return default, {}
    if not isinstance(value, dict) or set(value) != {"namespaces"}:
        raise NotAConstruct("route kinds or other fields")
    ns = value["namespaces"] or {}
    mode = str(ns.get("from", default))
    selector = ns.get("selector") or {}
    if set(ns) - {"from", "selector"} or set(selector) - {"matchLabels"} or (
            mode == "Selector") != bool(selector):
        raise NotAConstruct("a namespace selector with expressions")
    return mode, {str(k): str(v) for k, v in (selector.get("matchLabels") or {}).items()}


def _listener(x: Any) -> tuple[ListenerPlan, tuple[str, dict[str, str]]]:
    if not isinstance(x, dict) or set(x) - {"name", "port", "protocol", "hostname", "tls",
                                              "allowedRoutes"}:
        raise NotAConstruct("listener fields beyond name, port, protocol, hostname and TLS")
    if x.get("protocol") not in PROTOCOLS:
        raise NotAConstruct(f"protocol {x.get('protocol')}")
    secret = None
    tls = x.get("tls")
    if tls is not None:
        refs = tls.get("certificateRefs") or [] if isinstance(tls, dict) else []
        if set(tls) - {"mode", "certificateRefs"} or tls.get("mode", "Terminate") != \
                "Terminate" or len(refs) != 1 or refs[0].get("kind", "Secret") != "Secret":
            raise NotAConstruct("TLS other than one Secret, terminated")
        secret = str(refs[0]["name"])
    plan = ListenerPlan(str(x["name"]), int(x["port"]), str(x["protocol"]),
                        str(x["hostname"]) if x.get("hostname") else None, secret)
    return plan, _namespaces(x.get("allowedRoutes"), "Same")


def gateway(obj: KubeObject, target: Target) -> GatewayPlan:
    """The Gateway construct standing for ``obj``."""
    spec = obj.spec
    if set(spec) - {"gatewayClassName", "listeners", "allowedListeners"}:
        raise NotAConstruct("addresses, infrastructure or other fields")
    found = [_listener(x) for x in spec.get("listeners") or []]
    routes = {(mode, tuple(sorted(labels.items()))) for _, (mode, labels) in found}
    if not found or len(routes) != 1:
        raise NotAConstruct("listeners admitting routes from different namespaces")
    route_mode, route_labels = found[0][1]
    sets_mode, sets_labels = _namespaces(spec.get("allowedListeners"), "None")
    klass = str(spec.get("gatewayClassName"))
    return GatewayPlan(_own_name(obj), [p for p, _ in found],
                       None if klass == target.gateway_class else klass, route_mode,
                       route_labels, sets_mode, sets_labels)
