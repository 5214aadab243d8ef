"""kube-apiserver validation the OpenAPI schema cannot express, per kind.

Ported from kubernetes pkg/apis/core/validation and pkg/apis/networking/validation; field
paths and wording follow the apiserver's.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from netkit.validate.apiserver import ingress, meta, namespace, network_policy, service
from netkit.validate.field import Errors, FieldError

Check = Callable[[dict[str, Any], Errors, tuple[int, int]], None]

CHECKS: dict[tuple[str, str], Check] = {
    ("v1", "Service"): service.check,
    ("v1", "Namespace"): namespace.check,
    ("networking.k8s.io/v1", "NetworkPolicy"): network_policy.check,
    ("networking.k8s.io/v1", "Ingress"): ingress.check,
    ("networking.k8s.io/v1", "IngressClass"): ingress.check_class,
}


def check(obj: dict[str, Any], version: tuple[int, int]) -> list[FieldError]:
    """Field errors for ``obj`` under Kubernetes ``version`` (major, minor)."""
    errs = Errors()
    meta.check(obj, errs)
    kind_check = CHECKS.get((str(obj.get("apiVersion")), str(obj.get("kind"))))
    if kind_check is not None:
        kind_check(obj, errs, version)
    return errs.items
