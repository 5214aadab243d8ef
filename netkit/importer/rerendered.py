"""The check that the blueprint renders again, field for field, the input objects its
constructs stand for (guardrails, mesh policies, ServiceExports): a construct that renders
one otherwise is given up and its objects are kept as Manifests, with a Note."""

from __future__ import annotations

from typing import Any

from netkit.importer.inventory import cleaned
from netkit.importer.plan import BlueprintPlan, Note, RenderedAgain
from netkit.k8s.kinds import is_cluster_scoped
from netkit.objects import KubeObject


def _key(obj: dict[str, Any]) -> tuple[str, str, str, str]:
    md = obj.get("metadata") or {}
    return (str(obj.get("apiVersion")), str(obj.get("kind")), str(md.get("namespace") or ""),
            str(md.get("name")))


def _ref(obj: dict[str, Any]) -> str:
    _, kind, namespace, name = _key(obj)
    return f"{kind}/{namespace}/{name}" if namespace else f"{kind}/{name}"


def _give_up(plan: BlueprintPlan, owner: tuple[str, ...]) -> str:
    """Drop the construct ``owner`` from the plan (a mesh is the target's: it stays);
    what the Note says about its objects."""
    if owner[0] == "guardrails":
        plan.guardrails = [g for g in plan.guardrails if g.id != owner[1]]
        return f"ClusterGuardrails {owner[1]!r} would render it otherwise"
    if owner[0] == "export":
        svc = plan.namespace(owner[1]).service(owner[2])
        if svc is not None:
            svc.export = False
        return "Service(export=True) would render it otherwise"
    return ("the target's mesh renders it otherwise, under the same name: reconcile the two "
            "before deploying")


def not_rendered_again(plan: BlueprintPlan, rendered: list[KubeObject]
                       ) -> set[tuple[str, ...]]:
    """Give up the constructs that do not render their objects of ``plan.rendered_again`` as
    they are, keeping those objects as Manifests; the constructs given up (when any, the
    blueprint must be written again)."""
    made = {_key(o.obj): cleaned(o.obj) for o in rendered}
    owners = {a.owner for a in plan.rendered_again if made.get(_key(a.obj)) != a.obj}
    moved: list[RenderedAgain] = [
        a for a in plan.rendered_again if a.owner in owners and (
            a.owner[0] != "mesh" or made.get(_key(a.obj)) != a.obj)]
    for owner in sorted(owners):
        why = _give_up(plan, owner)
        for again in (a for a in moved if a.owner == owner):
            obj = again.obj
            if is_cluster_scoped(str(obj.get("kind"))):
                plan.cluster_manifests.append(obj)
            else:
                plan.namespace(_key(obj)[2]).manifests.append(obj)
            plan.notes.append(Note(_ref(obj), str(obj.get("kind")), f"kept as a Manifest: {why}"))
    plan.rendered_again = [a for a in plan.rendered_again if a not in moved]
    return owners
