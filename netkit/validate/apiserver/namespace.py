"""Namespace: the name is a DNS-1123 label (checked with metadata), finalizers are qualified."""

from __future__ import annotations

from typing import Any

from netkit.k8s.names import qualified_name_errors
from netkit.validate.apiserver.common import Cluster
from netkit.validate.field import Errors


def check(obj: dict[str, Any], errs: Errors, cluster: Cluster) -> None:
    """Check spec.finalizers."""
    finalizers = (obj.get("spec") or {}).get("finalizers") or []
    path = "spec.finalizers"
    for i, fin in enumerate(finalizers):
        if not isinstance(fin, str):
            continue
        if "/" not in fin and fin != "kubernetes":
            errs.invalid(f"{path}[{i}]", fin, "name is neither a standard finalizer name nor "
                                             "is it fully qualified")
        else:
            errs.extend(f"{path}[{i}]", fin, qualified_name_errors(fin))
