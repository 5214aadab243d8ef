"""Builders for core/v1 objects: Namespace and Service."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from netkit.k8s.meta import NAMESPACE_NAME_LABEL, meta

DEFAULT_NODE_PORTS = (30000, 32767)  # kube-apiserver --service-node-port-range


def namespace(name: str, *, labels: Mapping[str, object] | None = None,
              annotations: Mapping[str, object] | None = None) -> dict[str, Any]:
    """A Namespace carrying its ``kubernetes.io/metadata.name`` label."""
    return {"apiVersion": "v1", "kind": "Namespace",
            "metadata": meta(name, labels={**(labels or {}), NAMESPACE_NAME_LABEL: name},
                             annotations=annotations)}


def service_port(port: int, *, name: str | None = None, target_port: int | str | None = None,
                 protocol: str = "TCP", node_port: int | None = None,
                 app_protocol: str | None = None) -> dict[str, Any]:
    """One entry of Service.spec.ports."""
    out: dict[str, Any] = {}
    if name:
        out["name"] = name
    out["port"] = port
    out["protocol"] = protocol
    if target_port is not None:
        out["targetPort"] = target_port
    if node_port is not None:
        out["nodePort"] = node_port
    if app_protocol:
        out["appProtocol"] = app_protocol
    return out


def service(name: str, namespace: str, *, selector: Mapping[str, str] | None,
            ports: Sequence[dict[str, Any]], type: str = "ClusterIP",
            cluster_ip: str | None = None, labels: Mapping[str, object] | None = None,
            annotations: Mapping[str, object] | None = None,
            extra_spec: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """A Service; ``cluster_ip="None"`` makes it headless."""
    spec: dict[str, Any] = {"type": type}
    if cluster_ip is not None:
        spec["clusterIP"] = cluster_ip
    if selector is not None:
        spec["selector"] = dict(selector)
    spec["ports"] = list(ports)
    spec.update(extra_spec or {})
    return {"apiVersion": "v1", "kind": "Service",
            "metadata": meta(name, namespace, labels=labels, annotations=annotations),
            "spec": spec}
