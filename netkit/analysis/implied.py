"""The cluster's own parts that policies target though an input rarely holds them: the cluster
DNS pods and the API server.

Cluster DNS is implied as one endpoint, ``<dns namespace>/kube-dns`` (kind ``ClusterDNS``):
the CoreDNS pods with their labels and named ports ``dns`` (53/UDP), ``dns-tcp`` (53/TCP) and
``metrics`` (9153/TCP). It is added when some NetworkPolicy selects such pods or names them
as a peer, and the input holds none (no pod or workload in that namespace carries the DNS
labels).

The API server is implied as ``default/kubernetes`` (kind ``APIServer``; one endpoint per
address, ``default/kubernetes[ADDRESS]``, when there are several): the endpoints of the
``default/kubernetes`` Service. They run on the control-plane hosts' network, so no
NetworkPolicy selects them and pod selectors never match them; only an ipBlock holding their
address does, as for the world outside. Their addresses and port come from the Endpoints or
EndpointSlice of that Service when the input holds one, else from the configuration; with
neither, the API server is not implied (an ipBlock cannot be decided without its address).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from netkit.k8s.meta import CLUSTER_DNS_NAMESPACE, CLUSTER_DNS_POD_LABELS
from netkit.k8s.pods import ContainerPort, PodTemplate
from netkit.objects import as_dict, as_list

DNS_KIND = "ClusterDNS"
API_SERVER_KIND = "APIServer"
IMPLIED_KINDS = (DNS_KIND, API_SERVER_KIND)
DNS_NAME = "kube-dns"
API_SERVER_NAMESPACE, API_SERVER_NAME = "default", "kubernetes"
DNS_PORTS = (ContainerPort("dns", 53, "UDP"), ContainerPort("dns-tcp", 53, "TCP"),
             ContainerPort("metrics", 9153, "TCP"))


@dataclass(frozen=True)
class ClusterParts:
    """Which parts of the cluster to imply, and how to recognise them."""

    dns: bool = True
    dns_namespace: str = CLUSTER_DNS_NAMESPACE
    dns_labels: tuple[tuple[str, str], ...] = CLUSTER_DNS_POD_LABELS
    api_server: bool = True
    api_server_addresses: tuple[str, ...] = ()
    api_server_port: int = 6443

    def dns_template(self) -> PodTemplate:
        """The cluster DNS pods as one endpoint's template."""
        return PodTemplate(self.dns_namespace, DNS_NAME, DNS_KIND, dict(self.dns_labels),
                           list(DNS_PORTS))

    def is_dns(self, template: PodTemplate) -> bool:
        """Whether the input's ``template`` is (part of) cluster DNS."""
        return template.namespace == self.dns_namespace and all(
            template.labels.get(k) == v for k, v in self.dns_labels)

    def api_server_templates(self, objects: Iterable[dict[str, Any]]) -> list[PodTemplate]:
        """The API server's endpoints: from the input's Endpoints or EndpointSlices of the
        ``default/kubernetes`` Service, else the configured addresses."""
        if not self.api_server:
            return []
        found: dict[str, int] = {}
        for obj in objects:
            for address, port in _service_endpoints(obj, self.api_server_port):
                found.setdefault(address, port)
        if not found:
            found = dict.fromkeys(self.api_server_addresses, self.api_server_port)
        several = len(found) > 1
        return [PodTemplate(API_SERVER_NAMESPACE,
                            f"{API_SERVER_NAME}[{address}]" if several else API_SERVER_NAME,
                            API_SERVER_KIND, {}, [ContainerPort("https", port)], address)
                for address, port in sorted(found.items())]


def _https_port(ports: Any, default: int) -> int:
    for p in as_list(ports):
        if isinstance(p, dict) and isinstance(p.get("port"), int) and (
                p.get("protocol") or "TCP") == "TCP":
            return int(p["port"])
    return default


def _service_endpoints(obj: dict[str, Any], default_port: int) -> list[tuple[str, int]]:
    """(address, port) of an Endpoints or EndpointSlice object of the API server's Service."""
    md = as_dict(obj.get("metadata"))
    if (md.get("namespace") or "default") != API_SERVER_NAMESPACE:
        return []
    kind, version = obj.get("kind"), obj.get("apiVersion")
    if kind == "Endpoints" and version == "v1" and md.get("name") == API_SERVER_NAME:
        return [(str(a["ip"]), _https_port(as_dict(subset).get("ports"), default_port))
                for subset in as_list(obj.get("subsets"))
                for a in as_list(as_dict(subset).get("addresses"))
                if isinstance(a, dict) and a.get("ip")]
    service = as_dict(md.get("labels")).get("kubernetes.io/service-name")
    if kind == "EndpointSlice" and version == "discovery.k8s.io/v1" and (
            service == API_SERVER_NAME):
        port = _https_port(obj.get("ports"), default_port)
        return [(str(a), port) for e in as_list(obj.get("endpoints"))
                for a in as_list(as_dict(e).get("addresses"))]
    return []
