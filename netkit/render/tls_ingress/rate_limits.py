"""Rate-limit policies for Gateway API implementations (rate limiting is not in the standard)."""

from __future__ import annotations

from typing import Any

from netkit.capabilities import require_rate_limits
from netkit.constructs.service import RateLimitedService
from netkit.errors import CapabilityError
from netkit.k8s.rate_limit import (
    ENVOY_GLOBAL_RULES,
    ENVOY_LOCAL_RULES,
    envoy_backend_traffic_policy,
    envoy_global_limit,
    envoy_local_limit,
    nginx_rate_limit_policy,
)
from netkit.render.context import RenderContext
from netkit.tree import Construct


def _envoy_rate_limit(svc: RateLimitedService, where: str) -> dict[str, Any]:
    """A Local limit (one bucket per proxy replica) unless per_client_ip=True asks for Global,
    the only per-client form Envoy Gateway documents (it needs the global rate limit service;
    lint rule NK122 says so)."""
    limit = svc.limit
    if limit.burst is not None and limit.burst != limit.rate:
        raise CapabilityError(where, f"Envoy Gateway cannot set burst={limit.burst} apart "
                              f"from the rate ({limit.rate}); its token bucket holds "
                              "exactly one period's requests",
                              hint=f"drop burst= on {svc.display_path}")
    if limit.per_client(natural=False):
        blocks = limit.limited_cidrs
        if len(blocks) > ENVOY_GLOBAL_RULES:
            raise CapabilityError(where, f"a per-client-IP limit around this allowlist needs "
                                  f"{len(blocks)} Envoy Gateway rules (at most "
                                  f"{ENVOY_GLOBAL_RULES})", hint=f"allowlist fewer, wider "
                                  f"CIDRs on {svc.display_path}, or drop per_client_ip=True")
        return envoy_global_limit(limit.rate, limit.unit, per_client_in=blocks)
    if len(limit.allowlist) >= ENVOY_LOCAL_RULES:
        raise CapabilityError(where, f"a Local limit holds at most {ENVOY_LOCAL_RULES - 1} "
                              f"allowlist CIDRs, got {len(limit.allowlist)}",
                              hint=f"merge the allowlist on {svc.display_path} into fewer, "
                                   "wider CIDRs")
    return envoy_local_limit(limit.rate, limit.unit, exempt=limit.allowlist)


def gateway_rate_limit(ctx: RenderContext, origin: Construct, svc: RateLimitedService,
                       route: str, namespace: str) -> dict[str, Any]:
    """The policy limiting HTTPRoute ``route`` for the target's gateway implementation."""
    limit, where = svc.limit, origin.display_path
    impl = require_rate_limits(ctx.target, svc.display_path, svc.ref)
    name = f"{route}-ratelimit"
    if impl == "envoy-gateway":
        return envoy_backend_traffic_policy(name, namespace, routes=[route],
                                            rate_limit=_envoy_rate_limit(svc, where),
                                            status_code=limit.status_code)
    # nginx-gateway-fabric
    if limit.allowlist:
        raise CapabilityError(where, "NGINX Gateway Fabric's RateLimitPolicy has no "
                              "allowlist", hint=f"drop allowlist= on {svc.display_path}")
    suffix = "r/s" if limit.unit == "Second" else "r/m"
    return nginx_rate_limit_policy(name, namespace, routes=[route],
                                   rate=f"{limit.rate}{suffix}", burst=limit.burst,
                                   per_client_ip=limit.per_client(natural=True),
                                   status_code=limit.status_code)
