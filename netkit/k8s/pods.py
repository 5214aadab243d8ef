"""Pods and workload templates as network endpoints: labels, container ports, IP."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from netkit.k8s.kinds import is_builtin
from netkit.objects import as_dict, as_list

DECLARED_KIND = "Workload"  # a blueprint's declaration of pods that netkit does not own
WORKLOAD_KINDS = ("Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job",
                  "CronJob", "ReplicationController")
DEFAULT_SERVICE_ACCOUNT = "default"


@dataclass(frozen=True)
class ContainerPort:
    """A named or unnamed container port."""

    name: str | None
    port: int
    protocol: str = "TCP"


@dataclass
class PodTemplate:
    """The network identity of a pod, or of a workload's pod template."""

    namespace: str
    name: str
    kind: str
    labels: dict[str, str]
    ports: list[ContainerPort] = field(default_factory=list)
    ip: str | None = None
    service_account: str = DEFAULT_SERVICE_ACCOUNT

    @property
    def id(self) -> str:
        """``namespace/name``."""
        return f"{self.namespace}/{self.name}"


def _template(obj: dict[str, Any]) -> dict[str, Any] | None:
    kind = obj.get("kind")
    spec = obj.get("spec") or {}
    if kind == "Pod":
        return obj
    if kind == "CronJob":
        spec = ((spec.get("jobTemplate") or {}).get("spec")) or {}
    template = spec.get("template")
    return template if isinstance(template, dict) else None


def container_ports(pod_spec: dict[str, Any]) -> list[ContainerPort]:
    """The ports of a pod spec's containers and init containers."""
    ports = []
    for container in as_list(pod_spec.get("containers")) + as_list(
            pod_spec.get("initContainers")):
        for p in as_list(as_dict(container).get("ports")):
            if isinstance(p, dict) and isinstance(p.get("containerPort"), int):
                ports.append(ContainerPort(p.get("name"), p["containerPort"],
                                           p.get("protocol") or "TCP"))
    return ports


def pod_template(obj: dict[str, Any], default_namespace: str = "default") -> PodTemplate | None:
    """The endpoint an object defines, if it is a Pod or a workload with a pod template."""
    if obj.get("kind") not in WORKLOAD_KINDS or not is_builtin(obj.get("apiVersion"),
                                                                obj.get("kind")):
        return None
    template = _template(obj)
    if template is None:
        return None
    md = obj.get("metadata") or {}
    labels = {str(k): str(v) for k, v in ((template.get("metadata") or {}).get("labels")
                                          or {}).items()}
    pod_spec = template.get("spec") or {}
    ports = container_ports(pod_spec)
    ip = (obj.get("status") or {}).get("podIP") if obj.get("kind") == "Pod" else None
    account = pod_spec.get("serviceAccountName") or pod_spec.get("serviceAccount")
    return PodTemplate(str(md.get("namespace") or default_namespace), str(md.get("name")),
                       str(obj.get("kind")), labels, ports, ip,
                       str(account) if account else DEFAULT_SERVICE_ACCOUNT)
