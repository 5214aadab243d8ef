"""What of a rate limit the target's limiter can enforce: the rest is dropped and said."""

from __future__ import annotations

from dataclasses import replace

from netkit.capabilities import RATE_LIMITERS
from netkit.importer.plan import RatePlan
from netkit.k8s.rate_limit import ENVOY_LOCAL_RULES
from netkit.target import Target

Dropped = list[tuple[str, str]]  # (what, why)


def limiter(target: Target) -> str:
    """The target's rate limiter (as ``capabilities.require_rate_limits`` picks it)."""
    return "ingress-nginx" if target.ingress == "ingress-nginx" else target.gateway


def fit(limit: RatePlan, target: Target) -> tuple[RatePlan | None, Dropped]:
    """``limit`` reduced to what the target enforces (None: it limits nothing), and what
    was dropped, with why."""
    kind = limiter(target)
    if kind not in RATE_LIMITERS:
        return None, [("rate limit", f"target gateway={target.gateway!r} has no rate-limit "
                                     "policy; pass --target gateway=envoy-gateway or "
                                     "nginx-gateway-fabric to keep it")]
    rate = limit.rps if limit.rps is not None else limit.rpm or 1
    dropped: Dropped = []
    if kind == "envoy-gateway":
        if limit.burst is not None and limit.burst != rate:
            dropped.append((f"burst {limit.burst}", "Envoy Gateway's bucket holds exactly "
                                                     "one period's requests"))
            limit = replace(limit, burst=None)
        if limit.per_client_ip is not True and len(limit.allowlist) >= ENVOY_LOCAL_RULES:
            dropped.append(("allowlist", f"an Envoy Gateway Local limit exempts at most "
                                         f"{ENVOY_LOCAL_RULES - 1} CIDRs"))
            limit = replace(limit, allowlist=())
    elif kind == "nginx-gateway-fabric":
        if limit.allowlist:
            dropped.append(("allowlist", "NGINX Gateway Fabric's RateLimitPolicy has no "
                                         "allowlist"))
            limit = replace(limit, allowlist=())
    else:  # ingress-nginx
        if limit.status_code is not None:
            dropped.append((f"status code {limit.status_code}", "ingress-nginx sets it "
                                                                "controller-wide"))
            limit = replace(limit, status_code=None)
        if limit.per_client_ip is False:
            dropped.append(("one bucket for every client", "ingress-nginx limits per "
                                                           "client IP"))
            limit = replace(limit, per_client_ip=None)
        if limit.burst is not None and limit.burst % rate:
            dropped.append((f"burst {limit.burst}", "ingress-nginx's burst is a multiple of "
                                                    "the rate"))
            limit = replace(limit, burst=None)
    return limit, dropped
