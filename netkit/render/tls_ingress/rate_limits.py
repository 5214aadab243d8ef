"""Rate-limit policies for Gateway API implementations (rate limiting is not in the standard)."""

from __future__ import annotations

from typing import Any

from netkit.constructs.service import RateLimitedService
from netkit.errors import CapabilityError
from netkit.k8s.rate_limit import envoy_backend_traffic_policy, nginx_rate_limit_policy
from netkit.render.context import RenderContext
from netkit.tree import Construct


def gateway_rate_limit(ctx: RenderContext, origin: Construct, svc: RateLimitedService,
                       route: str, namespace: str) -> dict[str, Any]:
    """The policy limiting HTTPRoute ``route`` for the target's gateway implementation."""
    limit, impl, where = svc.limit, ctx.target.gateway, origin.display_path
    name = f"{route}-ratelimit"
    if impl == "envoy-gateway":
        if limit.burst is not None and limit.burst != limit.rate:
            raise CapabilityError(where, f"Envoy Gateway cannot set burst={limit.burst} apart "
                                  f"from the rate ({limit.rate}); its token bucket holds "
                                  "exactly one period's requests",
                                  hint=f"drop burst= on {svc.display_path}")
        return envoy_backend_traffic_policy(
            name, namespace, routes=[route], requests=limit.rate, unit=limit.unit,
            per_client_ip=limit.per_client_ip, allowlist=limit.allowlist,
            status_code=limit.status_code)
    if impl == "nginx-gateway-fabric":
        if limit.allowlist:
            raise CapabilityError(where, "NGINX Gateway Fabric's RateLimitPolicy has no "
                                  "allowlist", hint=f"drop allowlist= on {svc.display_path}")
        suffix = "r/s" if limit.unit == "Second" else "r/m"
        return nginx_rate_limit_policy(name, namespace, routes=[route],
                                       rate=f"{limit.rate}{suffix}", burst=limit.burst,
                                       per_client_ip=limit.per_client_ip,
                                       status_code=limit.status_code)
    raise CapabilityError(where, f"{svc.ref} is rate limited, but target gateway={impl!r} has "
                          "no rate-limit policy (the Gateway API standard has none)",
                          hint="use gateway=envoy-gateway or nginx-gateway-fabric, or a plain "
                               "Service")

