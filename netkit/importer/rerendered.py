"""The check that the blueprint renders again, field for field, the input objects its
constructs stand for (guardrails, mesh policies, ServiceExports); those it does not are
kept as Manifests, with a Note."""

from __future__ import annotations

from typing import Any

from netkit.importer.inventory import cleaned
from netkit.importer.plan import BlueprintPlan, Note
from netkit.k8s.kinds import is_cluster_scoped
from netkit.objects import KubeObject


def _key(obj: dict[str, Any]) -> tuple[str, str, str, str]:
    md = obj.get("metadata") or {}
    return (str(obj.get("apiVersion")), str(obj.get("kind")), str(md.get("namespace") or ""),
            str(md.get("name")))


def _ref(obj: dict[str, Any]) -> str:
    _, kind, namespace, name = _key(obj)
    return f"{kind}/{namespace}/{name}" if namespace else f"{kind}/{name}"


def not_rendered_again(plan: BlueprintPlan, rendered: list[KubeObject]) -> bool:
    """Move the objects of ``plan.rendered_again`` that ``rendered`` does not hold as they
    are to Manifests; whether any moved (the blueprint must be written again)."""
    made = {_key(o.obj): cleaned(o.obj) for o in rendered}
    differ = [o for o in plan.rendered_again if made.get(_key(o)) != o]
    for obj in differ:
        plan.rendered_again.remove(obj)
        if is_cluster_scoped(str(obj.get("kind"))):
            plan.cluster_manifests.append(obj)
        else:
            plan.namespace(_key(obj)[2]).manifests.append(obj)
        plan.notes.append(Note(_ref(obj), str(obj.get("kind")), "kept as a Manifest: the "
                                                               "construct renders it otherwise"))
    return bool(differ)
