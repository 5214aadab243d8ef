"""Cluster-wide policy checks: two ClusterNetworkPolicies of one tier at one priority
(NK141)."""

from __future__ import annotations

from netkit.objects import KubeObject
from netkit.validate.field import SPEC
from netkit.validate.lint.index import Index, Report

GROUP = "policy.networking.k8s.io/"


def check(index: Index, report: Report) -> None:
    """Run the cluster-wide policy checks."""
    seen: dict[tuple[object, object], KubeObject] = {}
    for policy in index.of("ClusterNetworkPolicy"):
        if not policy.api_version.startswith(GROUP):
            continue
        key = (policy.spec.get("tier"), policy.spec.get("priority"))
        first = seen.setdefault(key, policy)
        if first is not policy:
            report.add("NK141", policy, f"{key[0]} priority {key[1]} is also the priority of "
                       f"{first.name}; which of the two applies first is up to the "
                       "implementation", field=SPEC.child("priority"),
                       hint="give each ClusterNetworkPolicy of a tier its own priority")
