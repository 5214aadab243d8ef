"""Namespace: the name is a DNS-1123 label (checked with metadata), finalizers are qualified."""

from __future__ import annotations

from typing import Any

from netkit.validate.apiserver.common import Cluster
from netkit.validate.apiserver.meta import finalizer_errors
from netkit.validate.field import Errors


def check(obj: dict[str, Any], errs: Errors, cluster: Cluster) -> None:
    """Check spec.finalizers."""
    for i, fin in enumerate((obj.get("spec") or {}).get("finalizers") or []):
        if isinstance(fin, str):
            errs.extend(f"spec.finalizers[{i}]", fin, finalizer_errors(fin))
