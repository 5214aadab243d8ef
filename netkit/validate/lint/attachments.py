"""Attachment checks: routes and ListenerSets must find their parent, and the parent must
admit them (NK126, NK127). A Gateway admits no ListenerSets unless it says so."""

from __future__ import annotations

from typing import Any

from netkit.k8s.gateway_api import ROUTE_KINDS
from netkit.k8s.meta import NAMESPACE_NAME_LABEL
from netkit.k8s.selectors import matches
from netkit.objects import KubeObject, as_dict, as_list
from netkit.validate.field import SPEC
from netkit.validate.lint.index import Index, Report

GROUP = "gateway.networking.k8s.io"


def _admits(allowed: dict[str, Any], parent: KubeObject, child_ns: str, index: Index,
            default: str) -> bool:
    namespaces = as_dict(allowed.get("namespaces"))
    mode = namespaces.get("from", default)
    if mode == "All":
        return True
    if mode == "Same":
        return child_ns == parent.namespace
    if mode == "Selector":
        labels = index.namespaces.get(child_ns)
        return labels is None or matches(as_dict(namespaces.get("selector")),
                                         {**labels, NAMESPACE_NAME_LABEL: child_ns})
    return False


def check(index: Index, report: Report) -> None:
    """Run the attachment checks the input can support."""
    gateways = {(g.namespace, g.name): g for g in index.of("Gateway")}
    listener_sets = {(s.namespace, s.name): s for s in index.of("ListenerSet")}
    for ls in index.of("ListenerSet"):
        ref = as_dict(ls.spec.get("parentRef"))
        key = (ref.get("namespace") or ls.namespace, str(ref.get("name")))
        if not gateways:
            continue
        gateway = gateways.get(key)
        if gateway is None:
            report.add("NK126", ls, f"parent Gateway {key[0]}/{key[1]} does not exist",
                       field=SPEC.child("parentRef"),
                       hint="fix the reference or create the Gateway")
        elif not _admits(as_dict(gateway.spec.get("allowedListeners")), gateway, ls.namespace,
                         index, "None"):
            report.add("NK127", ls, f"Gateway {key[0]}/{key[1]} does not admit ListenerSets "
                       f"from namespace {ls.namespace} (spec.allowedListeners)",
                       field=SPEC.child("parentRef"),
                       hint="set allowedListeners.namespaces.from on the Gateway")
    for route in index.of(*ROUTE_KINDS):
        for i, ref in enumerate(as_list(route.spec.get("parentRefs"))):
            ref = as_dict(ref)
            kind = ref.get("kind", "Gateway")
            key = (ref.get("namespace") or route.namespace, str(ref.get("name")))
            field = SPEC.child("parentRefs").index(i)
            if kind == "Service" and not ref.get("group") and index.services:
                if key not in index.services:
                    report.add("NK126", route, f"parent Service {key[0]}/{key[1]} does not "
                               "exist", field=field, hint="a mesh route binds to the Service "
                                                          "its clients call; fix the name")
                continue
            if kind == "ListenerSet" and listener_sets and key not in listener_sets:
                report.add("NK126", route, f"parent ListenerSet {key[0]}/{key[1]} does not "
                           "exist", field=field, hint="fix the reference")
            if kind != "Gateway" or not gateways:
                continue
            gateway = gateways.get(key)
            if gateway is None:
                report.add("NK126", route, f"parent Gateway {key[0]}/{key[1]} does not exist",
                           field=field, hint="fix the reference or create the Gateway")
                continue
            listeners = [as_dict(x) for x in as_list(gateway.spec.get("listeners"))]
            section = ref.get("sectionName")
            if section is not None:
                listeners = [x for x in listeners if x.get("name") == section]
                if not listeners:
                    report.add("NK126", route, f"Gateway {key[0]}/{key[1]} has no listener "
                               f"{section!r}", field=field.child("sectionName"),
                               hint="use one of the Gateway's listener names")
                    continue
            if not any(_admits(as_dict(x.get("allowedRoutes")), gateway, route.namespace,
                               index, "Same") for x in listeners):
                report.add("NK127", route, f"no listener of Gateway {key[0]}/{key[1]} admits "
                           f"routes from namespace {route.namespace} (allowedRoutes)",
                           field=field, hint="set allowedRoutes.namespaces.from on the listener")
