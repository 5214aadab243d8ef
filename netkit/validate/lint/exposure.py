"""Exposure checks: open LoadBalancers and rate limits counted per replica (NK115, NK121-2)."""

from __future__ import annotations

from netkit.objects import as_dict
from netkit.validate.field import METADATA, SPEC
from netkit.validate.lint.entry_points import NGINX
from netkit.validate.lint.index import Index, Report

PER_REPLICA = "the limit is counted per proxy replica; N replicas admit N times the rate"
PER_REPLICA_HINT = "divide the rate by the replica count if it must hold cluster-wide"


def check(index: Index, report: Report) -> None:
    """Run the exposure checks."""
    for svc in index.services.values():
        if svc.spec.get("type") == "LoadBalancer" and not svc.spec.get(
                "loadBalancerSourceRanges"):
            report.add("NK115", svc, "LoadBalancer accepts connections from any address",
                       field=SPEC.child("loadBalancerSourceRanges"),
                       hint="set loadBalancerSourceRanges to the clients' CIDRs")
    for item in index.of("BackendTrafficPolicy"):
        kind = as_dict(item.spec.get("rateLimit")).get("type")
        if kind == "Local":
            report.add("NK121", item, PER_REPLICA, field=SPEC.child("rateLimit"),
                       hint=PER_REPLICA_HINT)
        elif kind == "Global":
            report.add("NK122", item, "a global rate limit needs Envoy Gateway's rate limit "
                       "service", field=SPEC.child("rateLimit"),
                       hint="enable it (Redis backend) in the Envoy Gateway configuration")
    for item in index.of("RateLimitPolicy"):
        report.add("NK121", item, PER_REPLICA, field=SPEC.child("rateLimit"), hint=PER_REPLICA_HINT)
    for item in index.of("Ingress"):
        if any(f"{NGINX}{k}" in item.annotations for k in ("limit-rps", "limit-rpm")):
            report.add("NK121", item, PER_REPLICA, field=METADATA.child("annotations"),
                       hint=PER_REPLICA_HINT)
