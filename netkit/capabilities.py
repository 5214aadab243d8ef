"""What each CNI and gateway implementation can enforce or express."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from netkit.errors import CapabilityError

if TYPE_CHECKING:
    from netkit.target import Target


CLUSTER_NETWORK_POLICY = "ClusterNetworkPolicy"
CILIUM_CLUSTERWIDE_POLICY = "CiliumClusterwideNetworkPolicy"


@dataclass(frozen=True)
class Cni:
    """A CNI plugin's NetworkPolicy support."""

    network_policy: bool
    end_port: bool = True
    fqdn_egress: bool = False
    cluster_policy: str | None = None
    note: str = ""


# cluster_policy: the cluster-wide policy kind the CNI implements ("ClusterNetworkPolicy" of
# kubernetes-sigs/network-policy-api, or Cilium's own CiliumClusterwideNetworkPolicy).
CNIS: dict[str, Cni] = {
    "calico": Cni(network_policy=True, cluster_policy=CLUSTER_NETWORK_POLICY),
    "cilium": Cni(network_policy=True, fqdn_egress=True,
                  cluster_policy=CILIUM_CLUSTERWIDE_POLICY),
    "antrea": Cni(network_policy=True, cluster_policy=CLUSTER_NETWORK_POLICY),
    "kindnet": Cni(network_policy=True, cluster_policy=CLUSTER_NETWORK_POLICY),
    "aws-vpc-cni": Cni(network_policy=True, note="needs the VPC CNI network policy agent"),
    "weave": Cni(network_policy=True, end_port=False),
    "flannel": Cni(network_policy=False,
                   note="flannel only routes pod traffic; it never enforces NetworkPolicy"),
}

GATEWAY_CONTROLLERS: dict[str, str] = {
    "envoy-gateway": "gateway.envoyproxy.io/gatewayclass-controller",
    "nginx-gateway-fabric": "gateway.nginx.org/nginx-gateway-controller",
}

# Entry points that can enforce a request rate limit (the Gateway API standard has none).
RATE_LIMITERS = ("envoy-gateway", "nginx-gateway-fabric", "ingress-nginx")


def require_network_policy(target: Target, where: str, what: str) -> None:
    """Fail unless the target's CNI enforces NetworkPolicy."""
    if not CNIS[target.cni].network_policy:
        enforcing = ", ".join(sorted(k for k, v in CNIS.items() if v.network_policy))
        raise CapabilityError(where, f"{what} needs NetworkPolicy enforcement, but cni="
                              f"{target.cni!r} does not enforce it ({CNIS[target.cni].note})",
                              hint=f"use a CNI that enforces NetworkPolicy ({enforcing}), or a "
                                   "plain Namespace and accept that nothing is isolated")


def require_fqdn_egress(target: Target, where: str) -> None:
    """Fail unless the target's CNI can allow egress to DNS names."""
    if not CNIS[target.cni].fqdn_egress:
        able = ", ".join(sorted(k for k, v in CNIS.items() if v.fqdn_egress))
        raise CapabilityError(where, f"egress to a DNS name is not expressible with cni="
                              f"{target.cni!r}; Kubernetes NetworkPolicy matches only IPs",
                              hint=f"supported by: {able}; otherwise allow the service's CIDRs")


def require_end_port(target: Target, where: str) -> None:
    """Fail unless the target's CNI honours NetworkPolicy endPort."""
    if not CNIS[target.cni].end_port:
        raise CapabilityError(where, f"cni={target.cni!r} ignores endPort, so a port range "
                              "would silently allow only its first port",
                              hint="list the ports one by one")


def require_rate_limits(target: Target, where: str, service: str) -> str:
    """The target's rate-limiting entry point; fail when it has none, so a limit is never
    silently dropped."""
    limiter = "ingress-nginx" if target.ingress == "ingress-nginx" else target.gateway
    if limiter not in RATE_LIMITERS:
        raise CapabilityError(where, f"{service} is rate limited, but target gateway="
                              f"{target.gateway!r} has no rate-limit policy (the Gateway API "
                              "standard has none), so the limit would be enforced nowhere",
                              hint="use gateway=envoy-gateway or nginx-gateway-fabric, or a "
                                   "plain Service")
    return limiter


def require_cluster_policy(target: Target, where: str) -> str:
    """The cluster-wide policy kind the target's CNI implements; fail when it has none, so a
    guardrail is never silently dropped."""
    kind = CNIS[target.cni].cluster_policy
    if kind is None:
        able = ", ".join(sorted(k for k, v in CNIS.items() if v.cluster_policy))
        raise CapabilityError(where, f"cni={target.cni!r} implements neither ClusterNetworkPolicy "
                              "nor CiliumClusterwideNetworkPolicy, so these guardrails would be "
                              "enforced nowhere", hint=f"use a CNI that implements one: {able}")
    return kind


def require_cross_cluster(target: Target, where: str, cluster: str) -> None:
    """Fail unless the target can select pods of another cluster (Cilium ClusterMesh)."""
    if target.cni != "cilium" or not target.cluster_mesh:
        raise CapabilityError(where, f"a peer in cluster {cluster!r} is not expressible with "
                              f"cni={target.cni!r}"
                              + ("" if target.cni != "cilium" else " without ClusterMesh")
                              + "; NetworkPolicy selects pods of its own cluster only",
                              hint="use cni=cilium with cluster_mesh=true, or allow the other "
                                   "cluster's egress CIDRs with cidr(...)")

