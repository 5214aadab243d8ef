"""Service and RateLimitedService: a stable address for a workload's pods."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from netkit.constructs.workload import Workload
from netkit.errors import ConstructError
from netkit.k8s.core import DEFAULT_NODE_PORTS
from netkit.k8s.names import dns1035_label_errors
from netkit.spec import (
    Protocol,
    RateLimit,
    WorkloadPort,
    canonical_network,
    check_choice,
    check_metadata_map,
    check_port,
    parse,
)
from netkit.tree import Construct

ServiceType = Literal["ClusterIP", "NodePort", "LoadBalancer"]
Cloud = Literal["aws", "gcp", "azure"]


@dataclass(frozen=True)
class ServicePort:
    """One resolved port of a Service."""

    port: int
    target: WorkloadPort
    target_port: int | str
    name: str | None
    node_port: int | None
    app_protocol: str | None


class Service(Construct):
    """A Service selecting ``workload``'s pods, exposing ``port`` → ``target_port``;
    ``export=True`` makes it reachable from the other clusters of a cluster set."""

    def __init__(self, scope: Construct, id: str, *, workload: Workload, port: int,
                 target_port: int | str | None = None, protocol: Protocol | None = None,
                 port_name: str | None = None, app_protocol: str | None = None,
                 type: ServiceType = "ClusterIP", headless: bool = False,
                 node_port: int | None = None,
                 node_port_range: tuple[int, int] = DEFAULT_NODE_PORTS,
                 load_balancer_source_ranges: Sequence[str] = (),
                 external_traffic_policy: Literal["Cluster", "Local"] | None = None,
                 cloud: Cloud | None = None, internal: bool = False,
                 labels: Mapping[str, str] | None = None,
                 annotations: Mapping[str, str] | None = None,
                 export: bool = False) -> None:
        super().__init__(scope, id)
        where = self.display_path
        if errs := dns1035_label_errors(id):
            raise ConstructError(where, f"Service name {id!r} is not a DNS-1035 label: {errs[0]}",
                                 hint="Service names must start with a letter")
        if scope.namespace() is None:
            raise ConstructError(where, "a Service must be created in a namespace",
                                 hint="use the namespace construct as its scope")
        if not isinstance(workload, Workload):
            raise ConstructError(where, "workload must be a Workload", field="workload",
                                 hint="pass the result of ns.workload(...)")
        if workload.namespace() != scope.namespace():
            raise ConstructError(where, f"workload {workload.ref} is not in namespace "
                                 f"{scope.namespace()}", field="workload",
                                 hint="a Service only selects pods of its own namespace")
        check_choice(type, ("ClusterIP", "NodePort", "LoadBalancer"), where, field="type")
        self.workload = workload
        self.type = type
        self.headless = headless
        self.export = export
        self._check_exposure(node_port, node_port_range, load_balancer_source_ranges,
                             external_traffic_policy, cloud, internal)
        check_port(port, where, hint="the port clients connect to, e.g. 80")
        target_spec: int | str = port if target_port is None else target_port
        target = workload.resolve_port(target_spec, f"{where}: target_port", protocol)
        name = port_name or (target_spec if isinstance(target_spec, str) else None)
        self.ports = [ServicePort(port, target, target_spec, name, node_port, app_protocol)]
        self.node_port_range = node_port_range
        self.load_balancer_source_ranges = list(load_balancer_source_ranges)
        self.external_traffic_policy = external_traffic_policy
        self.cloud = cloud
        self.internal = internal
        self.labels = check_metadata_map(labels, where, "labels", labels=True)
        self.annotations = check_metadata_map(annotations, where, "annotations", labels=False)

    def _check_exposure(self, node_port: int | None, node_port_range: tuple[int, int],
                        ranges: Sequence[str], etp: str | None, cloud: str | None,
                        internal: bool) -> None:
        where, kind = self.display_path, self.type
        exposed = kind in ("NodePort", "LoadBalancer")
        if self.headless and kind != "ClusterIP":
            raise ConstructError(where, "a headless Service must be of type ClusterIP",
                                 field="headless", hint="drop type= or headless=True")
        if node_port is not None:
            if not exposed:
                raise ConstructError(where, f"node_port needs type NodePort or LoadBalancer, "
                                     f"not {kind}", field="node_port",
                                     hint="set type='NodePort' or drop node_port")
            low, high = node_port_range
            if not low <= node_port <= high:
                raise ConstructError(where, f"node_port {node_port} is outside the node port "
                                     f"range {low}-{high}", field="node_port",
                                     hint="pick a port in range or pass node_port_range= to "
                                          "match the apiserver's --service-node-port-range")
        if ranges and kind != "LoadBalancer":
            raise ConstructError(where, "load_balancer_source_ranges needs type LoadBalancer",
                                 field="load_balancer_source_ranges",
                                 hint="set type='LoadBalancer' or restrict with a "
                                      "ZeroTrustNamespace allow() instead")
        for block in ranges:
            try:
                canonical_network(block)
            except ValueError as exc:
                raise ConstructError(where, str(exc), field="load_balancer_source_ranges",
                                     hint="use canonical CIDRs like 203.0.113.0/24") from None
        if etp is not None and not exposed:
            raise ConstructError(where, "external_traffic_policy needs type NodePort or "
                                 "LoadBalancer", field="external_traffic_policy",
                                 hint="set type= or drop external_traffic_policy")
        if etp is not None:
            check_choice(etp, ("Cluster", "Local"), where, field="external_traffic_policy")
        if cloud is not None:
            check_choice(cloud, ("aws", "gcp", "azure"), where, field="cloud")
        if internal and (kind != "LoadBalancer" or cloud is None):
            raise ConstructError(where, "internal=True needs type LoadBalancer and cloud=",
                                 field="internal", hint="e.g. cloud='aws'")

    @property
    def name(self) -> str:
        """The Service's name (its id)."""
        return self.node.id

    @property
    def port(self) -> ServicePort:
        """The Service's (first) port."""
        return self.ports[0]

    @property
    def ref(self) -> str:
        """``namespace/name``."""
        return f"{self.namespace()}/{self.name}"

    @property
    def clusterset_address(self) -> str:
        """The name consumers in every cluster of the set resolve (an exported Service)."""
        if not self.export:
            raise ConstructError(self.display_path, f"{self.ref} is not exported, so it has "
                                 "no clusterset.local name", field="export",
                                 hint="create it with export=True")
        return f"{self.name}.{self.namespace()}.svc.clusterset.local"

    def service_port(self, port: int | None, where: str) -> ServicePort:
        """The Service port numbered ``port`` (default: the first)."""
        if port is None:
            return self.ports[0]
        for p in self.ports:
            if p.port == port:
                return p
        raise ConstructError(where, f"Service {self.ref} has no port {port} "
                             f"(ports: {', '.join(str(p.port) for p in self.ports)})",
                             field="port", hint="route to one of the Service's ports")


class RateLimitedService(Service):
    """A Service whose entry points enforce a request rate limit.

    Limits are enforced by the gateway or ingress proxies. ``per_client_ip`` defaults to the
    target's natural keying: one shared bucket on Envoy Gateway (a Local limit), one bucket
    per client IP on NGINX Gateway Fabric and ingress-nginx. These local limits count per
    proxy replica: three replicas admit three times the rate. ``per_client_ip=True`` on Envoy
    Gateway renders a Global limit, which needs its rate limit service (Redis); ``False`` is
    an error on ingress-nginx, whose limits are always per client IP.
    """

    def __init__(self, scope: Construct, id: str, *, workload: Workload, port: int,
                 target_port: int | str | None = None, rps: int | None = None,
                 rpm: int | None = None, burst: int | None = None,
                 per_client_ip: bool | None = None, allowlist: Sequence[str] = (),
                 status_code: int | None = None, **options: object) -> None:
        super().__init__(scope, id, workload=workload, port=port, target_port=target_port,
                         **options)  # type: ignore[arg-type]
        limit = parse(RateLimit, self.display_path, rps=rps, rpm=rpm, burst=burst,
                      per_client_ip=per_client_ip, allowlist=tuple(allowlist),
                      status_code=status_code)
        assert isinstance(limit, RateLimit)
        self.limit = limit
