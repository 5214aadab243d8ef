"""NK220: NetworkPolicies govern a namespace whose pods the input does not hold, so the
reachability analysis cannot show what they allow there."""

from __future__ import annotations

from netkit.objects import KubeObject
from netkit.validate.lint.index import Index, Report


def check(index: Index, report: Report) -> None:
    """Namespaces with policies and no workloads, when the input holds workloads elsewhere
    (a policy-only input is a normal thing to validate)."""
    if index.workloads or index.declared:
        unpopulated(index, report)


def unpopulated(index: Index, report: Report) -> None:
    """One NK220 per namespace that has NetworkPolicies and no Pod, workload or declared
    workload, on its first policy."""
    populated = set(index.workloads) | {w.namespace for w in index.declared}
    first: dict[str, KubeObject] = {}
    for policy in index.of("NetworkPolicy"):
        if policy.namespace not in populated:
            first.setdefault(policy.namespace, policy)
    for ns, policy in sorted(first.items()):
        report.add("NK220", policy, f"the input has NetworkPolicies in namespace {ns} but no "
                   "pods or workloads there, so no flow of that namespace's pods can be shown",
                   hint=f"add the workloads of {ns} (kubectl get pods -n {ns} -o yaml), audit "
                        "the blueprints, or synthesize again so that the output records the "
                        "declared workloads")
