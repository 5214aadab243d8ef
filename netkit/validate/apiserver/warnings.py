"""What kube-apiserver accepts with a warning, and fields that have no effect as written.

Ported from kubernetes pkg/api/service/warnings.go (GetWarningsForService), the Ingress
strategy's WarningsOnCreate and apimachinery's GetWarningsForIP/GetWarningsForCIDR; the texts
are the ones kubectl prints after ``Warning:``.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from typing import Any

from netkit.k8s.names import sloppy_ip, sloppy_network
from netkit.validate.apiserver import common
from netkit.validate.apiserver.service import TOPOLOGY_HINTS, TOPOLOGY_MODE
from netkit.validate.field import FieldError

Warn = Callable[[dict[str, Any], common.Cluster], list[FieldError]]


def service(obj: dict[str, Any], cluster: common.Cluster) -> list[FieldError]:
    """GetWarningsForService, and trafficDistribution overridden by the topology annotation."""
    spec: dict[str, Any] = obj.get("spec") or {}
    annotations = (obj.get("metadata") or {}).get("annotations") or {}
    kind = spec.get("type") or "ClusterIP"
    out: list[FieldError] = []
    if TOPOLOGY_HINTS in annotations:
        out.append(FieldError(f"metadata.annotations[{TOPOLOGY_HINTS}]",
                              f"annotation {TOPOLOGY_HINTS} is deprecated, please use "
                              f"{TOPOLOGY_MODE} instead"))
    ips = [str(ip) for ip in spec.get("clusterIPs") or ([spec["clusterIP"]]
                                                        if spec.get("clusterIP") else [])]
    headless = kind == "ClusterIP" and spec.get("clusterIP") == "None"
    if ips != ["None"]:
        for i, ip in enumerate(ips):
            out.extend(_ip(f"spec.clusterIPs[{i}]", ip))
    if headless:
        if spec.get("loadBalancerIP"):
            out.append(FieldError("spec.loadBalancerIP",
                                  "spec.loadBalancerIP is ignored for headless services"))
        if spec.get("externalIPs"):
            out.append(FieldError("spec.externalIPs",
                                  "spec.externalIPs is ignored for headless services"))
        if (spec.get("sessionAffinity") or "None") != "None":
            out.append(FieldError("spec.sessionAffinity",
                                  "spec.SessionAffinity is ignored for headless services"))
    external = [str(ip) for ip in spec.get("externalIPs") or []]
    for i, ip in enumerate(external):
        out.extend(_ip(f"spec.externalIPs[{i}]", ip))
    if external and not headless and kind != "ExternalName":
        out.append(FieldError("spec.externalIPs", "spec.externalIPs is deprecated and may no "
                                                  "longer be implemented in some clusters"))
    if spec.get("loadBalancerIP"):
        out.extend(_ip("spec.loadBalancerIP", str(spec["loadBalancerIP"])))
    for i, block in enumerate(spec.get("loadBalancerSourceRanges") or []):
        out.extend(_cidr(f"spec.loadBalancerSourceRanges[{i}]", str(block).strip()))
    if kind == "ExternalName" and external:
        out.append(FieldError("spec.externalIPs",
                              'spec.externalIPs is ignored when spec.type is "ExternalName"'))
    if kind != "ExternalName" and spec.get("externalName"):
        out.append(FieldError("spec.externalName",
                              'spec.externalName is ignored when spec.type is not "ExternalName"'))
    dist = spec.get("trafficDistribution")
    if dist == "PreferClose" and cluster.version >= (1, 34):
        out.append(FieldError("spec.trafficDistribution", 'spec.trafficDistribution: '
                              '"PreferClose" is deprecated; use "PreferSameZone"'))
    mode = annotations.get(TOPOLOGY_MODE, annotations.get(TOPOLOGY_HINTS))
    if dist is not None and mode is not None and str(mode).lower() not in ("", "disabled"):
        # The EndpointSlice controller gives the annotation precedence over the field.
        out.append(FieldError("spec.trafficDistribution",
                              f"spec.trafficDistribution is ignored: annotation {TOPOLOGY_MODE} "
                              f"{mode!r} takes precedence"))
    return out


def ingress(obj: dict[str, Any], cluster: common.Cluster) -> list[FieldError]:
    """The Ingress strategy's WarningsOnCreate: the class annotation without a class name."""
    annotations = (obj.get("metadata") or {}).get("annotations") or {}
    if "kubernetes.io/ingress.class" in annotations and (
            (obj.get("spec") or {}).get("ingressClassName") is None):
        return [FieldError("metadata.annotations[kubernetes.io/ingress.class]",
                           'annotation "kubernetes.io/ingress.class" is deprecated, please use '
                           "'spec.ingressClassName' instead")]
    return []


def network_policy(obj: dict[str, Any], cluster: common.Cluster) -> list[FieldError]:
    """Ambiguous and non-standard ipBlock CIDRs."""
    out: list[FieldError] = []
    spec = obj.get("spec") or {}
    for direction, peers in (("ingress", "from"), ("egress", "to")):
        for i, rule in enumerate(spec.get(direction) or []):
            for j, peer in enumerate((rule or {}).get(peers) or []):
                block = (peer or {}).get("ipBlock") or {}
                at = f"spec.{direction}[{i}].{peers}[{j}].ipBlock"
                if block.get("cidr"):
                    out.extend(_cidr(f"{at}.cidr", str(block["cidr"])))
                for k, item in enumerate(block.get("except") or []):
                    out.extend(_cidr(f"{at}.except[{k}]", str(item)))
    return out


def _ip(path: str, value: str) -> list[FieldError]:
    """apimachinery GetWarningsForIP: leading zeros, IPv4-mapped IPv6, non-canonical IPv6."""
    ip = sloppy_ip(value)
    if ip is None:
        return []
    if _non_standard(value, ip):
        return [FieldError(path, f'{path}: non-standard IP address "{value}" will be '
                                 f'considered invalid in a future Kubernetes release: use '
                                 f'"{_go_string(ip)}"')]
    if ip.version == 6 and str(ip) != value:
        return [FieldError(path, f'{path}: IPv6 address "{value}" should be in RFC 5952 '
                                 f'canonical format ("{ip}")')]
    return []


def _cidr(path: str, value: str) -> list[FieldError]:
    """apimachinery GetWarningsForCIDR: host bits set, leading zeros, IPv4-mapped IPv6."""
    address = value.partition("/")[0]
    net, ip = sloppy_network(value), sloppy_ip(address)
    if net is None or ip is None:
        return []
    out = []
    if net.network_address != ip:
        out.append(FieldError(path, f'{path}: CIDR value "{value}" is ambiguous in this context '
                                    f'(should be "{net}" or "{ip}/{net.max_prefixlen}"?)'))
    if _non_standard(address, ip):
        out.append(FieldError(path, f'{path}: non-standard CIDR value "{value}" will be '
                                    "considered invalid in a future Kubernetes release: use "
                                    f'"{net}"'))
    return out


def _non_standard(text: str, ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Leading zeros in an IPv4 address, or an IPv4-mapped IPv6 address."""
    return (ip.version == 4 and str(ip) != text) or (
        isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None)


def _go_string(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str:
    """net.IP.String(): an IPv4-mapped IPv6 address prints as IPv4."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return str(ip.ipv4_mapped)
    return str(ip)


WARNINGS: dict[tuple[str, str], Warn] = {
    ("v1", "Service"): service,
    ("networking.k8s.io/v1", "Ingress"): ingress,
    ("networking.k8s.io/v1", "NetworkPolicy"): network_policy,
}
