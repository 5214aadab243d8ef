"""The network identities of declared workloads, as synth writes them into the GitOps output
and the readers read them back, so that auditing the output sees the same pods as auditing
the blueprints.

Each namespace directory gets ``.netkit/workloads.yaml`` (a namespace with no directory of
its own: ``<cluster>/_cluster/.netkit/workloads.yaml``): one core ``v1`` ``PodTemplate`` per
declared workload, named after it, holding its pod labels and named container ports and
annotated ``netkit.dev/identity: declared-workload``. No kustomization lists the file and
Argo CD applies only what the kustomizations list, so nothing of it reaches the cluster.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path, PurePosixPath
from typing import Any

from netkit.inputs.excludes import Excludes
from netkit.inputs.load_error import LoadError
from netkit.inputs.manifests import read_file
from netkit.k8s.pods import DECLARED_KIND, PodTemplate, container_ports
from netkit.objects import as_dict

IDENTITY_DIR = ".netkit"
IDENTITY_FILE = "workloads.yaml"
IDENTITY_ANNOTATION = "netkit.dev/identity"
DECLARED = "declared-workload"
CONTAINER = "pods"


def identity(template: PodTemplate) -> dict[str, Any]:
    """A declared workload as a ``v1`` PodTemplate."""
    container: dict[str, Any] = {"name": CONTAINER}
    ports = [{"name": p.name, "containerPort": p.port, "protocol": p.protocol}
             for p in sorted(template.ports, key=lambda p: (p.name or "", p.protocol, p.port))]
    if ports:
        container["ports"] = ports
    return {"apiVersion": "v1", "kind": "PodTemplate",
            "metadata": {"name": template.name, "namespace": template.namespace,
                         "annotations": {IDENTITY_ANNOTATION: DECLARED}},
            "template": {"metadata": {"labels": dict(sorted(template.labels.items()))},
                         "spec": {"containers": [container]}}}


def _template(obj: Any, where: str) -> PodTemplate:
    md = as_dict(obj.get("metadata")) if isinstance(obj, dict) else {}
    if not isinstance(obj, dict) or obj.get("apiVersion") != "v1" or obj.get(
            "kind") != "PodTemplate" or as_dict(md.get("annotations")).get(
            IDENTITY_ANNOTATION) != DECLARED or not md.get("name"):
        raise LoadError(where, "not a netkit workload identity",
                        hint=f"{IDENTITY_DIR}/{IDENTITY_FILE} holds only what netkit synth "
                             "writes; run `netkit synth` again")
    template = as_dict(obj.get("template"))
    labels = as_dict(as_dict(template.get("metadata")).get("labels"))
    return PodTemplate(str(md.get("namespace") or "default"), str(md["name"]), DECLARED_KIND,
                       {str(k): str(v) for k, v in labels.items()},
                       container_ports(as_dict(template.get("spec"))))


def read_identities(paths: Sequence[str], exclude: Sequence[str] = ()) -> list[PodTemplate]:
    """The declared workloads recorded under the directories among ``paths`` (a folder the
    ``exclude`` patterns leave out contributes none)."""
    excludes = Excludes.of(exclude)
    out = []
    for raw in paths:
        root = Path(raw)
        if raw == "-" or not root.is_dir():
            continue
        for file in sorted(root.rglob(f"{IDENTITY_DIR}/{IDENTITY_FILE}")):
            folder = PurePosixPath(file.parent.parent.relative_to(root).as_posix())
            if folder != PurePosixPath(".") and excludes.skips(folder):
                continue
            out += [_template(o.obj, f"{o.file}:{o.line}") for o in read_file(file)]
    return out
