"""The input of an import, sorted by what it becomes: namespaces, workloads, Services,
NetworkPolicies, entry points (Ingress, Gateway API, cert-manager) and everything else."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from netkit.errors import NetkitError
from netkit.importer.annotations import handling
from netkit.k8s.kinds import is_builtin
from netkit.k8s.meta import MANAGED_BY
from netkit.k8s.pods import WORKLOAD_KINDS, PodTemplate, pod_template
from netkit.objects import KubeObject

POD_SECURITY = "pod-security.kubernetes.io/"
NETKIT_PREFIX = "netkit.dev/"
LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"
GATEWAY_GROUP = "gateway.networking.k8s.io/"
CERT_MANAGER_GROUP = "cert-manager.io/"
RATE_LIMIT_KINDS = ("BackendTrafficPolicy", "RateLimitPolicy")
# Fields the API server writes: an exported object keeps them, a manifest must not.
SERVER_METADATA = ("uid", "resourceVersion", "generation", "creationTimestamp",
                   "deletionTimestamp", "deletionGracePeriodSeconds", "managedFields",
                   "selfLink", "ownerReferences")


def user_metadata(values: Any) -> dict[str, str]:
    """Labels or annotations a user wrote: not bookkeeping, not netkit's own stamps."""
    return {str(k): str(v) for k, v in (values or {}).items()
            if (handling(str(k)) is not None or str(k).startswith(POD_SECURITY))
            and (str(k), str(v)) != (MANAGED_BY, "netkit")}


def cleaned(obj: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``obj`` without status, server-written metadata, kubectl's bookkeeping and
    netkit's own stamps (synth stamps it again)."""
    out = copy.deepcopy(obj)
    out.pop("status", None)
    md = out.get("metadata")
    if isinstance(md, dict):
        for key in SERVER_METADATA:
            md.pop(key, None)
        for field_name in ("annotations", "labels"):
            values = md.get(field_name)
            if isinstance(values, dict):
                md[field_name] = {k: v for k, v in values.items() if not (
                    str(k).startswith(NETKIT_PREFIX) or k == LAST_APPLIED
                    or (k, v) == (MANAGED_BY, "netkit"))}
                if not md[field_name]:
                    md.pop(field_name)
    return out


class MalformedInput(NetkitError):
    """An input object the import reads does not match its schema."""


CHECKED_KINDS = ("Namespace", "Service", "NetworkPolicy", "Ingress", *WORKLOAD_KINDS)


def check_well_formed(objects: list[KubeObject], kubernetes: str) -> None:
    """Refuse built-in objects the API server would refuse to decode: an import of them
    would only guess. (Custom resources that do not fit are kept as they are.)"""
    from netkit.validate.engine import core_schemas

    major, minor = kubernetes.split(".")
    schemas = core_schemas((int(major), int(minor)))
    for o in objects:
        if o.kind in CHECKED_KINDS and is_builtin(o.api_version, o.kind):
            errors = schemas.validate(o.obj)
            if errors:
                where = f"{o.file}:{o.line}" if o.file else o.ref
                raise MalformedInput(where, f"{o.kind} {o.name or '?'} is malformed: "
                                     f"{errors[0].path}: {errors[0].message}",
                                     hint="`netkit validate` lists every problem")


@dataclass
class Inventory:
    """Input objects by role, each list in input order."""

    namespaces: dict[str, KubeObject] = field(default_factory=dict)
    workloads: list[PodTemplate] = field(default_factory=list)
    services: list[KubeObject] = field(default_factory=list)
    policies: list[KubeObject] = field(default_factory=list)
    ingresses: list[KubeObject] = field(default_factory=list)
    routes: list[KubeObject] = field(default_factory=list)
    listener_sets: list[KubeObject] = field(default_factory=list)
    gateways: list[KubeObject] = field(default_factory=list)
    certificates: list[KubeObject] = field(default_factory=list)
    rate_limits: list[KubeObject] = field(default_factory=list)
    others: list[KubeObject] = field(default_factory=list)

    @classmethod
    def of(cls, objects: list[KubeObject]) -> Inventory:
        """Sort ``objects`` by role; Pods and ReplicaSets whose controller is in the input
        are represented by the controller."""
        inv = cls()
        present = {(o.namespace, o.kind, o.name) for o in objects
                   if o.kind in WORKLOAD_KINDS and is_builtin(o.api_version, o.kind)}
        for o in objects:
            kind, api = o.kind, o.api_version
            if kind in WORKLOAD_KINDS and is_builtin(api, kind):
                if not _owned(o, present):
                    template = pod_template(o.obj)
                    if template is not None:
                        inv.workloads.append(template)
            elif kind == "Namespace" and api == "v1":
                inv.namespaces[o.name] = o
            elif kind == "Service" and api == "v1":
                inv.services.append(o)
            elif kind == "NetworkPolicy" and api == "networking.k8s.io/v1":
                inv.policies.append(o)
            elif kind == "Ingress" and api == "networking.k8s.io/v1":
                inv.ingresses.append(o)
            elif kind == "HTTPRoute" and api.startswith(GATEWAY_GROUP):
                inv.routes.append(o)
            elif kind == "ListenerSet" and api.startswith(GATEWAY_GROUP):
                inv.listener_sets.append(o)
            elif kind == "Gateway" and api.startswith(GATEWAY_GROUP):
                inv.gateways.append(o)
            elif kind == "Certificate" and api.startswith(CERT_MANAGER_GROUP):
                inv.certificates.append(o)
            elif kind in RATE_LIMIT_KINDS:
                inv.rate_limits.append(o)
            else:
                inv.others.append(o)
        return inv


def _owned(obj: KubeObject, present: set[tuple[str, str, str]]) -> bool:
    for ref in obj.metadata.get("ownerReferences") or []:
        if isinstance(ref, dict) and ref.get("controller") and (
                obj.namespace, ref.get("kind"), ref.get("name")) in present:
            return True
    return False
