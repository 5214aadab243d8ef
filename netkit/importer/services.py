"""Services to Service and RateLimitedService constructs: the workload each selects, its
one port, and how it is exposed; what a construct cannot say keeps the Service as it is."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from netkit.importer.inventory import Inventory, cleaned, user_metadata
from netkit.importer.plan import (
    BlueprintPlan,
    NamespacePlan,
    Note,
    ServicePlan,
    WorkloadPlan,
    as_id,
)
from netkit.importer.policies import Untranslatable
from netkit.k8s.selectors import matches
from netkit.objects import KubeObject
from netkit.render.service import LOAD_BALANCER_ANNOTATIONS


def port_name(number: int, protocol: str, taken: Mapping[str, object]) -> str:
    """A name for an unnamed container port, free among ``taken``: ``tcp-8080``."""
    name = f"{protocol.lower()}-{number}"
    while name in taken:
        name = "p" + name
    return name


def _service_workload(ns: NamespacePlan, svc: KubeObject, selector: dict[str, str],
                      ) -> WorkloadPlan:
    """The one declared workload ``selector`` picks, else a new one (not yet declared)."""
    found = [w for w in ns.workloads if matches({"matchLabels": selector}, w.labels)]
    if len(found) > 1:
        raise Untranslatable(f"its selector picks several workloads "
                             f"({', '.join(w.name for w in found)}); a Service construct "
                             "selects one")
    if found:
        return found[0]
    return WorkloadPlan(svc.name if ns.workload(svc.name) is None else as_id(f"{svc.name}-pods"),
                        dict(selector))


# Service fields the API server fills in, at the values it fills in: an export has them.
SERVER_DEFAULTS: dict[str, Any] = {
    "ipFamilies": None, "ipFamilyPolicy": "SingleStack", "sessionAffinity": "None",
    "internalTrafficPolicy": "Cluster", "allocateLoadBalancerNodePorts": True,
    "clusterIPs": None, "healthCheckNodePort": None}
SERVICE_FIELDS = ("type", "ports", "selector", "clusterIP", "loadBalancerSourceRanges",
                  "externalTrafficPolicy")


def _exposure(svc: KubeObject, kind: str, annotations: dict[str, str]
              ) -> tuple[dict[str, Any], dict[str, str]]:
    """The Service construct's exposure options, and the annotations left for it to carry."""
    spec = svc.spec
    for field_name, value in spec.items():
        if field_name not in SERVICE_FIELDS and not (
                field_name in SERVER_DEFAULTS and SERVER_DEFAULTS[field_name] in (None, value)):
            raise Untranslatable(f"spec.{field_name}: {value!r} is not a Service construct "
                                 "option")
    options: dict[str, Any] = {"type": kind}
    if spec.get("clusterIP") == "None":
        options["headless"] = True
    if kind != "ClusterIP":
        options["external_traffic_policy"] = spec.get("externalTrafficPolicy")
        node_port = spec["ports"][0].get("nodePort")
        options["node_port"] = node_port if isinstance(node_port, int) else None
    ranges = tuple(str(r) for r in spec.get("loadBalancerSourceRanges") or [])
    options["load_balancer_source_ranges"] = ranges
    if kind == "LoadBalancer":
        for (cloud, internal), marks in sorted(LOAD_BALANCER_ANNOTATIONS.items()):
            if all(annotations.get(k) == v for k, v in marks.items()):
                options.update(cloud=cloud, internal=internal)
                annotations = {k: v for k, v in annotations.items() if k not in marks}
                break
    return options, annotations


def _service(ns: NamespacePlan, svc: KubeObject) -> ServicePlan:
    spec = svc.spec
    ports = [p for p in spec.get("ports") or [] if isinstance(p, dict)]
    selector = {str(k): str(v) for k, v in (spec.get("selector") or {}).items()}
    kind = str(spec.get("type") or "ClusterIP")
    if kind not in ("ClusterIP", "NodePort", "LoadBalancer"):
        raise Untranslatable(f"type {kind} is not a Service construct's")
    if len(ports) != 1:
        raise Untranslatable(f"{len(ports)} ports; a Service construct has one")
    if not selector:
        raise Untranslatable("no selector (its endpoints are managed by hand)")
    options, annotations = _exposure(svc, kind, user_metadata(svc.metadata.get("annotations")))
    port = ports[0]
    protocol = str(port.get("protocol") or "TCP")
    number = port.get("port")
    if not isinstance(number, int):
        raise Untranslatable("its port has no number")
    target = port.get("targetPort", number)
    workload = _service_workload(ns, svc, selector)
    if isinstance(target, str) and not target.isdigit():
        declared = workload.ports.get(target) or _name_inferred_port(workload, target, protocol)
        if declared is None or declared[1] != protocol:
            raise Untranslatable(f"targetPort {target!r} is not a named {protocol} port of "
                                 f"workload {workload.name}")
    else:
        target = int(target)
        if (target, protocol) not in workload.ports.values():
            workload.ports[port_name(target, protocol, workload.ports)] = (target, protocol)
    if all(w is not workload for w in ns.workloads):
        ns.workloads.append(workload)
    name = port.get("name")
    default_name = target if isinstance(target, str) else None
    return ServicePlan(
        svc.name, workload.name, number, None if target == number else target,
        protocol=None if protocol == "TCP" else protocol,
        port_name=str(name) if name and name != default_name else None,
        app_protocol=str(port["appProtocol"]) if port.get("appProtocol") else None,
        labels=user_metadata(svc.metadata.get("labels")), annotations=annotations, **options)


def _name_inferred_port(workload: WorkloadPlan, name: str, protocol: str
                        ) -> tuple[int, str] | None:
    """Name the port a Service targets by name on a workload inferred from policies: the one
    port the edge is admitted on (else the workload's one port) is the port the Service's
    traffic arrives on, which is all the name decides in the rendered objects."""
    if not workload.inferred:
        return None
    pool = workload.edge_ports or set(workload.ports.values())
    found = [p for p in pool if p[1] == protocol]
    if len(found) != 1:
        return None
    workload.ports.pop(f"{protocol.lower()}-{found[0][0]}", None)  # the placeholder name
    workload.ports[name] = found[0]
    return found[0]


def import_services(inv: Inventory, plan: BlueprintPlan) -> None:
    """A Service construct for each Service that one can stand for; the rest are kept."""
    for svc in inv.services:
        ns = plan.namespace(svc.namespace)
        try:
            ns.services.append(_service(ns, svc))
        except Untranslatable as exc:
            ns.manifests.append(cleaned(svc.obj))
            plan.notes.append(Note(svc.ref, "Service", f"kept as a Manifest: {exc}"))
