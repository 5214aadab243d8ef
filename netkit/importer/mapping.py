"""Input objects to a BlueprintPlan: namespaces, workloads, Services, entry points and
allows, and the objects kept as Manifests (never dropped), with a Note for each loss."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from netkit.constructs.cluster_issuer import ACME_SERVERS
from netkit.importer.annotations import handling
from netkit.importer.entries import Entries, NotAnEntry
from netkit.importer.inventory import GATEWAY_GROUP, Inventory, check_well_formed, cleaned
from netkit.importer.plan import (
    DEFAULT_DNS,
    AllowPlan,
    AnyPodRef,
    BlueprintPlan,
    IssuerPlan,
    NamespacePlan,
    Note,
    ServicePlan,
    WorkloadPlan,
    WorkloadRef,
)
from netkit.importer.platform import NotAConstruct, gateway, gateway_class
from netkit.importer.policies import (
    Candidate,
    Context,
    Edge,
    EdgeAllow,
    Untranslatable,
    candidates,
    iter_sides,
    key,
    resolved_port,
    zero_trust_pattern,
)
from netkit.importer.routes import GatewayObjects, import_gateway_api
from netkit.importer.security import client_cidr_policy
from netkit.k8s.kinds import is_cluster_scoped
from netkit.k8s.meta import MANAGED_BY, NAMESPACE_NAME_LABEL
from netkit.k8s.names import port_name_errors
from netkit.k8s.selectors import matches
from netkit.objects import KubeObject
from netkit.render.service import LOAD_BALANCER_ANNOTATIONS
from netkit.target import Target

POD_SECURITY = "pod-security.kubernetes.io/"
ACME_SOLVER_LABEL = "acme.cert-manager.io/http01-solver"
ACME_SOLVER_PORT = 8089
SYSTEM_NAMESPACES = ("kube-system", "kube-public", "kube-node-lease")
KEPT_GATEWAY_KINDS = ("HTTPRoute", "GRPCRoute", "TLSRoute", "TCPRoute", "UDPRoute",
                      "ListenerSet", "BackendTrafficPolicy", "RateLimitPolicy")
# Objects the API server or controllers make; an export has them, a blueprint must not.
GENERATED_KINDS = ("Event", "Endpoints", "EndpointSlice", "ControllerRevision", "Lease")


def _metadata_map(values: Any) -> dict[str, str]:
    """Labels or annotations a user wrote: not bookkeeping, not netkit's own stamps."""
    return {str(k): str(v) for k, v in (values or {}).items()
            if (handling(str(k)) is not None or str(k).startswith(POD_SECURITY))
            and (str(k), str(v)) != (MANAGED_BY, "netkit")}


def build_plan(objects: list[KubeObject], *, name: str, target: Target,
               target_fields: Mapping[str, str], sources: list[str]) -> BlueprintPlan:
    """The blueprint that stands for ``objects`` on ``target``."""
    check_well_formed(objects, target.kubernetes)
    inv = Inventory.of(objects)
    plan = BlueprintPlan(name, dict(target_fields), sources)
    old = target.ingress_namespace
    old_ns = inv.namespaces.get(old)
    edge = Edge(old, target.edge_namespace,
                {k: str(v) for k, v in (old_ns.metadata.get("labels") or {}).items()}
                if old_ns else {})
    left_out: dict[str, int] = {}
    keep = []
    for obj in objects:
        home = obj.name if obj.kind == "Namespace" else obj.namespace
        if home == old or home in SYSTEM_NAMESPACES:
            left_out[home] = left_out.get(home, 0) + 1
        elif obj.kind == "IngressClass":
            plan.notes.append(Note(obj.ref, "IngressClass", "the ingress-nginx class being "
                                                            "replaced; not imported"))
        else:
            keep.append(obj)
    for home, count in sorted(left_out.items()):
        why = ("the ingress-nginx controller being replaced" if home == old
               else "a cluster system namespace")
        plan.notes.append(Note(f"namespace {home}", f"{count} object(s)", f"{why}; not "
                                                                         "imported"))
    inv = Inventory.of(keep)
    _namespaces(inv, plan)
    _workloads(inv, plan)
    _services(inv, plan)
    _entries(inv, plan, target)
    _gateway_entries(inv, plan)
    _client_policies(plan)
    _policies(inv, plan, edge)
    _platform(inv, plan, target)
    _others(inv, plan)
    plan.namespaces.sort(key=lambda n: n.name)
    return plan


def _namespaces(inv: Inventory, plan: BlueprintPlan) -> None:
    """A Namespace construct for each namespace with network objects (or given as an
    object); workloads alone do not make one: the blueprint does not own their namespace."""
    used = {o.namespace for group in (inv.services, inv.policies, inv.ingresses, inv.routes,
                                      inv.listener_sets, inv.gateways, inv.certificates,
                                      inv.rate_limits, inv.others)
            for o in group if o.namespace}
    for ns_name in sorted(used | set(inv.namespaces)):
        ns = plan.namespace(ns_name)
        obj = inv.namespaces.get(ns_name)
        if obj is None:
            continue
        labels = _metadata_map(obj.metadata.get("labels"))
        labels.pop(NAMESPACE_NAME_LABEL, None)
        levels = {labels.get(f"{POD_SECURITY}{m}") for m in ("enforce", "audit", "warn")}
        if len(levels) == 1 and None not in levels and not any(
                k.startswith(POD_SECURITY) and k.endswith("-version") for k in labels):
            ns.pod_security = levels.pop()
            labels = {k: v for k, v in labels.items() if not k.startswith(POD_SECURITY)}
        ns.labels = labels
        ns.annotations = {k: v for k, v in _metadata_map(obj.metadata.get("annotations")).items()
                          if not k.startswith(POD_SECURITY)}
    for ns_name in sorted(used | set(inv.namespaces)):
        pattern = zero_trust_pattern([p for p in inv.policies if p.namespace == ns_name])
        if pattern is not None:
            ns = plan.namespace(ns_name)
            ns.zero_trust = True
            consumed, dns = pattern
            if dns != DEFAULT_DNS:
                ns.dns = dns
            inv.policies = [p for p in inv.policies if p not in consumed]


def _port_name(number: int, protocol: str, taken: Mapping[str, object]) -> str:
    name = f"{protocol.lower()}-{number}"
    while name in taken:
        name = "p" + name
    return name


def _workloads(inv: Inventory, plan: BlueprintPlan) -> None:
    declared = {ns.name for ns in plan.namespaces}
    for w in inv.workloads:
        if w.namespace not in declared:
            continue  # a namespace the blueprint does not declare: peers name its pods
        ns = plan.namespace(w.namespace)
        where = f"{w.kind}/{w.namespace}/{w.name}"
        if not w.labels:
            plan.notes.append(Note(where, "pod labels", "a workload without labels cannot be "
                                                        "selected; not declared"))
            continue
        if ns.workload(w.name) is not None:
            plan.notes.append(Note(where, "name", "another workload of this name is declared "
                                                  "already"))
            continue
        ports = {p.name: (p.port, p.protocol) for p in w.ports
                 if p.name and not port_name_errors(p.name)}
        ns.workloads.append(WorkloadPlan(w.name, dict(w.labels), ports))


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
    return WorkloadPlan(svc.name if ns.workload(svc.name) is None else f"{svc.name}-pods",
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
    options, annotations = _exposure(svc, kind, _metadata_map(svc.metadata.get("annotations")))
    port = ports[0]
    protocol = str(port.get("protocol") or "TCP")
    number = port.get("port")
    if not isinstance(number, int):
        raise Untranslatable("its port has no number")
    target = port.get("targetPort", number)
    workload = _service_workload(ns, svc, selector)
    if isinstance(target, str) and not target.isdigit():
        declared = workload.ports.get(target)
        if declared is None or declared[1] != protocol:
            raise Untranslatable(f"targetPort {target!r} is not a named {protocol} port of "
                                 f"workload {workload.name}")
    else:
        target = int(target)
        if (target, protocol) not in workload.ports.values():
            workload.ports[_port_name(target, protocol, workload.ports)] = (target, protocol)
    if all(w is not workload for w in ns.workloads):
        ns.workloads.append(workload)
    name = port.get("name")
    default_name = target if isinstance(target, str) else None
    return ServicePlan(
        svc.name, workload.name, number, None if target == number else target,
        protocol=None if protocol == "TCP" else protocol,
        port_name=str(name) if name and name != default_name else None,
        app_protocol=str(port["appProtocol"]) if port.get("appProtocol") else None,
        labels=_metadata_map(svc.metadata.get("labels")), annotations=annotations, **options)


def _services(inv: Inventory, plan: BlueprintPlan) -> None:
    for svc in inv.services:
        ns = plan.namespace(svc.namespace)
        try:
            ns.services.append(_service(ns, svc))
        except Untranslatable as exc:
            ns.manifests.append(cleaned(svc.obj))
            plan.notes.append(Note(svc.ref, "Service", f"kept as a Manifest: {exc}"))


def _entries(inv: Inventory, plan: BlueprintPlan, target: Target) -> None:
    for ns in plan.namespaces:
        entries = Entries(ns, target)
        for ing in (i for i in inv.ingresses if i.namespace == ns.name):
            before = len(entries.notes)
            try:
                entries.add(ing)
            except NotAnEntry as exc:
                del entries.notes[before:]
                for svc in ns.services:
                    known = entries.limits.get(svc.name)
                    if known is not None and known[1] == ing.ref:
                        svc.rate = None
                        del entries.limits[svc.name]
                ns.manifests.append(cleaned(ing.obj))
                entries.note(ing, "Ingress", f"kept as a Manifest (still served by "
                                             f"ingress-nginx): {exc}")
        for ing, reason in entries.finish():
            ns.manifests.append(cleaned(ing.obj))
            entries.note(ing, "Ingress", f"kept as a Manifest (still served by ingress-nginx): "
                                         f"{reason}")
        plan.notes.extend(entries.notes)


def _is_solver(ns: NamespacePlan, edge: EdgeAllow) -> bool:
    workload = ns.workload(edge.workload.name)
    return workload is not None and workload.labels == {ACME_SOLVER_LABEL: "true"}


def _client_policies(plan: BlueprintPlan) -> None:
    """An Envoy Gateway SecurityPolicy on the HTTPRoutes of each TlsIngress whose Ingress
    admitted only some client CIDRs (the routes are named as route groups name them)."""
    for ns in plan.namespaces:
        for entry in ns.entries:
            if not entry.client_cidrs:
                continue
            limited = {s.name for s in ns.services if s.rate is not None}
            services = list(dict.fromkeys(r.service for r in entry.routes))
            routes = ([entry.id] if any(s not in limited for s in services) else []) + [
                f"{entry.id}-{s}" for s in services if s in limited]
            ns.manifests.append(client_cidr_policy(f"{entry.id}-client-cidrs", ns.name, routes,
                                                   entry.client_cidrs))


def _gateway_entries(inv: Inventory, plan: BlueprintPlan) -> None:
    used: list[KubeObject] = []
    for ns in plan.namespaces:
        def mine(objects: list[KubeObject], name: str = ns.name) -> list[KubeObject]:
            return [o for o in objects if o.namespace == name]
        objs = GatewayObjects(mine(inv.listener_sets), mine(inv.routes), mine(inv.certificates),
                              mine(inv.rate_limits), {n.name: n for n in plan.namespaces},
                              [o for o in inv.others if o.kind == "ReferenceGrant"])
        import_gateway_api(ns, objs)
        used += objs.consumed
        plan.notes.extend(objs.notes)
    for name in ("listener_sets", "routes", "certificates", "rate_limits", "others"):
        setattr(inv, name, [o for o in getattr(inv, name) if all(o is not u for u in used)])


def _covered(ns: NamespacePlan, edge: EdgeAllow, ctx: Context) -> bool:
    """Whether a TlsIngress already admits the edge on this port of the workload."""
    if edge.end_port is not None or edge.port is None:
        return False
    number = resolved_port(ctx, edge.workload, edge.port, edge.protocol, "")
    workload = ns.workload(edge.workload.name)
    if workload is None:
        return False
    if _is_solver(ns, edge) and any(e.issuer for e in ns.entries):
        return (number, edge.protocol) == (ACME_SOLVER_PORT, "TCP")
    backends = {b for other in ctx.namespaces.values() for b in other.backends()}
    for svc in ns.services:
        if (ns.name, svc.name) in backends and svc.workload == workload.name:
            target = svc.target_port if svc.target_port is not None else svc.port
            port = workload.ports.get(target) if isinstance(target, str) else (
                target, svc.protocol or "TCP")
            if port == (number, edge.protocol):
                return True
    return False


def _policies(inv: Inventory, plan: BlueprintPlan, edge: Edge) -> None:
    ctx = Context({ns.name: ns for ns in plan.namespaces}, edge)
    found: dict[str, tuple[KubeObject, list[Candidate], list[EdgeAllow]]] = {}
    for policy in inv.policies:
        ns = ctx.namespaces[policy.namespace]
        if not ns.zero_trust:
            _keep_policy(plan, ns, policy, edge, "its namespace has no default deny with DNS "
                                                 "egress (not a ZeroTrustNamespace)")
            continue
        try:
            allows, edges = candidates(policy, ctx)
        except Untranslatable as exc:
            _keep_policy(plan, ns, policy, edge, str(exc))
            continue
        found[policy.ref] = (policy, allows, edges)
    sides: dict[tuple[Any, ...], set[str]] = {}
    for _, allows, _ in found.values():
        for flow, side in iter_sides(allows, ctx):
            sides.setdefault(flow, set()).add(side)
    seen: set[tuple[Any, ...]] = set()
    solver_admitted: set[str] = set()
    carried = []
    for policy, allows, edges in found.values():
        ns = ctx.namespaces[policy.namespace]
        half = [c for c in allows if c.mirrored and len(sides[key(ctx, c.allow)]) < 2]
        if half:
            _keep_policy(plan, ns, policy, edge, f"it allows {_flow(half[0].allow)} in one "
                                                 "direction only; an allow opens both")
            continue
        carried += allows
        for e in edges:
            if _is_solver(ns, e):
                solver_admitted.add(ns.name)
            if not _covered(ns, e, ctx):
                allow = AllowPlan(AnyPodRef(edge.new_namespace), e.workload, e.port,
                                  None if e.protocol == "TCP" and e.port is not None
                                  else e.protocol, e.end_port)
                if key(ctx, allow) not in seen:
                    seen.add(key(ctx, allow))
                    _declare_port(ctx, allow)
                    ns.allows.append(allow)
    # Ingress rules first: a policy admitting several sources lists them in the order the
    # allows were made, which is the order they render in again.
    for c in sorted(carried, key=lambda c: c.direction != "ingress"):
        if key(ctx, c.allow) not in seen:
            seen.add(key(ctx, c.allow))
            _declare_port(ctx, c.allow)
            owner = c.allow.src if ctx.inside(c.allow.src) else c.allow.dst
            assert isinstance(owner, WorkloadRef | AnyPodRef)
            ctx.namespaces[owner.namespace].allows.insert(
                sum(1 for a in ctx.namespaces[owner.namespace].allows
                    if not _is_edge_allow(a, edge)), c.allow)
    for ns in plan.namespaces:
        for entry in ns.entries:
            # Without a policy admitting cert-manager's solver pods, the input's HTTP-01
            # challenges did not pass the namespace's default deny: keep it so.
            entry.acme_http01 = ns.name in solver_admitted


def _declare_port(ctx: Context, allow: AllowPlan) -> None:
    """A numbered port an allow names on a workload must be one of its declared ports."""
    dst = allow.dst
    if not isinstance(dst, WorkloadRef) or not isinstance(allow.port, int) or allow.end_port:
        return
    workload = ctx.namespaces[dst.namespace].workload(dst.name)
    assert workload is not None
    spec = (allow.port, allow.protocol or "TCP")
    if workload.ports and spec not in workload.ports.values():
        workload.ports[_port_name(*spec, workload.ports)] = spec


def _is_edge_allow(allow: AllowPlan, edge: Edge) -> bool:
    return isinstance(allow.src, AnyPodRef) and allow.src.namespace == edge.new_namespace


def _flow(allow: AllowPlan) -> str:
    def name(end: object) -> str:
        if isinstance(end, WorkloadRef):
            return f"{end.namespace}/{end.name}"
        return str(end)
    return f"{name(allow.src)} -> {name(allow.dst)}"


def _keep_policy(plan: BlueprintPlan, ns: NamespacePlan, policy: KubeObject, edge: Edge,
                 reason: str) -> None:
    kept = edge.repointed(cleaned(policy.obj))
    ns.manifests.append(kept)
    changed = " (re-pointed to the new gateway's namespace)" if kept != cleaned(
        policy.obj) else ""
    plan.notes.append(Note(policy.ref, "NetworkPolicy", f"kept as a Manifest{changed}: "
                                                        f"{reason}"))


def _issuer(obj: KubeObject) -> IssuerPlan | None:
    """The ClusterIssuer construct for an ACME issuer solving HTTP-01 through the edge."""
    acme = obj.spec.get("acme")
    if set(obj.spec) != {"acme"} or not isinstance(acme, dict) or set(acme) - {
            "email", "server", "privateKeySecretRef", "solvers"}:
        return None
    solvers = acme.get("solvers") or []
    http01 = (solvers[0] or {}).get("http01") if len(solvers) == 1 else None
    if not isinstance(http01, dict) or set(solvers[0]) != {"http01"} or len(http01) != 1 or (
            set(http01) - {"ingress", "gatewayHTTPRoute"}):
        return None
    email, server = acme.get("email"), str(acme.get("server", ""))
    if not isinstance(email, str) or "@" not in email or not server.startswith("https://"):
        return None
    named = {url: name for name, url in ACME_SERVERS.items()}
    key = str((acme.get("privateKeySecretRef") or {}).get("name") or f"{obj.name}-account-key")
    return IssuerPlan(obj.name, email, named.get(server, server),
                      None if key == f"{obj.name}-account-key" else key)


def _platform(inv: Inventory, plan: BlueprintPlan, target: Target) -> None:
    """Gateways and GatewayClasses in the form their constructs render become them."""
    kept = []
    for obj in [*inv.gateways, *inv.others]:
        if not obj.api_version.startswith(GATEWAY_GROUP) or obj.kind not in (
                "Gateway", "GatewayClass"):
            kept.append(obj)
            continue
        try:
            if obj.kind == "Gateway":
                plan.namespace(obj.namespace).gateways.append(gateway(obj, target))
            else:
                plan.gateway_classes.append(gateway_class(obj, target))
        except (NotAConstruct, TypeError, AttributeError, KeyError, ValueError) as exc:
            kept.append(obj)
            why = str(exc) if isinstance(exc, NotAConstruct) else "an unexpected shape"
            plan.notes.append(Note(obj.ref, obj.kind, f"kept as a Manifest: {why}"))
    inv.gateways = []
    inv.others = kept


def _others(inv: Inventory, plan: BlueprintPlan) -> None:
    for obj in [*inv.routes, *inv.listener_sets, *inv.gateways, *inv.certificates,
                *inv.rate_limits, *inv.others]:
        if obj.kind in GENERATED_KINDS:
            continue
        if obj.kind == "ClusterIssuer" and obj.api_version.startswith("cert-manager.io/"):
            try:
                issuer = _issuer(obj)
            except (TypeError, AttributeError, KeyError, ValueError):
                issuer = None  # an unexpected shape: kept as it is
            if issuer is not None:
                plan.issuers.append(issuer)
                if "ingress" in str(obj.spec):
                    plan.notes.append(Note(obj.ref, "solvers", "the HTTP-01 solver answers "
                                           "through the target's edge (the shared Gateway's "
                                           "HTTP listener), no longer an ingress class"))
                continue
        if obj.kind in KEPT_GATEWAY_KINDS and all(n.where != obj.ref for n in plan.notes):
            plan.notes.append(Note(obj.ref, obj.kind, "kept as a Manifest: no TlsIngress stands "
                                                      "for it (routes attach to a ListenerSet "
                                                      "netkit could import)"))
        if obj.kind == "Secret":
            plan.notes.append(Note(obj.ref, "Secret", "secrets are not written to a blueprint "
                                                      "(or to Git); manage them as before"))
            continue
        if is_cluster_scoped(obj.kind):
            plan.cluster_manifests.append(cleaned(obj.obj))
        else:
            plan.namespace(obj.namespace).manifests.append(cleaned(obj.obj))
