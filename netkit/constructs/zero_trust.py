"""ZeroTrustNamespace: default deny in both directions, DNS egress, and explicit allows."""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass

from netkit.constructs.flows import Endpoint, Flow, FlowSource, PortSpec
from netkit.constructs.namespace import Namespace, PodSecurityLevel
from netkit.constructs.workload import Workload
from netkit.errors import ConstructError
from netkit.k8s.meta import CLUSTER_DNS_NAMESPACE, CLUSTER_DNS_POD_LABELS
from netkit.spec import (
    PROTOCOLS,
    AnyPodIn,
    CidrPeer,
    Protocol,
    check_choice,
    check_port,
    host_errors,
)
from netkit.target import Enforcement
from netkit.tree import Construct

ENFORCEMENTS = ("enforced", "staged")

Peer = Workload | CidrPeer | AnyPodIn


@dataclass(frozen=True)
class DnsEgress:
    """Where pods resolve names: kube-dns pods, and optionally a NodeLocal DNSCache address."""

    namespace: str = CLUSTER_DNS_NAMESPACE
    pod_selector: tuple[tuple[str, str], ...] = CLUSTER_DNS_POD_LABELS
    node_local_address: str | None = None


@dataclass(frozen=True)
class FqdnEgress:
    """Egress from a workload to a DNS name (Cilium only)."""

    workload: Workload
    fqdn: str
    port: int
    protocol: str


class ZeroTrustNamespace(Namespace, FlowSource):
    """A namespace where nothing flows unless allowed; DNS to kube-dns always works."""

    def __init__(self, scope: Construct, id: str, *, name: str | None = None,
                 labels: Mapping[str, str] | None = None,
                 annotations: Mapping[str, str] | None = None,
                 pod_security: PodSecurityLevel | None = None,
                 dns: DnsEgress | None = None,
                 enforcement: Enforcement | None = None) -> None:
        super().__init__(scope, id, name=name, labels=labels, annotations=annotations,
                         pod_security=pod_security)
        # "staged" (default: the target's): policies evaluated and logged, not enforced
        if enforcement is not None:
            check_choice(enforcement, ENFORCEMENTS, self.display_path, field="enforcement")
        self.enforcement = enforcement
        self.dns = dns or DnsEgress()
        if self.dns.node_local_address is not None:
            try:
                ipaddress.ip_address(self.dns.node_local_address)
            except ValueError:
                raise ConstructError(self.display_path, f"node_local_address "
                                     f"{self.dns.node_local_address!r} is not an IP address",
                                     field="dns", hint="e.g. 169.254.20.10") from None
        self._flows: list[Flow] = []
        self.fqdn_egress: list[FqdnEgress] = []

    def flows(self) -> list[Flow]:
        """The flows opened with allow()."""
        return list(self._flows)

    def allow(self, src: Peer, *, to: Peer, port: int | str | None = None,
              protocol: Protocol | None = None, end_port: int | None = None) -> Flow:
        """Open ``src`` → ``to`` on ``port`` (a name of the destination, or a number)."""
        where = f"{self.display_path}: allow({_label(src)} -> {_label(to)})"
        for end in (src, to):
            if not isinstance(end, Workload | CidrPeer | AnyPodIn):
                raise ConstructError(where, f"unsupported peer {end!r}",
                                     hint="use a workload, cidr(...) or any_pod_in(...)")
            if isinstance(end, Workload) and end.node.root is not self.node.root:
                raise ConstructError(where, f"workload {end.ref} belongs to another blueprint",
                                     hint="refer to it with any_pod_in(namespace, pods=labels)")
        mine = [e for e in (src, to) if _namespace_of(e) == self.name]
        if not mine:
            raise ConstructError(where, f"neither end is in namespace {self.name}",
                                 hint="call allow() on the namespace of one of the ends")
        if not any(isinstance(e, Workload) for e in (src, to)):
            raise ConstructError(where, "at least one end must be a workload",
                                 hint="policies select pods; declare them with ns.workload()")
        flow = Flow(src, to, (self._port(where, to, port, protocol, end_port),), where)
        self._flows.append(flow)
        return flow

    def allow_egress_fqdn(self, workload: Workload, fqdn: str, *, port: int,
                          protocol: Protocol = "TCP") -> None:
        """Allow ``workload`` to reach the DNS name ``fqdn`` (needs a CNI with FQDN policy)."""
        where = f"{self.display_path}: allow_egress_fqdn({fqdn!r})"
        if workload.namespace() != self.name:
            raise ConstructError(where, f"workload {workload.ref} is not in {self.name}",
                                 hint="call it on the workload's own namespace")
        if errs := host_errors(fqdn):
            raise ConstructError(where, f"fqdn {fqdn!r}: {errs[0]}", field="fqdn",
                                 hint="e.g. api.stripe.com or *.stripe.com")
        check_port(port, where, hint="a TCP/UDP port number")
        self.fqdn_egress.append(FqdnEgress(workload, fqdn, port, protocol))

    @staticmethod
    def _port(where: str, to: Endpoint, port: int | str | None, protocol: Protocol | None,
              end_port: int | None) -> PortSpec:
        if protocol is not None:
            check_choice(protocol, PROTOCOLS, where, field="protocol")
        if port is None:
            if end_port is not None:
                raise ConstructError(where, "end_port needs a numeric port", field="end_port",
                                     hint="give the range's first port as port=")
            return PortSpec(protocol or "TCP")
        if isinstance(port, str) and not isinstance(to, Workload):
            raise ConstructError(where, f"named port {port!r} needs a workload destination",
                                 field="port", hint="named ports resolve on the destination "
                                 "pods; use a number for CIDRs and other namespaces' pods")
        if end_port is not None:
            if isinstance(port, str):
                raise ConstructError(where, "end_port needs a numeric port", field="end_port",
                                     hint="give port as a number")
            if isinstance(port, int) and not port <= end_port <= 65535:
                raise ConstructError(where, f"end_port {end_port} must be in {port}-65535",
                                     field="end_port", hint="end_port is the range's last "
                                                            "port, inclusive")
        if isinstance(to, Workload) and end_port is None:
            resolved = to.resolve_port(port, where, protocol)
            return PortSpec(resolved.protocol, resolved.port)
        return PortSpec(protocol or "TCP", check_port(port, where), end_port)


def _namespace_of(end: Peer) -> str | None:
    if isinstance(end, Workload):
        return end.namespace()
    if isinstance(end, AnyPodIn):
        return end.namespace if end.cluster is None else None
    return None


def _label(end: object) -> str:
    if isinstance(end, Workload):
        return end.ref
    if isinstance(end, CidrPeer):
        return end.cidr
    if isinstance(end, AnyPodIn):
        return f"{end.cluster + ':' if end.cluster else ''}{end.namespace}/*"
    return type(end).__name__
