"""Builders for implementation rate-limit policies: Envoy Gateway and NGINX Gateway Fabric."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from netkit.k8s.gateway_api import GROUP
from netkit.k8s.meta import meta


def _route_refs(routes: Sequence[str]) -> list[dict[str, Any]]:
    return [{"group": GROUP, "kind": "HTTPRoute", "name": r} for r in routes]


def envoy_backend_traffic_policy(name: str, namespace: str, *, routes: Sequence[str],
                                 requests: int, unit: str, per_client_ip: bool,
                                 allowlist: Sequence[str], status_code: int | None
                                 ) -> dict[str, Any]:
    """A BackendTrafficPolicy limiting ``routes``: Global when keyed per client IP, else Local.

    Envoy's local rate limit cannot key per client, so a per-client-IP limit needs Envoy
    Gateway's global rate limit service.
    """
    exempt = [{"sourceCIDR": {"type": "Exact", "value": c, "invert": True}} for c in allowlist]
    limit = {"requests": requests, "unit": unit}
    if per_client_ip:
        rules = [{"clientSelectors": [{"sourceCIDR": {"type": "Distinct", "value": everyone}},
                                      *exempt], "limit": limit}
                 for everyone in ("0.0.0.0/0", "::/0")]
        rate_limit: dict[str, Any] = {"type": "Global", "global": {"rules": rules}}
    else:
        rule: dict[str, Any] = {"limit": limit}
        if exempt:
            rule["clientSelectors"] = exempt
        rate_limit = {"type": "Local", "local": {"rules": [rule]}}
    spec: dict[str, Any] = {"targetRefs": _route_refs(routes), "rateLimit": rate_limit}
    if status_code is not None and status_code != 429:
        spec["responseOverride"] = [{"source": "Local",
                                     "match": {"statusCodes": [{"type": "Value", "value": 429}]},
                                     "response": {"statusCode": status_code}}]
    return {"apiVersion": "gateway.envoyproxy.io/v1alpha1", "kind": "BackendTrafficPolicy",
            "metadata": meta(name, namespace), "spec": spec}


def nginx_rate_limit_policy(name: str, namespace: str, *, routes: Sequence[str], rate: str,
                            burst: int | None, per_client_ip: bool,
                            status_code: int | None) -> dict[str, Any]:
    """An NGINX Gateway Fabric RateLimitPolicy (``limit_req``) for ``routes``."""
    rule: dict[str, Any] = {"zoneSize": "10m",
                            "key": "$binary_remote_addr" if per_client_ip else "$server_name",
                            "rate": rate}
    if burst is not None:
        rule["burst"] = burst
    rate_limit: dict[str, Any] = {"local": {"rules": [rule]}}
    if status_code is not None:
        rate_limit["rejectCode"] = status_code
    return {"apiVersion": "gateway.nginx.org/v1alpha1", "kind": "RateLimitPolicy",
            "metadata": meta(name, namespace),
            "spec": {"targetRefs": _route_refs(routes), "rateLimit": rate_limit}}
