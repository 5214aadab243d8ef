"""Exposure checks: open LoadBalancers and rate limits counted per replica (NK115, NK121-2)."""

from __future__ import annotations

from typing import Any

from netkit.objects import as_dict
from netkit.validate.field import METADATA, SPEC
from netkit.validate.lint.entry_points import NGINX
from netkit.validate.lint.index import Index, Report

PER_REPLICA = "the limit is counted per proxy replica; N replicas admit N times the rate"
PER_REPLICA_HINT = "divide the rate by the replica count if it must hold cluster-wide"
NEEDS_RATE_LIMIT_SERVICE = (
    "a Global rate limit is enforced only by Envoy Gateway's global rate limit service, off by "
    "default (without it the policy is rejected and nothing is limited): install Redis and set "
    "rateLimit.backend.type: Redis and rateLimit.backend.redis.url in the EnvoyGateway "
    "configuration (ConfigMap envoy-gateway-system/envoy-gateway-config)")
LOCAL_INSTEAD = ("drop per_client_ip=True (in plain YAML: use rateLimit.local) for a Local "
                 "limit, counted per proxy replica, that needs no extra service")


def _envoy_scopes(rate_limit: dict[str, Any]) -> list[str]:
    """Local and/or Global: the deprecated ``type``, else the ``local``/``global`` fields."""
    if kind := rate_limit.get("type"):
        return [str(kind)]
    return [k.title() for k in ("local", "global") if k in rate_limit]


def check(index: Index, report: Report) -> None:
    """Run the exposure checks."""
    for svc in index.services.values():
        if svc.spec.get("type") == "LoadBalancer" and not svc.spec.get(
                "loadBalancerSourceRanges"):
            report.add("NK115", svc, "LoadBalancer accepts connections from any address",
                       field=SPEC.child("loadBalancerSourceRanges"),
                       hint="set loadBalancerSourceRanges to the clients' CIDRs")
    for item in index.of("BackendTrafficPolicy"):
        scopes = _envoy_scopes(as_dict(item.spec.get("rateLimit")))
        if "Local" in scopes:
            report.add("NK121", item, PER_REPLICA, field=SPEC.child("rateLimit"),
                       hint=PER_REPLICA_HINT)
        if "Global" in scopes:
            report.add("NK122", item, NEEDS_RATE_LIMIT_SERVICE, field=SPEC.child("rateLimit"),
                       hint=LOCAL_INSTEAD)
    for item in index.of("RateLimitPolicy"):
        report.add("NK121", item, PER_REPLICA, field=SPEC.child("rateLimit"), hint=PER_REPLICA_HINT)
    for item in index.of("Ingress"):
        if any(f"{NGINX}{k}" in item.annotations for k in ("limit-rps", "limit-rpm")):
            report.add("NK121", item, PER_REPLICA, field=METADATA.child("annotations"),
                       hint=PER_REPLICA_HINT)
