"""An HttpPolicy as HTTPRoute rule fields (timeouts, retry) and filters (CORS)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from netkit.constructs.http_policy import HttpPolicy


def rule_fields(policy: HttpPolicy, require: Callable[[str], None]
                ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """(rule fields, filters) for ``policy``, after ``require`` accepts each feature it uses."""
    for feature in policy.features():
        require(feature)
    fields: dict[str, Any] = {}
    timeouts = {k: v for k, v in (("request", policy.timeout),
                                  ("backendRequest", policy.backend_timeout)) if v is not None}
    if timeouts:
        fields["timeouts"] = timeouts
    if policy.retry is not None:
        retry: dict[str, Any] = {"attempts": policy.retry.attempts,
                                 "codes": list(policy.retry.codes)}
        if policy.retry.backoff is not None:
            retry["backoff"] = policy.retry.backoff
        fields["retry"] = retry
    filters: list[dict[str, Any]] = []
    if policy.cors is not None:
        c = policy.cors
        cors: dict[str, Any] = {"allowOrigins": list(c.allow_origins)}
        for key, values in (("allowMethods", c.allow_methods), ("allowHeaders", c.allow_headers),
                            ("exposeHeaders", c.expose_headers)):
            if values:
                cors[key] = list(values)
        if c.max_age is not None:
            cors["maxAge"] = c.max_age
        if c.allow_credentials:
            cors["allowCredentials"] = True
        filters.append({"type": "CORS", "cors": cors})
    return fields, filters
