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
    staged: bool = False  # policies that are evaluated and logged, never enforced
    cluster_policy: str | None = None
    note: str = ""


# cluster_policy: the cluster-wide policy kind the CNI implements ("ClusterNetworkPolicy" of
# kubernetes-sigs/network-policy-api, or Cilium's own CiliumClusterwideNetworkPolicy).
CNIS: dict[str, Cni] = {
    "calico": Cni(network_policy=True, staged=True, cluster_policy=CLUSTER_NETWORK_POLICY),
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
    "cilium": "io.cilium/gateway-controller",
    "istio": "istio.io/gateway-controller",
}

# Entry points that can enforce a request rate limit (the Gateway API standard has none).
RATE_LIMITERS = ("envoy-gateway", "nginx-gateway-fabric", "ingress-nginx")

# Gateways whose proxies reach backends as an identity NetworkPolicy cannot select: Cilium's
# per-node Envoy is the reserved `ingress` entity, admitted only by a CiliumNetworkPolicy.
EDGE_ENTITIES: dict[str, str] = {"cilium": "ingress"}

# Gateways that deploy each Gateway's proxies in the Gateway's own namespace, labelled with its
# name (Istio's automated deployment); elsewhere the proxies run in one namespace for all.
PROXIES_BESIDE_GATEWAY: dict[str, str] = {"istio": "gateway.networking.k8s.io/gateway-name"}

# Gateway API features netkit emits, named as in conformance reports (supportedFeatures) where
# upstream has a name, with what each asks for in a sentence.
FEATURES: dict[str, str] = {
    "GRPCRoute": "a GRPCRoute",
    "TLSRoute": "TLS passthrough (TLSRoute)",
    "TCPRoute": "a TCPRoute",
    "UDPRoute": "a UDPRoute",
    "BackendTLSPolicy": "TLS to the backend (BackendTLSPolicy)",
    "HTTPRouteRequestTimeout": "a request timeout",
    "HTTPRouteBackendTimeout": "a backend request timeout",
    "HTTPRouteRetry": "retries",
    "HTTPRouteCORS": "a CORS filter",
    "HTTPRouteRequestPercentageMirror": "mirroring a percentage of requests",
    "GatewayFrontendClientCertificateValidation": "client-certificate validation",
    "HTTPRouteParentRefPort": "a route bound to one Service port",
}

# Features still on the experimental channel of Gateway API v1.6 (the bundled CRDs).
EXPERIMENTAL: dict[str, str] = {"HTTPRouteRetry": "HTTPRoute spec.rules[].retry"}

_EDGE_COMMON = frozenset({"GRPCRoute", "TLSRoute", "HTTPRouteRequestPercentageMirror"})

# What each implementation supports at the edge: its Gateway API v1.3+ conformance reports
# (GATEWAY-HTTP/-TLS/-GRPC profiles) and its documentation for the kinds reports do not list.
GATEWAY_FEATURES: dict[str, frozenset[str]] = {
    "envoy-gateway": _EDGE_COMMON | {
        "TCPRoute", "UDPRoute", "BackendTLSPolicy", "HTTPRouteRequestTimeout",
        "HTTPRouteBackendTimeout", "HTTPRouteRetry", "HTTPRouteCORS",
        "GatewayFrontendClientCertificateValidation"},
    "nginx-gateway-fabric": _EDGE_COMMON | {"BackendTLSPolicy"},
    "cilium": _EDGE_COMMON | {"HTTPRouteRequestTimeout", "HTTPRouteBackendTimeout"},
    "istio": _EDGE_COMMON | {
        "TCPRoute", "BackendTLSPolicy", "HTTPRouteRequestTimeout", "HTTPRouteBackendTimeout",
        "HTTPRouteRetry", "HTTPRouteCORS", "GatewayFrontendClientCertificateValidation"},
    "none": frozenset(),
}

# Meshes that route east-west with Gateway API (GAMMA: routes whose parent is a Service), from
# their MESH-HTTP conformance reports.
MESH_FEATURES: dict[str, frozenset[str]] = {
    "istio": frozenset({"HTTPRouteRequestTimeout", "HTTPRouteBackendTimeout",
                        "HTTPRouteRequestPercentageMirror", "HTTPRouteParentRefPort"}),
    "linkerd": frozenset({"HTTPRouteRequestTimeout", "HTTPRouteBackendTimeout",
                          "HTTPRouteRequestPercentageMirror", "HTTPRouteParentRefPort"}),
    "cilium": frozenset({"HTTPRouteRequestTimeout", "HTTPRouteBackendTimeout",
                         "HTTPRouteRequestPercentageMirror"}),
}


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


def require_staged(target: Target, where: str) -> None:
    """Fail unless the target's CNI can stage policies (evaluate and log, not enforce)."""
    if not CNIS[target.cni].staged:
        able = ", ".join(sorted(k for k, v in CNIS.items() if v.staged))
        raise CapabilityError(where, f"enforcement='staged' needs policies that are evaluated "
                              f"but not enforced, and cni={target.cni!r} has none",
                              hint=f"supported by: {able} (StagedKubernetesNetworkPolicy); "
                                   "otherwise keep enforcement='enforced' and gate the merge "
                                   "in CI with `netkit audit --flows FLOWS --fail-on-denied`")


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


def _what(feature: str) -> str:
    what = FEATURES[feature]
    return what if feature in what else f"{what} ({feature})"


def _able(table: dict[str, frozenset[str]], feature: str) -> str:
    return ", ".join(sorted(k for k, v in table.items() if feature in v)) or "none"


def require_channel(target: Target, feature: str, where: str) -> None:
    """Fail when ``feature`` is experimental in Gateway API and the cluster has the standard
    channel: the API server would prune the field and the setting would vanish."""
    if feature in EXPERIMENTAL and target.gateway_api_channel != "experimental":
        raise CapabilityError(where, f"{FEATURES[feature]} ({EXPERIMENTAL[feature]}) is "
                              "experimental in Gateway API v1.6, but the target has "
                              "gateway_api_channel='standard'",
                              hint="install the experimental CRDs and set target "
                                   "gateway_api_channel=experimental, or drop the option")


def require_gateway_feature(target: Target, feature: str, where: str) -> None:
    """Fail unless the target's gateway implements ``feature`` (on the target's channel)."""
    if target.ingress != "gateway-api":
        raise CapabilityError(where, f"{FEATURES[feature]} needs Gateway API, but the target "
                              f"has ingress={target.ingress!r}",
                              hint="set target ingress=gateway-api")
    if feature not in GATEWAY_FEATURES[target.gateway]:
        raise CapabilityError(where, f"target gateway={target.gateway!r} does not support "
                              f"{_what(feature)}",
                              hint=f"supported by gateway={_able(GATEWAY_FEATURES, feature)}")
    require_channel(target, feature, where)


def east_west_mesh(target: Target, where: str) -> str:
    """The mesh routing east-west traffic on the target: its ``mesh``, else Cilium's
    Gateway API mesh mode when the CNI is Cilium; fail when there is none."""
    mesh = target.mesh or ("cilium" if target.cni == "cilium" else None)
    if mesh is None:
        raise CapabilityError(where, "routing between Services in the cluster needs a mesh "
                              "implementing Gateway API (GAMMA), but the target has none",
                              hint="set target mesh=istio or mesh=linkerd, or cni=cilium")
    return mesh


def require_mesh_feature(target: Target, feature: str, where: str) -> None:
    """Fail unless the target's mesh implements ``feature`` for east-west routes."""
    mesh = east_west_mesh(target, where)
    if feature not in MESH_FEATURES[mesh]:
        raise CapabilityError(where, f"mesh {mesh!r} does not support {_what(feature)} on "
                              "east-west routes",
                              hint=f"supported by mesh={_able(MESH_FEATURES, feature)}")
    require_channel(target, feature, where)


def edge_entity(target: Target) -> str | None:
    """The Cilium entity edge traffic arrives as, when the target's gateway is Cilium's."""
    return EDGE_ENTITIES.get(target.gateway) if target.ingress == "gateway-api" else None


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

