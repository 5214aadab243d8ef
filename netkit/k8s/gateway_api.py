"""Builders for Gateway API (gateway.networking.k8s.io/v1) objects."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from netkit.k8s.meta import meta

GROUP = "gateway.networking.k8s.io"
API_VERSION = f"{GROUP}/v1"
# Route kinds: each attaches to parents by parentRefs and sends traffic to backendRefs.
ROUTE_KINDS = ("HTTPRoute", "GRPCRoute", "TLSRoute", "TCPRoute", "UDPRoute")


def parent_ref(name: str, *, kind: str = "Gateway", namespace: str | None = None,
               section_name: str | None = None) -> dict[str, Any]:
    """A ParentReference to a Gateway or ListenerSet."""
    out: dict[str, Any] = {"group": GROUP, "kind": kind, "name": name}
    if namespace is not None:
        out["namespace"] = namespace
    if section_name is not None:
        out["sectionName"] = section_name
    return out


def backend_ref(service: str, port: int, *, namespace: str | None = None,
                weight: int | None = None) -> dict[str, Any]:
    """A BackendRef to a Service port."""
    out: dict[str, Any] = {"group": "", "kind": "Service", "name": service, "port": port}
    if namespace is not None:
        out["namespace"] = namespace
    if weight is not None:
        out["weight"] = weight
    return out


def path_match(path: str, path_type: str) -> dict[str, Any]:
    """An HTTPRouteMatch on a path; ``Prefix`` becomes ``PathPrefix``."""
    kind = "PathPrefix" if path_type == "Prefix" else "Exact"
    return {"path": {"type": kind, "value": path}}


def http_route(name: str, namespace: str, *, parent_refs: Sequence[dict[str, Any]],
               hostnames: Sequence[str], rules: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """An HTTPRoute."""
    return route("HTTPRoute", name, namespace, parent_refs=parent_refs, hostnames=hostnames,
                 rules=rules)


def route(kind: str, name: str, namespace: str, *, parent_refs: Sequence[dict[str, Any]],
          hostnames: Sequence[str] = (), rules: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """A route of ``kind`` (HTTPRoute, GRPCRoute, TLSRoute, TCPRoute, UDPRoute; all v1);
    ``hostnames`` only where given."""
    spec: dict[str, Any] = {"parentRefs": list(parent_refs)}
    if hostnames:
        spec["hostnames"] = list(hostnames)
    spec["rules"] = list(rules)
    return {"apiVersion": API_VERSION, "kind": kind, "metadata": meta(name, namespace),
            "spec": spec}


def https_listener(name: str, hostname: str, secret: str, *, port: int = 443,
                   allowed_routes: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """An HTTPS listener terminating TLS with one Secret."""
    out: dict[str, Any] = {"name": name, "hostname": hostname, "port": port, "protocol": "HTTPS",
                           "tls": {"mode": "Terminate",
                                   "certificateRefs": [{"group": "", "kind": "Secret",
                                                        "name": secret}]}}
    if allowed_routes is not None:
        out["allowedRoutes"] = dict(allowed_routes)
    return out


def listener_set(name: str, namespace: str, *, parent: dict[str, Any],
                 listeners: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """A ListenerSet adding listeners to a shared Gateway."""
    return {"apiVersion": API_VERSION, "kind": "ListenerSet", "metadata": meta(name, namespace),
            "spec": {"parentRef": parent, "listeners": list(listeners)}}


def gateway(name: str, namespace: str, *, gateway_class: str,
            listeners: Sequence[dict[str, Any]],
            allowed_listeners: Mapping[str, Any] | None = None,
            client_validation: Mapping[int, tuple[str, str]] | None = None) -> dict[str, Any]:
    """A Gateway; ``client_validation`` maps a port to (CA ConfigMap, mode) for client
    certificates on its HTTPS listeners."""
    spec: dict[str, Any] = {"gatewayClassName": gateway_class, "listeners": list(listeners)}
    if allowed_listeners is not None:
        spec["allowedListeners"] = dict(allowed_listeners)
    if client_validation:
        spec["tls"] = {"frontend": _frontend(client_validation, {
            x["port"] for x in listeners if x["protocol"] == "HTTPS"})}
    return {"apiVersion": API_VERSION, "kind": "Gateway", "metadata": meta(name, namespace),
            "spec": spec}


def _frontend(validation: Mapping[int, tuple[str, str]], https_ports: set[int]
              ) -> dict[str, Any]:
    """spec.tls.frontend: one ``default`` when every HTTPS port validates alike, else an
    empty default (no validation) and the validating ports ``perPort``."""
    def tls(ca: str, mode: str) -> dict[str, Any]:
        return {"validation": {"caCertificateRefs": [{"group": "", "kind": "ConfigMap",
                                                      "name": ca}], "mode": mode}}
    alike = set(validation.values())
    if set(validation) == https_ports and len(alike) == 1:
        return {"default": tls(*alike.pop())}
    return {"default": {}, "perPort": [{"port": port, "tls": tls(ca, mode)}
                                       for port, (ca, mode) in sorted(validation.items())]}


def gateway_class(name: str, controller: str, description: str | None = None) -> dict[str, Any]:
    """A GatewayClass."""
    spec: dict[str, Any] = {"controllerName": controller}
    if description:
        spec["description"] = description
    return {"apiVersion": API_VERSION, "kind": "GatewayClass", "metadata": meta(name),
            "spec": spec}


def reference_grant(name: str, namespace: str, *, from_kind: str, from_namespace: str,
                    to_kind: str, to_names: Sequence[str], to_group: str = "") -> dict[str, Any]:
    """A ReferenceGrant letting ``from_kind`` in ``from_namespace`` refer to named objects here."""
    return {"apiVersion": API_VERSION, "kind": "ReferenceGrant",
            "metadata": meta(name, namespace),
            "spec": {"from": [{"group": GROUP, "kind": from_kind, "namespace": from_namespace}],
                     "to": [{"group": to_group, "kind": to_kind, "name": n}
                            for n in sorted(set(to_names))]}}


def namespaces_from(mode: str, labels: Mapping[str, str] | None = None) -> dict[str, Any]:
    """``{"namespaces": {"from": mode[, "selector": ...]}}`` for allowedRoutes/Listeners."""
    ns: dict[str, Any] = {"from": mode}
    if mode == "Selector":
        ns["selector"] = {"matchLabels": dict(labels or {})}
    return {"namespaces": ns}
