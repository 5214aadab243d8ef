"""Builders for Istio security policies (security.istio.io/v1)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from netkit.k8s.meta import meta

API_VERSION = "security.istio.io/v1"


def principal(trust_domain: str, namespace: str, service_account: str) -> str:
    """The SPIFFE-style principal of a service account, as AuthorizationPolicy matches it."""
    return f"{trust_domain}/ns/{namespace}/sa/{service_account}"


def authorization_policy(name: str, namespace: str, *, pods: Mapping[str, str] | None,
                         rules: Sequence[dict[str, Any]] | None) -> dict[str, Any]:
    """An ALLOW AuthorizationPolicy for ``pods`` (None: the whole namespace); no rules at all
    allows nothing, which denies every request to the pods it selects."""
    spec: dict[str, Any] = {}
    if pods is not None:
        spec["selector"] = {"matchLabels": dict(pods)}
    if rules is not None:
        spec["action"] = "ALLOW"
        spec["rules"] = list(rules)
    return {"apiVersion": API_VERSION, "kind": "AuthorizationPolicy",
            "metadata": meta(name, namespace), "spec": spec}


def peer_authentication(name: str, namespace: str, *, mode: str,
                        pods: Mapping[str, str] | None = None,
                        port_modes: Mapping[int, str] | None = None) -> dict[str, Any]:
    """A PeerAuthentication setting the mTLS ``mode`` (per port where ``port_modes`` say)."""
    spec: dict[str, Any] = {"mtls": {"mode": mode}}
    if pods is not None:
        spec["selector"] = {"matchLabels": dict(pods)}
    if port_modes:
        spec["portLevelMtls"] = {str(p): {"mode": m} for p, m in sorted(port_modes.items())}
    return {"apiVersion": API_VERSION, "kind": "PeerAuthentication",
            "metadata": meta(name, namespace), "spec": spec}
