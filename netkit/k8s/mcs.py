"""Builders for the Multi-Cluster Services API (multicluster.x-k8s.io)."""

from __future__ import annotations

from typing import Any

from netkit.k8s.meta import meta

# The version every MCS implementation serves (v1beta1 is newer and not yet everywhere).
API_VERSION = "multicluster.x-k8s.io/v1alpha1"


def service_export(name: str, namespace: str) -> dict[str, Any]:
    """A ServiceExport: the Service of the same name joins the cluster set."""
    return {"apiVersion": API_VERSION, "kind": "ServiceExport",
            "metadata": meta(name, namespace)}
