"""Namespace: a Kubernetes namespace and the workloads declared in it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from netkit.constructs.workload import Workload
from netkit.errors import ConstructError
from netkit.k8s.names import dns1123_label_errors
from netkit.k8s.pods import DEFAULT_SERVICE_ACCOUNT
from netkit.spec import WorkloadPort, check_choice, check_metadata_map
from netkit.tree import Construct

WORKLOADS = "workloads"
PodSecurityLevel = Literal["privileged", "baseline", "restricted"]


class Namespace(Construct):
    """A namespace netkit owns; ``name`` defaults to the id."""

    def __init__(self, scope: Construct, id: str, *, name: str | None = None,
                 labels: Mapping[str, str] | None = None,
                 annotations: Mapping[str, str] | None = None,
                 pod_security: PodSecurityLevel | None = None) -> None:
        super().__init__(scope, id)
        self.name = name or id
        if errs := dns1123_label_errors(self.name):
            raise ConstructError(self.display_path, f"namespace name {self.name!r}: {errs[0]}",
                                 field="name", hint="use a DNS-1123 label")
        if scope.namespace() is not None:
            raise ConstructError(self.display_path, "namespaces cannot be nested",
                                 hint="create the namespace directly in the Blueprint")
        if pod_security is not None:
            check_choice(pod_security, ("privileged", "baseline", "restricted"),
                         self.display_path, field="pod_security")
        self.labels = check_metadata_map(labels, self.display_path, "labels", labels=True)
        self.annotations = check_metadata_map(annotations, self.display_path, "annotations",
                                              labels=False)
        self.pod_security = pod_security

    def namespace(self) -> str:
        """This namespace's name."""
        return self.name

    def workload(self, name: str, *, labels: Mapping[str, str],
                 ports: Mapping[str, int | WorkloadPort] | None = None,
                 service_account: str = DEFAULT_SERVICE_ACCOUNT) -> Workload:
        """Declare the pods labelled ``labels`` listening on named ``ports``, running as
        ``service_account``."""
        return Workload(self._workload_scope(), name, labels=labels, ports=ports,
                        service_account=service_account)

    def find_workload(self, name: str) -> Workload | None:
        """The workload declared as ``name``, if any."""
        found = self._workload_scope().node.try_find_child(name)
        return found if isinstance(found, Workload) else None

    def workloads(self) -> list[Workload]:
        """The workloads declared in this namespace, in order."""
        return [c for c in self._workload_scope().node.children if isinstance(c, Workload)]

    def _workload_scope(self) -> Construct:
        # Workloads live under their own scope so that a Service may share a workload's id.
        scope = self.node.try_find_child(WORKLOADS)
        return scope if scope is not None else Construct(self, WORKLOADS)
