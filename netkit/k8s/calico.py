"""Builders for Calico's staged policies (crd.projectcalico.org/v1): evaluated and logged,
never enforced."""

from __future__ import annotations

from typing import Any

GROUP = "crd.projectcalico.org"
API_VERSION = f"{GROUP}/v1"
STAGED_KUBERNETES_KIND = "StagedKubernetesNetworkPolicy"


def is_staged(obj: dict[str, Any]) -> bool:
    """Whether ``obj`` is one of Calico's staged policy kinds."""
    return (str(obj.get("apiVersion", "")).startswith(f"{GROUP}/")
            and str(obj.get("kind", "")).startswith("Staged"))


def staged_kubernetes_policy(policy: dict[str, Any]) -> dict[str, Any]:
    """The StagedKubernetesNetworkPolicy that stages the NetworkPolicy ``policy``."""
    return {"apiVersion": API_VERSION, "kind": STAGED_KUBERNETES_KIND,
            "metadata": dict(policy["metadata"]),
            "spec": {"stagedAction": "Set", **policy["spec"]}}
