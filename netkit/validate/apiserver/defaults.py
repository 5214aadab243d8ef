"""The API server's defaulting for built-in kinds, applied to a copy before its validation runs.

Ported from kubernetes pkg/apis/core/v1/defaults.go (SetDefaults_Service),
pkg/apis/networking/v1/defaults.go (SetDefaults_IngressClass) and the Service registry's
create strategy (clusterIPs filled from clusterIP). Only defaults that change what the
validation reports are applied; list positions never move, so field paths stay the user's.
"""

from __future__ import annotations

from typing import Any

DEFAULT_AFFINITY_TIMEOUT = 10800  # v1.DefaultClientIPServiceAffinitySeconds
EXTERNAL_TYPES = ("LoadBalancer", "NodePort")


def externally_accessible(spec: dict[str, Any]) -> bool:
    """Whether a Service is reachable from outside the cluster (service.ExternallyAccessible)."""
    kind = spec.get("type")
    return kind in EXTERNAL_TYPES or (kind == "ClusterIP" and bool(spec.get("externalIPs")))


def service(obj: dict[str, Any]) -> dict[str, Any]:
    """``obj`` (a Service) with the defaults SetDefaults_Service and the create strategy set."""
    spec = obj.get("spec")
    if not isinstance(spec, dict):
        return obj
    spec = dict(spec)
    affinity = spec["sessionAffinity"] = spec.get("sessionAffinity") or "None"
    if affinity == "None":
        spec.pop("sessionAffinityConfig", None)
    elif affinity == "ClientIP":
        config = spec.get("sessionAffinityConfig")
        client = config.get("clientIP") if isinstance(config, dict) else None
        if not isinstance(client, dict) or client.get("timeoutSeconds") is None:
            spec["sessionAffinityConfig"] = {
                "clientIP": {"timeoutSeconds": DEFAULT_AFFINITY_TIMEOUT}}
    spec["type"] = spec.get("type") or "ClusterIP"
    ports = spec.get("ports")
    if isinstance(ports, list):
        spec["ports"] = [_port(p) if isinstance(p, dict) else p for p in ports]
    if externally_accessible(spec) and not spec.get("externalTrafficPolicy"):
        spec["externalTrafficPolicy"] = "Cluster"
    if spec.get("internalTrafficPolicy") is None and spec["type"] in (
            "ClusterIP", *EXTERNAL_TYPES):
        spec["internalTrafficPolicy"] = "Cluster"
    if spec["type"] == "LoadBalancer" and spec.get("allocateLoadBalancerNodePorts") is None:
        spec["allocateLoadBalancerNodePorts"] = True
    if spec.get("clusterIP") and not spec.get("clusterIPs"):
        spec["clusterIPs"] = [spec["clusterIP"]]
    return {**obj, "spec": spec}


def _port(port: dict[str, Any]) -> dict[str, Any]:
    out = dict(port)
    out["protocol"] = out.get("protocol") or "TCP"
    if out.get("targetPort") in (None, 0, ""):
        # Defaulted to `port`: it is valid exactly when `port` is, and `port`'s own error is
        # the one to report (the API server repeats it at a targetPort nobody wrote).
        out.pop("targetPort", None)
    return out


def ingress_class(obj: dict[str, Any]) -> dict[str, Any]:
    """``obj`` (an IngressClass) with ``spec.parameters.scope`` defaulted to Cluster."""
    spec = obj.get("spec")
    params = spec.get("parameters") if isinstance(spec, dict) else None
    if not isinstance(spec, dict) or not isinstance(params, dict) or "scope" in params:
        return obj
    return {**obj, "spec": {**spec, "parameters": {**params, "scope": "Cluster"}}}
