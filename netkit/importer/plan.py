"""The blueprint an import will write, as data: namespaces, workloads, Services, entry
points, allows and the objects kept as they are, plus what was not carried over."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any


def as_id(text: str) -> str:
    """``text`` as a construct id (a DNS-1123 label): object names may hold dots and run to
    253 characters."""
    out = re.sub(r"[^a-z0-9-]+", "-", text.lower()).strip("-")[:63].rstrip("-")
    return out or "x"


@dataclass(frozen=True)
class Note:
    """Something of ``where`` (an object) that the blueprint does not carry over, and why."""

    where: str
    subject: str
    reason: str

    def line(self) -> str:
        """``where: subject: reason``."""
        return f"{self.where}: {self.subject}: {self.reason}"


@dataclass(frozen=True)
class WorkloadRef:
    """A declared workload, by namespace and name."""

    namespace: str
    name: str


@dataclass(frozen=True)
class CidrRef:
    """``cidr(block, except_=...)``."""

    block: str
    excepts: tuple[str, ...] = ()


@dataclass(frozen=True)
class AnyPodRef:
    """``any_pod_in(namespace, pods=...)``."""

    namespace: str
    pods: tuple[tuple[str, str], ...] | None = None


PeerRef = WorkloadRef | CidrRef | AnyPodRef


@dataclass(frozen=True)
class AllowPlan:
    """``ns.allow(src, to=dst, port=..., protocol=..., end_port=...)``."""

    src: PeerRef
    dst: PeerRef
    port: int | str | None
    protocol: str | None
    end_port: int | None = None


@dataclass
class WorkloadPlan:
    """``ns.workload(name, labels=..., ports=...)``; ports are name → (number, protocol)."""

    name: str
    labels: dict[str, str]
    ports: dict[str, tuple[int, str]] = field(default_factory=dict)
    inferred: bool = False  # from the pods policies select, not from a workload object
    service_account: str | None = None  # the mesh identity (None: Kubernetes' default)
    edge_ports: set[tuple[int, str]] = field(default_factory=set)


@dataclass
class RatePlan:
    """The rate limit of a RateLimitedService."""

    rps: int | None = None
    rpm: int | None = None
    burst: int | None = None
    allowlist: tuple[str, ...] = ()
    per_client_ip: bool | None = None
    status_code: int | None = None


@dataclass
class ServicePlan:
    """``Service(...)`` or, with ``rate``, ``RateLimitedService(...)``."""

    name: str
    workload: str
    port: int
    target_port: int | str | None = None
    protocol: str | None = None
    port_name: str | None = None
    app_protocol: str | None = None
    type: str = "ClusterIP"
    headless: bool = False
    node_port: int | None = None
    load_balancer_source_ranges: tuple[str, ...] = ()
    external_traffic_policy: str | None = None
    cloud: str | None = None
    internal: bool = False
    labels: dict[str, str] = field(default_factory=dict)
    annotations: dict[str, str] = field(default_factory=dict)
    rate: RatePlan | None = None
    export: bool = False  # a ServiceExport joins it to the cluster set


@dataclass(frozen=True)
class RoutePlan:
    """``ingress.route(path, service, port, path_type)``."""

    path: str
    path_type: str
    service: str
    port: int | None = None
    service_namespace: str | None = None  # another namespace's Service (None: the entry's)


@dataclass(frozen=True)
class CanaryPlan:
    """``CanaryRoute(ingress, id, path=..., stable=..., canary=..., <mode>)``."""

    id: str
    path: str
    stable: str
    canary: str
    canary_port: int | None = None
    canary_namespace: str | None = None
    weight: int | None = None
    header: str | None = None
    header_value: str | None = None
    cookie: str | None = None
    mirror_percent: int | None = None


@dataclass
class EntryPlan:
    """``TlsIngress(ns, id, hosts=..., ...)`` with its routes and canaries."""

    id: str
    hosts: list[str]
    issuer: str | None = None
    issuer_kind: str = "ClusterIssuer"
    secret: str | None = None
    redirect_http: bool = True
    hsts: bool = True
    hsts_max_age: int = 31536000
    hsts_include_subdomains: bool = True
    acme_http01: bool = True
    client_cidrs: tuple[str, ...] = ()
    routes: list[RoutePlan] = field(default_factory=list)
    canaries: list[CanaryPlan] = field(default_factory=list)
    source: str = ""


@dataclass(frozen=True)
class FqdnPlan:
    """``ns.allow_egress_fqdn(workload, fqdn, port=..., protocol=...)``."""

    workload: str
    fqdn: str
    port: int
    protocol: str = "TCP"


@dataclass(frozen=True)
class DnsPlan:
    """A ZeroTrustNamespace's DNS egress, when it differs from the default."""

    namespace: str
    pods: tuple[tuple[str, str], ...]
    node_local_address: str | None = None


DEFAULT_DNS = DnsPlan("kube-system", (("k8s-app", "kube-dns"),))  # DnsEgress()'s


@dataclass
class NamespacePlan:
    """A Namespace or ZeroTrustNamespace and everything declared in it."""

    name: str
    zero_trust: bool = False
    staged: bool = False  # its policies were Calico staged policies
    labels: dict[str, str] = field(default_factory=dict)
    annotations: dict[str, str] = field(default_factory=dict)
    pod_security: str | None = None
    dns: DnsPlan | None = None
    workloads: list[WorkloadPlan] = field(default_factory=list)
    services: list[ServicePlan] = field(default_factory=list)
    entries: list[EntryPlan] = field(default_factory=list)
    gateways: list[GatewayPlan] = field(default_factory=list)
    allows: list[AllowPlan] = field(default_factory=list)
    fqdn_egress: list[FqdnPlan] = field(default_factory=list)
    manifests: list[dict[str, Any]] = field(default_factory=list)

    def workload(self, name: str) -> WorkloadPlan | None:
        """The workload called ``name``, if declared."""
        return next((w for w in self.workloads if w.name == name), None)

    def service(self, name: str) -> ServicePlan | None:
        """The Service called ``name``, if declared."""
        return next((s for s in self.services if s.name == name), None)

    def dns_plan(self) -> DnsPlan:
        """Where this namespace's pods resolve names."""
        return self.dns or DEFAULT_DNS

    def backends(self) -> set[tuple[str, str]]:
        """(namespace, Service) of every route and canary of this namespace's entries."""
        return {(r.service_namespace or self.name, r.service) for e in self.entries
                for r in e.routes} | {(c.canary_namespace or self.name, c.canary)
                                      for e in self.entries for c in e.canaries}


@dataclass(frozen=True)
class ListenerPlan:
    """``listener(name, port, protocol, hostname=..., tls_secret=...)``."""

    name: str
    port: int
    protocol: str = "HTTP"
    hostname: str | None = None
    tls_secret: str | None = None


@dataclass
class GatewayPlan:
    """``Gateway(ns, name, ...)``: listeners and which namespaces may attach."""

    name: str
    listeners: list[ListenerPlan]
    gateway_class: str | None = None
    allowed_routes: str = "All"
    route_namespace_labels: dict[str, str] = field(default_factory=dict)
    allowed_listener_sets: str = "All"
    listener_set_namespace_labels: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class GatewayClassPlan:
    """``GatewayClass(bp, name, controller_name=..., description=...)``."""

    name: str
    controller_name: str | None = None
    description: str | None = None


@dataclass(frozen=True)
class IssuerPlan:
    """``ClusterIssuer(bp, name, email=..., server=..., private_key_secret=...)``."""

    name: str
    email: str
    server: str
    private_key_secret: str | None = None


@dataclass(frozen=True)
class RenderedAgain:
    """An input object a construct of the plan renders again: ``owner`` is that construct
    (``("guardrails", id)``, ``("export", namespace, name)`` or ``("mesh", namespace)``)."""

    obj: dict[str, Any]
    owner: tuple[str, ...]


@dataclass(frozen=True)
class GuardrailsPlan:
    """``ClusterGuardrails(bp, id, priority=..., ...)``: only options that differ from the
    construct's defaults are set."""

    id: str
    priority: int
    options: tuple[tuple[str, Any], ...] = ()


@dataclass
class BlueprintPlan:
    """The whole blueprint: its name, target fields, namespaces and cluster-scoped objects."""

    name: str
    target: dict[str, str]
    sources: list[str]
    namespaces: list[NamespacePlan] = field(default_factory=list)
    cluster_manifests: list[dict[str, Any]] = field(default_factory=list)
    issuers: list[IssuerPlan] = field(default_factory=list)
    gateway_classes: list[GatewayClassPlan] = field(default_factory=list)
    guardrails: list[GuardrailsPlan] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    # Input objects the plan's constructs render again (checked once the blueprint renders;
    # those it does not render the same are kept as Manifests).
    rendered_again: list[RenderedAgain] = field(default_factory=list)

    def namespace(self, name: str) -> NamespacePlan:
        """The namespace plan called ``name``, created on first use."""
        for ns in self.namespaces:
            if ns.name == name:
                return ns
        ns = NamespacePlan(name)
        self.namespaces.append(ns)
        return ns
