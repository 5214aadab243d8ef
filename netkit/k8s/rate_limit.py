"""Builders for implementation rate-limit policies: Envoy Gateway and NGINX Gateway Fabric."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from netkit.k8s.gateway_api import GROUP
from netkit.k8s.meta import meta

# BackendTrafficPolicy limits (its CRD's maxItems) and Envoy's largest token bucket, which
# Envoy Gateway itself uses for a route without a default limit.
ENVOY_LOCAL_RULES = 16
ENVOY_GLOBAL_RULES = 256
ENVOY_UNLIMITED = 4294967295


def _route_refs(routes: Sequence[str]) -> list[dict[str, Any]]:
    return [{"group": GROUP, "kind": "HTTPRoute", "name": r} for r in routes]


def envoy_local_limit(requests: int, unit: str, *, exempt: Sequence[str]) -> dict[str, Any]:
    """A Local ``rateLimit``: one bucket per proxy replica, shared by every client outside
    ``exempt``.

    The rule without clientSelectors is the route's default bucket; a request matching an
    exempt CIDR's rule counts against that rule's bucket instead, which never runs out.
    """
    rules: list[dict[str, Any]] = [{"limit": {"requests": requests, "unit": unit}}]
    rules += [{"clientSelectors": [{"sourceCIDR": {"type": "Exact", "value": block}}],
               "limit": {"requests": ENVOY_UNLIMITED, "unit": unit}} for block in exempt]
    return {"type": "Local", "local": {"rules": rules}}


def envoy_global_limit(requests: int, unit: str, *, per_client_in: Sequence[str]
                       ) -> dict[str, Any]:
    """A Global ``rateLimit`` giving each client IP in ``per_client_in`` its own bucket.

    One rule per CIDR: a rule matches a single source CIDR (a second sourceCIDR selector
    replaces the first), so an allowlist is left out by limiting the CIDRs around it.
    """
    rules = [{"clientSelectors": [{"sourceCIDR": {"type": "Distinct", "value": block}}],
              "limit": {"requests": requests, "unit": unit}} for block in per_client_in]
    return {"type": "Global", "global": {"rules": rules}}


def envoy_backend_traffic_policy(name: str, namespace: str, *, routes: Sequence[str],
                                 rate_limit: dict[str, Any], status_code: int | None
                                 ) -> dict[str, Any]:
    """A BackendTrafficPolicy applying ``rate_limit`` to ``routes``."""
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
