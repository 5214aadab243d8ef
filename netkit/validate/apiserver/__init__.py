"""kube-apiserver validation the OpenAPI schema cannot express, per kind.

Ported from kubernetes pkg/apis/core/validation and pkg/apis/networking/validation (with the
defaulting the API server applies first); field paths and wording follow the apiserver's.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from netkit.k8s.core import DEFAULT_NODE_PORTS
from netkit.validate.apiserver import ingress, meta, namespace, network_policy, service
from netkit.validate.apiserver.common import Cluster
from netkit.validate.apiserver.warnings import WARNINGS
from netkit.validate.field import Errors, FieldError

__all__ = ["DEFAULT_NODE_PORTS", "Cluster", "Verdict", "rules"]

Check = Callable[[dict[str, Any], Errors, Cluster], None]
# What the API server answers: the errors that reject the object, else its warnings.
Verdict = tuple[list[FieldError], list[FieldError]]
Rules = Callable[[dict[str, Any], Cluster], Verdict]

CHECKS: dict[tuple[str, str], Check] = {
    ("v1", "Service"): service.check,
    ("v1", "Namespace"): namespace.check,
    ("networking.k8s.io/v1", "NetworkPolicy"): network_policy.check,
    ("networking.k8s.io/v1", "Ingress"): ingress.check,
    ("networking.k8s.io/v1", "IngressClass"): ingress.check_class,
}


@cache
def rules(api_version: str, kind: str) -> Rules:
    """Every apiserver rule for objects of ``api_version``/``kind``, as one function."""
    meta_check = meta.checker(api_version, kind)
    kind_check = CHECKS.get((api_version, kind))
    warn = WARNINGS.get((api_version, kind))

    def run(obj: dict[str, Any], cluster: Cluster) -> Verdict:
        errs = Errors()
        meta_check(obj, errs)
        if kind_check is not None:
            kind_check(obj, errs, cluster)
        if errs.items or warn is None:
            return errs.items, []
        return [], warn(obj, cluster)

    return run

