"""HTTPRoute rules for one path with its CanaryRoute, if any: a weighted split, a mirror, or a
header- or cookie-matched rule ahead of the stable one."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from fractions import Fraction
from typing import Any

from netkit.constructs.canary import CanaryRoute
from netkit.constructs.service import Service, ServicePort

BackendRef = Callable[[Service, ServicePort, "int | None"], dict[str, Any]]


def mirror_share(percent: float) -> dict[str, Any]:
    """``percent`` as RequestMirror wants it: ``percent`` when whole, else ``fraction``."""
    if float(percent).is_integer():
        return {"percent": int(percent)}
    share = Fraction(str(percent)) / 100
    return {"fraction": {"numerator": share.numerator, "denominator": share.denominator}}


def split_rules(canary: CanaryRoute | None, match: dict[str, Any], stable: Service,
                stable_port: ServicePort, ref: BackendRef, filters: Sequence[dict[str, Any]],
                extra: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Rules sending ``match`` to ``stable`` (through ``filters``, with ``extra`` fields such as
    timeouts), split as ``canary`` says; ``ref`` makes a backendRef with an optional weight."""
    filters = list(filters)
    main: dict[str, Any] = {"matches": [match]}
    refs = [ref(stable, stable_port, None)]
    rules: list[dict[str, Any]] = []
    if canary is not None:
        if canary.weight is not None:
            refs = [ref(stable, stable_port, 100 - canary.weight),
                    ref(canary.canary, canary.canary_port, canary.weight)]
        elif canary.mirror_percent is not None:
            filters.append({"type": "RequestMirror", "requestMirror": {
                "backendRef": ref(canary.canary, canary.canary_port, None),
                **mirror_share(canary.mirror_percent)}})
        else:
            header = ({"type": "Exact", "name": canary.header, "value": canary.header_value}
                      if canary.header else
                      {"type": "RegularExpression", "name": "Cookie",
                       "value": f"(^|;\\s*){canary.cookie}=always(;|$)"})
            rule: dict[str, Any] = {"matches": [{**match, "headers": [header]}]}
            if filters:
                rule["filters"] = filters
            rule["backendRefs"] = [ref(canary.canary, canary.canary_port, None)]
            rules.append({**rule, **extra})
    if filters:
        main["filters"] = filters
    main["backendRefs"] = refs
    return [*rules, {**main, **extra}]
