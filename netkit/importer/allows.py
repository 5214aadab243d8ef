"""NetworkPolicies of zero-trust namespaces to allow() calls: a policy is carried when every
flow it asks for is (both sides of a flow between zero-trust pods, and the edge where a
TlsIngress does not admit it already); otherwise it is kept, re-pointed to the new edge."""

from __future__ import annotations

from typing import Any

from netkit.constructs.tls_ingress import ACME_SOLVER_LABEL, ACME_SOLVER_PORT
from netkit.importer.inventory import Inventory, cleaned
from netkit.importer.plan import (
    AllowPlan,
    AnyPodRef,
    BlueprintPlan,
    NamespacePlan,
    Note,
    WorkloadRef,
)
from netkit.importer.policies import (
    Candidate,
    Context,
    Edge,
    EdgeAllow,
    Untranslatable,
    candidates,
    iter_sides,
    key,
    resolved_port,
)
from netkit.importer.services import port_name
from netkit.k8s.calico import staged_kubernetes_policy
from netkit.objects import KubeObject


def _is_solver(ns: NamespacePlan, edge: EdgeAllow) -> bool:
    workload = ns.workload(edge.workload.name)
    return workload is not None and workload.labels == {ACME_SOLVER_LABEL: "true"}


def _covered(ns: NamespacePlan, edge: EdgeAllow, ctx: Context) -> bool:
    """Whether a TlsIngress already admits the edge on this port of the workload."""
    if edge.end_port is not None or edge.port is None:
        return False
    number = resolved_port(ctx, edge.workload, edge.port, edge.protocol, "")
    workload = ns.workload(edge.workload.name)
    if workload is None:
        return False
    if _is_solver(ns, edge) and any(e.issuer for e in ns.entries):
        return (number, edge.protocol) == (ACME_SOLVER_PORT, "TCP")
    backends = {b for other in ctx.namespaces.values() for b in other.backends()}
    for svc in ns.services:
        if (ns.name, svc.name) in backends and svc.workload == workload.name:
            target = svc.target_port if svc.target_port is not None else svc.port
            port = workload.ports.get(target) if isinstance(target, str) else (
                target, svc.protocol or "TCP")
            if port == (number, edge.protocol):
                return True
    return False


def import_policies(inv: Inventory, plan: BlueprintPlan, edge: Edge) -> None:
    """Allows for the NetworkPolicies of zero-trust namespaces; Manifests for the rest."""
    ctx = Context({ns.name: ns for ns in plan.namespaces}, edge)
    found: dict[str, tuple[KubeObject, list[Candidate], list[EdgeAllow]]] = {}
    for policy in inv.policies:
        ns = ctx.namespaces[policy.namespace]
        if not ns.zero_trust:
            _keep_policy(plan, ns, policy, edge, "its namespace has no default deny with DNS "
                                                 "egress (not a ZeroTrustNamespace)")
            continue
        try:
            allows, edges = candidates(policy, ctx)
        except Untranslatable as exc:
            _keep_policy(plan, ns, policy, edge, str(exc))
            continue
        found[policy.ref] = (policy, allows, edges)
    sides: dict[tuple[Any, ...], set[str]] = {}
    for _, allows, _ in found.values():
        for flow, side in iter_sides(allows, ctx):
            sides.setdefault(flow, set()).add(side)
    seen: set[tuple[Any, ...]] = set()
    solver_admitted: set[str] = set()
    carried = []
    for policy, allows, edges in found.values():
        ns = ctx.namespaces[policy.namespace]
        half = [c for c in allows if c.mirrored and len(sides[key(ctx, c.allow)]) < 2]
        if half:
            _keep_policy(plan, ns, policy, edge, f"it allows {_flow(half[0].allow)} in one "
                                                 "direction only; an allow opens both")
            continue
        carried += allows
        for e in edges:
            if _is_solver(ns, e):
                solver_admitted.add(ns.name)
            if not _covered(ns, e, ctx):
                allow = AllowPlan(AnyPodRef(edge.new_namespace), e.workload, e.port,
                                  None if e.protocol == "TCP" and e.port is not None
                                  else e.protocol, e.end_port)
                if key(ctx, allow) not in seen:
                    seen.add(key(ctx, allow))
                    _declare_port(ctx, allow)
                    ns.allows.append(allow)
    # Ingress rules first: a policy admitting several sources lists them in the order the
    # allows were made, which is the order they render in again.
    for c in sorted(carried, key=lambda c: c.direction != "ingress"):
        if key(ctx, c.allow) not in seen:
            seen.add(key(ctx, c.allow))
            _declare_port(ctx, c.allow)
            owner = c.allow.src if ctx.inside(c.allow.src) else c.allow.dst
            assert isinstance(owner, WorkloadRef | AnyPodRef)
            ctx.namespaces[owner.namespace].allows.insert(
                sum(1 for a in ctx.namespaces[owner.namespace].allows
                    if not _is_edge_allow(a, edge)), c.allow)
    for ns in plan.namespaces:
        for entry in ns.entries:
            # Without a policy admitting cert-manager's solver pods, the input's HTTP-01
            # challenges did not pass the namespace's default deny: keep it so.
            entry.acme_http01 = ns.name in solver_admitted


def _declare_port(ctx: Context, allow: AllowPlan) -> None:
    """A numbered port an allow names on a workload must be one of its declared ports."""
    dst = allow.dst
    if not isinstance(dst, WorkloadRef) or not isinstance(allow.port, int) or allow.end_port:
        return
    workload = ctx.namespaces[dst.namespace].workload(dst.name)
    assert workload is not None
    spec = (allow.port, allow.protocol or "TCP")
    if workload.ports and spec not in workload.ports.values():
        workload.ports[port_name(*spec, workload.ports)] = spec


def _is_edge_allow(allow: AllowPlan, edge: Edge) -> bool:
    return isinstance(allow.src, AnyPodRef) and allow.src.namespace == edge.new_namespace


def _flow(allow: AllowPlan) -> str:
    def name(end: object) -> str:
        if isinstance(end, WorkloadRef):
            return f"{end.namespace}/{end.name}"
        if isinstance(end, AnyPodRef):
            return f"{end.namespace}/*"
        return str(getattr(end, "block", end))
    return f"{name(allow.src)} -> {name(allow.dst)}"


def _keep_policy(plan: BlueprintPlan, ns: NamespacePlan, policy: KubeObject, edge: Edge,
                 reason: str) -> None:
    kept = edge.repointed(cleaned(policy.obj))
    ns.manifests.append(staged_kubernetes_policy(kept) if ns.staged else kept)
    changed = " (re-pointed to the new gateway's namespace)" if kept != cleaned(
        policy.obj) else ""
    plan.notes.append(Note(policy.ref, "NetworkPolicy", f"kept as a Manifest{changed}: "
                                                        f"{reason}"))
