"""NetkitChart: a cdk8s Chart holding a blueprint's validated objects, names unhashed."""

from __future__ import annotations

from typing import Any

import cdk8s
from constructs import Construct

from netkit.errors import CheckFailed
from netkit.findings import Finding
from netkit.objects import KubeObject
from netkit.tree import Blueprint


class NetkitChart(cdk8s.Chart):
    """A Chart with a netkit blueprint's objects as ApiObjects; validation runs first."""

    def __init__(self, scope: Construct, id: str, blueprint: Blueprint) -> None:
        from netkit import synth

        super().__init__(scope, id, disable_resource_name_hashes=True)
        synthesis = synth.synthesize([blueprint], docs=False)
        if synthesis.errors:
            first = synthesis.errors[0]
            raise CheckFailed(first.where, f"{len(synthesis.errors)} validation error(s); "
                              f"first: {first.object}: [{first.rule}] {first.message}",
                              hint=first.hint or "fix the blueprint")
        self.findings: list[Finding] = synthesis.findings
        self.rendered: list[KubeObject] = synthesis.objects
        for ro in synthesis.objects:
            api_object(self, ro.obj)


def api_object(chart: cdk8s.Chart, obj: dict[str, Any]) -> cdk8s.ApiObject:
    """An ApiObject carrying ``obj`` exactly (name and namespace as given)."""
    md = obj["metadata"]
    key = "-".join(p for p in (obj["kind"], md.get("namespace", ""), md["name"]) if p)
    api = cdk8s.ApiObject(chart, key.replace("/", "-"), api_version=obj["apiVersion"],
                          kind=obj["kind"], metadata=cdk8s.ApiObjectMetadata(
                              name=md["name"], namespace=md.get("namespace"),
                              labels=md.get("labels"), annotations=md.get("annotations")))
    for field, value in obj.items():
        if field not in ("apiVersion", "kind", "metadata"):
            api.add_json_patch(cdk8s.JsonPatch.add(f"/{field}", value))
    return api
