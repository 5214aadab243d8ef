"""Checks on a blueprint's constructs: intent that renders but would not do what it says
(NK123-NK125)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from netkit.constructs.namespace import Namespace
from netkit.constructs.service import RateLimitedService
from netkit.constructs.tls_ingress import TlsIngress
from netkit.findings import Finding
from netkit.tree import Blueprint, Construct


@dataclass
class Facts:
    """What the checks need to know about the whole blueprint, computed once."""

    blueprint: Blueprint
    _routed: set[int] | None = field(default=None, repr=False)

    @property
    def routed(self) -> set[int]:
        """ids of the Services some TlsIngress routes to."""
        if self._routed is None:
            self._routed = {id(s) for c in self.blueprint.node.walk()
                            if isinstance(c, TlsIngress) for s, _ in c.backends()}
        return self._routed


def overlapping_selectors(ns: Namespace, facts: Facts) -> Iterator[Finding]:
    """NK125: one workload's labels select another's pods, so its policies and Services
    silently apply to them too (the classic stable/canary mix-up)."""
    workloads = ns.workloads()
    having: dict[tuple[str, str], list[int]] = {}  # label → the workloads that carry it
    for i, w in enumerate(workloads):
        for label in w.labels.items():
            having.setdefault(label, []).append(i)
    for a in workloads:
        # Only workloads that carry a's rarest label can carry all of a's labels (a's labels
        # are never empty when declared, but the attribute can be set again).
        carriers = min((having[label] for label in a.labels.items()), key=len,
                       default=range(len(workloads)))
        for b in (workloads[j] for j in carriers):
            if a is not b and a.labels.items() <= b.labels.items():
                shown = ", ".join(f"{k}={v}" for k, v in sorted(a.labels.items()))
                yield Finding("NK125", f"selector {shown} of {a.ref} also selects the pods of "
                              f"{b.ref}; policies and Services for {a.name} apply to them too",
                              hint=f"give {a.name} a label {b.name} lacks, e.g. track=stable",
                              origin=a.display_path, site=a.site)


def wildcard_certificate(ing: TlsIngress, facts: Facts) -> Iterator[Finding]:
    """NK124: a wildcard host's certificate cannot be issued through HTTP-01."""
    wildcards = [h for h in ing.hosts if h.startswith("*.")]
    if wildcards and ing.issuer is not None:
        yield Finding("NK124", f"wildcard host {wildcards[0]} can only be issued through an "
                      "ACME DNS-01 solver; HTTP-01 cannot validate wildcards",
                      hint=f"give {ing.issuer} a DNS-01 solver, or list the hosts one by one",
                      object=f"Certificate/{ing.namespace()}/{ing.node.id}",
                      origin=ing.display_path, site=ing.site)


def unrouted_rate_limit(svc: RateLimitedService, facts: Facts) -> Iterator[Finding]:
    """NK123: no entry point routes to a rate-limited Service, so its limit applies nowhere."""
    if id(svc) not in facts.routed:
        yield Finding("NK123", f"no TlsIngress routes to {svc.ref}, so its rate limit is "
                      "enforced nowhere", hint="route it with site.route(path, service)",
                      object=f"Service/{svc.ref}", origin=svc.display_path, site=svc.site)


# Construct type → its check; subclasses are checked as their base (ZeroTrustNamespace as
# Namespace).
CHECKS: dict[type[Construct], Callable[..., Iterator[Finding]]] = {
    Namespace: overlapping_selectors,
    TlsIngress: wildcard_certificate,
    RateLimitedService: unrouted_rate_limit,
}


def check_blueprint(blueprint: Blueprint) -> list[Finding]:
    """Findings about ``blueprint``'s constructs, in tree order."""
    facts = Facts(blueprint)
    out: list[Finding] = []
    for construct in blueprint.node.walk():
        for cls, check in CHECKS.items():
            if isinstance(construct, cls):
                out.extend(check(construct, facts))
    return out
