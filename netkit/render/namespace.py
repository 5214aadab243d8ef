"""Renderers for Namespace and ZeroTrustNamespace."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from netkit.capabilities import (
    PROXIES_BESIDE_GATEWAY,
    edge_entity,
    require_fqdn_egress,
    require_network_policy,
    require_staged,
)
from netkit.constructs.flows import EdgePeer, Flow, blueprint_flows
from netkit.constructs.namespace import Namespace
from netkit.constructs.workload import Workload
from netkit.constructs.zero_trust import ZeroTrustNamespace
from netkit.errors import CapabilityError
from netkit.k8s import core
from netkit.k8s import networking as np
from netkit.k8s.calico import staged_kubernetes_policy
from netkit.k8s.cilium import entity_ingress_policy, fqdn_egress_policy
from netkit.k8s.linkerd import DEFAULT_INBOUND_POLICY
from netkit.render.context import RenderContext
from netkit.render.mesh import Inbound, inbound
from netkit.render.mesh_istio import istio_objects
from netkit.render.mesh_linkerd import linkerd_objects
from netkit.render.policy_rules import allow_policies, flows_by_namespace
from netkit.render.remote_peers import remote_policies
from netkit.target import Target

POD_SECURITY_MODES = ("enforce", "audit", "warn")
DEFAULT_DENY = "default-deny"
DNS_EGRESS = "allow-dns-egress"

# Target.mesh → the identity-based authorization it renders for a zero-trust namespace, and
# the namespace labels and annotations that mesh the pods and deny unlisted inbound traffic.
MESHES: dict[str, Callable[[ZeroTrustNamespace, list[Inbound], Target], list[dict[str, Any]]]
             ] = {"istio": istio_objects, "linkerd": linkerd_objects}
MESH_LABELS = {"istio": {"istio-injection": "enabled"}, "linkerd": {}}
MESH_ANNOTATIONS = {"istio": {}, "linkerd": {"linkerd.io/inject": "enabled",
                                             DEFAULT_INBOUND_POLICY: "deny"}}


def namespace_object(ns: Namespace, mesh: str | None = None) -> dict[str, Any]:
    """The Namespace, with pod-security labels when a level is set, meshed by ``mesh``
    (the namespace's own labels and annotations win)."""
    labels: dict[str, str] = dict(MESH_LABELS.get(mesh or "", {})) | dict(ns.labels)
    if ns.pod_security:
        for mode in POD_SECURITY_MODES:
            labels[f"pod-security.kubernetes.io/{mode}"] = ns.pod_security
    annotations = dict(MESH_ANNOTATIONS.get(mesh or "", {})) | dict(ns.annotations)
    return core.namespace(ns.name, labels=labels, annotations=annotations)


def render_namespace(ns: Namespace, ctx: RenderContext) -> None:
    """Emit the Namespace."""
    ctx.emit(ns, namespace_object(ns))


def dns_egress(ns: ZeroTrustNamespace) -> dict[str, Any]:
    """Egress from every pod to kube-dns (and NodeLocal DNSCache) on UDP and TCP 53."""
    peers = [np.pod_peer(dict(ns.dns.pod_selector), namespace=ns.dns.namespace)]
    if ns.dns.node_local_address:
        suffix = "/128" if ":" in ns.dns.node_local_address else "/32"
        peers.append(np.ip_peer(ns.dns.node_local_address + suffix))
    ports = [np.policy_port(53, protocol="UDP"), np.policy_port(53, protocol="TCP")]
    return np.network_policy(DNS_EGRESS, ns.name, pod_selector=None, policy_types=["Egress"],
                             egress=[np.rule(peers, ports, direction="egress")])


def _check_no_gateway_inside(ns: ZeroTrustNamespace, flows: list[Flow], target: Target) -> None:
    """Fail when a dedicated Gateway's proxies would run inside ``ns``: default deny would
    isolate them, and netkit does not open their way in, out to the backends or to the control
    plane."""
    if (target.ingress != "gateway-api" or target.gateway_mode != "dedicated"
            or target.gateway not in PROXIES_BESIDE_GATEWAY):
        return
    for flow in flows:
        if isinstance(flow.src, EdgePeer) and flow.src.gateway is not None and (
                flow.src.gateway[0] == ns.name):
            raise CapabilityError(ns.display_path, f"with gateway={target.gateway!r} and "
                                  "gateway_mode='dedicated' the proxies of Gateway "
                                  f"{flow.src.gateway[1]} ({flow.origin}) run in this "
                                  "ZeroTrustNamespace, whose default deny would isolate them",
                                  hint="use gateway_mode=shared, or create the entry point in a "
                                       "plain Namespace and route to the Services across")


def _edge_entity_policies(ns: ZeroTrustNamespace, flows: list[Flow], entity: str
                          ) -> list[dict[str, Any]]:
    """``allow-edge-<w>`` CiliumNetworkPolicies admitting the edge ``entity`` to each workload
    of ``ns`` on the ports its flows ask for."""
    ports: dict[str, list[tuple[int, str]]] = {}
    for flow in flows:
        dst = flow.dst
        if isinstance(dst, Workload) and dst.namespace() == ns.name:
            wanted = ports.setdefault(dst.name, [])
            for spec in flow.ports:
                if spec.port is None or spec.end_port is not None:
                    raise CapabilityError(flow.origin, "a Cilium edge policy admits single "
                                          "ports", hint="list the ports one by one")
                if (spec.port, spec.protocol) not in wanted:
                    wanted.append((spec.port, spec.protocol))
    return [entity_ingress_policy(f"allow-edge-{w.name}", ns.name, pods=w.labels, entity=entity,
                                  ports=ports[w.name])
            for w in ns.workloads() if w.name in ports]


def render_zero_trust(ns: ZeroTrustNamespace, ctx: RenderContext) -> None:
    """Emit the Namespace, default deny, DNS egress and the merged allow policies (as
    Calico staged policies when the namespace's enforcement is staged; and, with a mesh, its
    identity-based authorization of the same flows)."""
    require_network_policy(ctx.target, ns.display_path, "ZeroTrustNamespace")
    staged = (ns.enforcement or ctx.target.enforcement) == "staged"
    if staged:
        require_staged(ctx.target, ns.display_path)
    enforce = staged_kubernetes_policy if staged else (lambda p: p)
    ctx.emit(ns, namespace_object(ns, ctx.target.mesh))
    ctx.emit(ns, enforce(np.network_policy(DEFAULT_DENY, ns.name, pod_selector=None,
                                           policy_types=["Ingress", "Egress"])))
    ctx.emit(ns, enforce(dns_egress(ns)))
    every = ctx.memo("flows", lambda: blueprint_flows(ctx.blueprint))
    _check_no_gateway_inside(ns, every, ctx.target)
    flows = ctx.memo("flows by namespace", lambda: flows_by_namespace(every)).get(ns.name, [])
    entity = edge_entity(ctx.target)
    inside = [f for f in flows if entity is None or not isinstance(f.src, EdgePeer)]
    for policy in allow_policies(ns.name, inside, ctx.target):
        ctx.emit(ns, enforce(policy))
    if entity is not None:  # Cilium's own policies: never staged (Calico stages)
        for policy in _edge_entity_policies(ns, [f for f in flows if f not in inside], entity):
            ctx.emit(ns, policy)
    for policy in remote_policies(ns.name, flows, ctx.target):
        ctx.emit(ns, policy)
    if ctx.target.mesh is not None:
        for obj in MESHES[ctx.target.mesh](ns, inbound(ns.name, flows, ctx.target), ctx.target):
            ctx.emit(ns, obj)
    by_workload: dict[str, list[tuple[str, int, str]]] = {}
    for fq in ns.fqdn_egress:
        require_fqdn_egress(ctx.target, f"{ns.display_path}: allow_egress_fqdn({fq.fqdn!r})")
        by_workload.setdefault(fq.workload.name, []).append((fq.fqdn, fq.port, fq.protocol))
    for name, targets in by_workload.items():
        workload = next(w for w in ns.workloads() if w.name == name)
        ctx.emit(ns, fqdn_egress_policy(f"allow-fqdn-egress-{name}", ns.name,
                                        pods=workload.labels, targets=targets,
                                        dns_namespace=ns.dns.namespace,
                                        dns_pods=dict(ns.dns.pod_selector)))
