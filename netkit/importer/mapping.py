"""Input objects to a BlueprintPlan: namespaces, workloads, Services, entry points and
allows, and the objects kept as Manifests (never dropped), with a Note for each loss."""

from __future__ import annotations

from collections.abc import Mapping

from netkit.constructs.cluster_issuer import ACME_SERVERS
from netkit.importer.allows import import_policies
from netkit.importer.entries import Entries, NotAnEntry
from netkit.importer.fqdn import PREFIX as FQDN_PREFIX
from netkit.importer.fqdn import NotFqdnEgress, fqdn_egress
from netkit.importer.guardrails import import_guardrails
from netkit.importer.inferred import infer_workloads
from netkit.importer.inventory import (
    GATEWAY_GROUP,
    POD_SECURITY,
    Inventory,
    check_well_formed,
    cleaned,
    user_metadata,
)
from netkit.importer.mesh import import_mesh
from netkit.importer.plan import (
    DEFAULT_DNS,
    BlueprintPlan,
    IssuerPlan,
    Note,
    RenderedAgain,
    WorkloadPlan,
    as_id,
)
from netkit.importer.platform import NotAConstruct, gateway, gateway_class
from netkit.importer.policies import (
    Edge,
    zero_trust_pattern,
)
from netkit.importer.routes import GatewayObjects, import_gateway_api
from netkit.importer.security import client_cidr_policy
from netkit.importer.services import import_services
from netkit.importer.staged import unstaged
from netkit.k8s.kinds import is_cluster_scoped
from netkit.k8s.mcs import API_VERSION as MCS_API_VERSION
from netkit.k8s.meta import NAMESPACE_NAME_LABEL
from netkit.k8s.names import port_name_errors
from netkit.k8s.pods import DEFAULT_SERVICE_ACCOUNT
from netkit.objects import KubeObject
from netkit.target import Target

SYSTEM_NAMESPACES = ("kube-system", "kube-public", "kube-node-lease")
KEPT_GATEWAY_KINDS = ("HTTPRoute", "GRPCRoute", "TLSRoute", "TCPRoute", "UDPRoute",
                      "ListenerSet", "BackendTrafficPolicy", "RateLimitPolicy")
# Objects the API server or controllers make; an export has them, a blueprint must not.
GENERATED_KINDS = ("Event", "Endpoints", "EndpointSlice", "ControllerRevision", "Lease")


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
    keep, staged = unstaged(keep)
    inv = Inventory.of(keep)
    _namespaces(inv, plan)
    for ns_name in staged:
        plan.namespace(ns_name).staged = True
    _workloads(inv, plan)
    infer_workloads(inv.policies, plan, edge)
    import_services(inv, plan)
    _entries(inv, plan, target)
    _gateway_entries(inv, plan, target)
    _client_policies(plan)
    import_policies(inv, plan, edge)
    _fqdn_egress(inv, plan, target)
    _platform(inv, plan, target)
    inv.others = import_mesh(inv.others, plan, target)
    _guardrails(inv, plan)
    _exports(inv, plan)
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
        labels = user_metadata(obj.metadata.get("labels"))
        labels.pop(NAMESPACE_NAME_LABEL, None)
        levels = {labels.get(f"{POD_SECURITY}{m}") for m in ("enforce", "audit", "warn")}
        if len(levels) == 1 and None not in levels and not any(
                k.startswith(POD_SECURITY) and k.endswith("-version") for k in labels):
            ns.pod_security = levels.pop()
            labels = {k: v for k, v in labels.items() if not k.startswith(POD_SECURITY)}
        ns.labels = labels
        ns.annotations = {k: v for k, v in user_metadata(obj.metadata.get("annotations")).items()
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
        if ns.workload(as_id(w.name)) is not None:
            plan.notes.append(Note(where, "name", "another workload of this name is declared "
                                                  "already"))
            continue
        ports = {p.name: (p.port, p.protocol) for p in w.ports
                 if p.name and not port_name_errors(p.name)}
        account = None if w.service_account == DEFAULT_SERVICE_ACCOUNT else w.service_account
        ns.workloads.append(WorkloadPlan(as_id(w.name), dict(w.labels), ports,
                                         service_account=account))


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


def _gateway_entries(inv: Inventory, plan: BlueprintPlan, target: Target) -> None:
    used: list[KubeObject] = []
    for ns in plan.namespaces:
        def mine(objects: list[KubeObject], name: str = ns.name) -> list[KubeObject]:
            return [o for o in objects if o.namespace == name]
        objs = GatewayObjects(mine(inv.listener_sets), mine(inv.routes), mine(inv.certificates),
                              mine(inv.rate_limits), {n.name: n for n in plan.namespaces},
                              [o for o in inv.others if o.kind == "ReferenceGrant"], target)
        import_gateway_api(ns, objs)
        used += objs.consumed
        plan.notes.extend(objs.notes)
    for name in ("listener_sets", "routes", "certificates", "rate_limits", "others"):
        setattr(inv, name, [o for o in getattr(inv, name) if all(o is not u for u in used)])


def _issuer(obj: KubeObject) -> IssuerPlan | None:
    """The ClusterIssuer construct for an ACME issuer solving HTTP-01 through the edge."""
    acme = obj.spec.get("acme")
    if as_id(obj.name) != obj.name:  # the id is the rendered object's name
        return None
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


def _fqdn_egress(inv: Inventory, plan: BlueprintPlan, target: Target) -> None:
    """Cilium policies allow_egress_fqdn renders become those calls again."""
    kept = []
    for obj in inv.others:
        if obj.kind != "CiliumNetworkPolicy" or not obj.name.startswith(FQDN_PREFIX):
            kept.append(obj)
            continue
        try:
            plan.namespace(obj.namespace).fqdn_egress += fqdn_egress(
                obj, plan.namespace(obj.namespace), target)
        except (NotFqdnEgress, TypeError, AttributeError, KeyError, ValueError) as exc:
            kept.append(obj)
            why = str(exc) if isinstance(exc, NotFqdnEgress) else "an unexpected shape"
            plan.notes.append(Note(obj.ref, obj.kind, f"kept as a Manifest: {why}"))
    inv.others = kept


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


def _guardrails(inv: Inventory, plan: BlueprintPlan) -> None:
    """Cluster-wide policies ClusterGuardrails renders become that construct."""
    found, used, problems = import_guardrails(inv.others)
    plan.guardrails += found
    plan.rendered_again += [RenderedAgain(cleaned(o.obj), ("guardrails", gid))
                            for gid, o in used]
    plan.notes += [Note(f"ClusterGuardrails {gid}", "policies", f"kept as Manifests: {why}")
                   for gid, why in problems]
    inv.others = [o for o in inv.others if all(o is not u for _, u in used)]


def _exports(inv: Inventory, plan: BlueprintPlan) -> None:
    """A ServiceExport of a declared Service becomes ``Service(..., export=True)``."""
    kept = []
    namespaces = {ns.name: ns for ns in plan.namespaces}
    for obj in inv.others:
        ns = namespaces.get(obj.namespace)
        svc = ns.service(obj.name) if ns else None
        if obj.kind != "ServiceExport" or obj.api_version != MCS_API_VERSION or (
                svc is None or set(obj.obj) - {"apiVersion", "kind", "metadata"}):
            kept.append(obj)
            continue
        svc.export = True
        plan.rendered_again.append(RenderedAgain(cleaned(obj.obj),
                                                 ("export", obj.namespace, obj.name)))
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
