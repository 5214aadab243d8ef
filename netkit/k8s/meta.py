"""ObjectMeta and the labels and annotations netkit puts on what it owns."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

MANAGED_BY = "app.kubernetes.io/managed-by"
BLUEPRINT_LABEL = "netkit.dev/blueprint"
CONSTRUCT_ANNOTATION = "netkit.dev/construct"
NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name"
# Where cluster DNS runs by default (CoreDNS keeps kube-dns's labels).
CLUSTER_DNS_NAMESPACE = "kube-system"
CLUSTER_DNS_POD_LABELS: tuple[tuple[str, str], ...] = (("k8s-app", "kube-dns"),)


def string_map(values: Mapping[str, object] | None) -> dict[str, str]:
    """Labels or annotations with every value as a string (booleans as true/false)."""
    out: dict[str, str] = {}
    for key, value in (values or {}).items():
        out[str(key)] = str(value).lower() if isinstance(value, bool) else str(value)
    return out


def meta(name: str, namespace: str | None = None, *, labels: Mapping[str, object] | None = None,
         annotations: Mapping[str, object] | None = None) -> dict[str, Any]:
    """An ObjectMeta dict; empty labels and annotations are left out."""
    out: dict[str, Any] = {"name": name}
    if namespace is not None:
        out["namespace"] = namespace
    if labels:
        out["labels"] = string_map(labels)
    if annotations:
        out["annotations"] = string_map(annotations)
    return out


def stamp(obj: dict[str, Any], *, blueprint: str, construct: str) -> dict[str, Any]:
    """A copy of ``obj`` marked as netkit's: managed-by and blueprint labels, construct
    annotation (``obj`` itself is left as it is)."""
    md = dict(obj.get("metadata") or {})
    md["labels"] = {**string_map(md.get("labels")), MANAGED_BY: "netkit",
                    BLUEPRINT_LABEL: blueprint}
    md["annotations"] = {**string_map(md.get("annotations")), CONSTRUCT_ANNOTATION: construct}
    return {**obj, "metadata": md}
