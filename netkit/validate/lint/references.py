"""References: Services to workloads, routes to Services and ports (NK101-NK104)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from netkit.k8s.gateway_api import ROUTE_KINDS
from netkit.objects import KubeObject, as_dict, as_list
from netkit.validate.field import SPEC, Path
from netkit.validate.lint.index import Index, Report


def check(index: Index, report: Report) -> None:
    """Run the reference checks that the input can support."""
    _services_to_workloads(index, report)
    if index.services:
        _routes_to_services(index, report)


def _services_to_workloads(index: Index, report: Report) -> None:
    for svc in index.services.values():
        selector = svc.spec.get("selector")
        if not selector or svc.namespace not in index.workloads:
            continue
        selected = index.selected(svc.namespace, {"matchLabels": selector})
        if not selected:
            report.add("NK101", svc, f"selector {selector} matches no workload in namespace "
                       f"{svc.namespace}", field=SPEC.child("selector"),
                       hint="fix the selector or the pod template labels")
            continue
        for i, port in enumerate(svc.spec.get("ports") or []):
            target = port.get("targetPort") if isinstance(port, dict) else None
            if not isinstance(target, str):
                continue
            protocol = port.get("protocol") or "TCP"
            if not any(p.name == target and p.protocol == protocol
                       for t in selected for p in t.ports):
                names = sorted({p.name for t in selected for p in t.ports if p.name})
                more = f" and {len(selected) - 1} more" if len(selected) > 1 else ""
                report.add("NK104", svc, f"targetPort {target!r} is not a {protocol} container "
                           f"port of the selected pods ({selected[0].id}{more}; named ports: "
                           f"{', '.join(names) or 'none'})",
                           field=SPEC.child("ports").index(i).child("targetPort"),
                           hint="name the containerPort or use its number")


def _backends(item: KubeObject) -> Iterator[tuple[Path, str, Any, Any]]:
    """(field path, namespace, service, port) of every Service a route sends traffic to."""
    spec = item.spec
    if item.kind == "Ingress":
        default = (spec.get("defaultBackend") or {}).get("service")
        if default:
            yield (SPEC.child("defaultBackend").child("service"), item.namespace,
                   default.get("name"), default.get("port") or {})
        for i, rule in enumerate(spec.get("rules") or []):
            for j, path in enumerate(((rule or {}).get("http") or {}).get("paths") or []):
                svc = ((path or {}).get("backend") or {}).get("service")
                if svc:
                    yield (SPEC.child("rules").index(i).child("http").child("paths").index(j)
                           .child("backend").child("service"), item.namespace, svc.get("name"),
                           svc.get("port") or {})
    elif item.kind in ROUTE_KINDS:
        # Routes are custom resources: without their CRD nothing checked these shapes.
        for i, rule in enumerate(as_list(spec.get("rules"))):
            rule = as_dict(rule)
            at = SPEC.child("rules").index(i)
            refs = [(at.child("backendRefs").index(j), as_dict(r))
                    for j, r in enumerate(as_list(rule.get("backendRefs")))]
            for j, f in enumerate(as_list(rule.get("filters"))):
                mirror = as_dict(as_dict(f).get("requestMirror"))
                if mirror.get("backendRef"):
                    refs.append((at.child("filters").index(j).child("requestMirror")
                                 .child("backendRef"), as_dict(mirror["backendRef"])))
            for path, ref in refs:
                if (ref.get("kind") or "Service") == "Service" and not ref.get("group"):
                    yield (path, ref.get("namespace") or item.namespace, ref.get("name"),
                           {"number": ref.get("port")})


def _routes_to_services(index: Index, report: Report) -> None:
    for item in index.of("Ingress", *ROUTE_KINDS):
        for path, ns, name, port in _backends(item):
            svc = index.services.get((ns, str(name)))
            if svc is None:
                report.add("NK102", item, f"backend Service {ns}/{name} does not exist",
                           field=path, hint="create the Service or fix the name")
                continue
            ports = [p for p in svc.spec.get("ports") or [] if isinstance(p, dict)]
            number, pname = port.get("number"), port.get("name")
            if number is not None and not any(p.get("port") == number for p in ports):
                report.add("NK103", item, f"Service {ns}/{name} has no port {number} (ports: "
                           f"{', '.join(str(p.get('port')) for p in ports) or 'none'})",
                           field=path, hint="use one of the Service's ports")
            if pname is not None and not any(p.get("name") == pname for p in ports):
                report.add("NK103", item, f"Service {ns}/{name} has no port named {pname!r}",
                           field=path, hint="use one of the Service's port names")
