"""Workloads a cdk8s app defines (cdk8s-plus included), as netkit endpoints."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import cdk8s

from netkit.constructs.namespace import Namespace
from netkit.constructs.workload import Workload
from netkit.errors import ConstructError
from netkit.inputs.manifests import load_manifests
from netkit.k8s.pods import PodTemplate, pod_template


def _objects(source: cdk8s.Chart | cdk8s.App | str | Path) -> list[dict[str, Any]]:
    if isinstance(source, str | Path):
        return [o.obj for o in load_manifests([str(source)])]
    charts = source.charts if isinstance(source, cdk8s.App) else [source]
    return [obj for chart in charts for obj in chart.to_json()]


def workloads_from_chart(source: cdk8s.Chart | cdk8s.App | str | Path) -> list[PodTemplate]:
    """Pod templates of the Deployments, StatefulSets, DaemonSets and Jobs in a chart, an app,
    or a synthesized ``dist/`` directory; labels are the pod template's, as cdk8s-plus made
    them (its ``cdk8s.io/metadata.addr`` selector label included)."""
    out = []
    for obj in _objects(source):
        template = pod_template(obj)
        if template is not None and template.kind != "Pod":
            out.append(template)
    return out


def declare_workloads(ns: Namespace, source: cdk8s.Chart | cdk8s.App | str | Path
                      ) -> dict[str, Workload]:
    """Declare the chart's workloads of ``ns``'s namespace as Workloads, by name."""
    found = {}
    for t in workloads_from_chart(source):
        if t.namespace != ns.name and not (t.namespace == "default" and ns.name == "default"):
            continue
        ports = {p.name: p.port for p in t.ports if p.name}
        unnamed = [p for p in t.ports if not p.name]
        for p in unnamed:
            ports[f"port-{p.port}"[:15]] = p.port
        if not t.labels:
            raise ConstructError(ns.display_path, f"{t.kind} {t.name} has no pod labels",
                                 hint="label its pod template so policies can select it")
        found[t.name] = ns.workload(t.name, labels=t.labels, ports=ports)
    return found
