"""Service (pkg/apis/core/validation ValidateService, and the registry's create-time checks:
node port range and IP family policy)."""

from __future__ import annotations

import ipaddress
from typing import Any

from netkit.k8s.names import (
    cidr_errors,
    dns1123_label_errors,
    dns1123_subdomain_errors,
    ip_errors,
    port_number_errors,
    qualified_name_errors,
    sloppy_ip,
    special_ip_errors,
)
from netkit.validate.apiserver import common, defaults
from netkit.validate.apiserver.meta import check_labels
from netkit.validate.field import Errors

TYPES = ("ClusterIP", "ExternalName", "LoadBalancer", "NodePort")
POLICIES = ("Cluster", "Local")
AFFINITIES = ("ClientIP", "None")
IP_FAMILIES = ("IPv4", "IPv6")
IP_FAMILY_POLICIES = ("PreferDualStack", "RequireDualStack", "SingleStack")
MAX_AFFINITY_TIMEOUT = 86400  # core.MaxClientIPServiceAffinitySeconds
TOPOLOGY_MODE = "service.kubernetes.io/topology-mode"
TOPOLOGY_HINTS = "service.kubernetes.io/topology-aware-hints"
SOURCE_RANGES = "service.beta.kubernetes.io/load-balancer-source-ranges"
LB_ONLY = "may only be used when `type` is 'LoadBalancer'"
SPEC = common.SPEC


def traffic_distributions(version: tuple[int, int]) -> tuple[str, ...]:
    """spec.trafficDistribution values: PreferSameZone/Node from 1.34 (on by default)."""
    return ("PreferClose", "PreferSameNode", "PreferSameZone") if version >= (1, 34) else (
        "PreferClose",)


def check(obj: dict[str, Any], errs: Errors, cluster: common.Cluster) -> None:
    """ValidateService on the defaulted object, then the node port and IP family checks the
    registry makes when it creates the Service."""
    if not isinstance(obj.get("spec"), dict):
        errs.required(SPEC)
        return
    obj = defaults.service(obj)
    spec: dict[str, Any] = obj["spec"]
    annotations = (obj.get("metadata") or {}).get("annotations") or {}
    _topology(annotations, errs)
    kind = spec["type"]
    ips = [str(ip) for ip in spec.get("clusterIPs") or []]
    headless = ips == ["None"]
    ports = [p for p in spec.get("ports") or [] if isinstance(p, dict)]
    if not ports and not headless and kind != "ExternalName":
        errs.required("spec.ports")
    if kind in defaults.EXTERNAL_TYPES and headless:
        errs.invalid("spec.clusterIPs[0]", "None",
                     f"may not be set to 'None' for {kind} services")
    elif kind == "ExternalName":
        _external_name(spec, errs)
    _ports(ports, kind, cluster, errs)
    if spec.get("selector") is not None:
        check_labels(spec["selector"], "spec.selector", errs)
    _affinity(spec, errs)
    if kind != "ExternalName":
        _cluster_ips(spec, ips, headless, errs)
    _external_ips(spec, errs)
    if kind not in TYPES:
        errs.not_supported("spec.type", kind, TYPES)
    _load_balancer(spec, annotations, kind, errs)
    _traffic_policies(spec, kind, cluster, errs)


def _topology(annotations: dict[str, Any], errs: Errors) -> None:
    if TOPOLOGY_MODE in annotations and TOPOLOGY_HINTS in annotations and (
            annotations[TOPOLOGY_MODE] != annotations[TOPOLOGY_HINTS]):
        errs.invalid(f"metadata.annotations[{TOPOLOGY_MODE}]", annotations[TOPOLOGY_MODE],
                     f"must match annotations[{TOPOLOGY_HINTS}] when both are specified")


def _external_name(spec: dict[str, Any], errs: Errors) -> None:
    if spec.get("clusterIPs"):
        errs.forbidden("spec.clusterIPs", "may not be set for ExternalName services")
    if spec.get("ipFamilies"):
        errs.forbidden("spec.ipFamilies", "may not be set for ExternalName services")
    if spec.get("ipFamilyPolicy") is not None:
        errs.forbidden("spec.ipFamilyPolicy", "may not be set for ExternalName services")
    cname = str(spec.get("externalName") or "").removesuffix(".")
    if cname:
        errs.extend("spec.externalName", cname, dns1123_subdomain_errors(cname))
    else:
        errs.required("spec.externalName")


def _ports(ports: list[dict[str, Any]], kind: str, cluster: common.Cluster,
           errs: Errors) -> None:
    names: set[str] = set()
    seen: set[tuple[object, object]] = set()
    node_ports: set[tuple[object, object]] = set()
    for i, port in enumerate(ports):
        at = f"spec.ports[{i}]"
        _port(port, at, len(ports) > 1, names, errs)
        node_port = port.get("nodePort")
        if node_port:
            if kind == "ClusterIP":
                errs.forbidden(f"{at}.nodePort", "may not be used when `type` is 'ClusterIP'")
            elif kind in defaults.EXTERNAL_TYPES:
                _node_port_range(node_port, f"{at}.nodePort", cluster, errs)
            key = (port["protocol"], node_port)
            if key in node_ports:
                errs.duplicate(f"{at}.nodePort", node_port)
            node_ports.add(key)
    for i, port in enumerate(ports):
        key = (port.get("port"), port["protocol"])
        if key in seen:
            errs.duplicate(f"spec.ports[{i}]", {"port": key[0], "protocol": key[1]})
        seen.add(key)


def _port(port: dict[str, Any], path: str, require_name: bool, names: set[str],
          errs: Errors) -> None:
    name = port.get("name")
    if require_name and not name:
        errs.required(f"{path}.name")
    elif name:
        errs.extend(f"{path}.name", name, dns1123_label_errors(str(name)))
        if name in names:
            errs.duplicate(f"{path}.name", name)
        names.add(str(name))
    errs.extend(f"{path}.port", port.get("port"), port_number_errors(port.get("port")))
    common.protocol(port["protocol"], f"{path}.protocol", errs)
    if "targetPort" in port:
        common.port_num_or_name(port["targetPort"], f"{path}.targetPort", errs)
    if port.get("appProtocol") is not None:
        errs.extend(f"{path}.appProtocol", port["appProtocol"],
                    qualified_name_errors(str(port["appProtocol"])))
    if port.get("nodePort"):
        errs.extend(f"{path}.nodePort", port["nodePort"],
                    port_number_errors(port["nodePort"]))


def _node_port_range(value: object, path: str, cluster: common.Cluster,
                     errs: Errors) -> None:
    first, last = cluster.node_ports
    if isinstance(value, int) and not port_number_errors(value) and not (
            first <= value <= last):
        errs.invalid(path, value, "provided port is not in the valid range. The range of "
                                  f"valid ports is {first}-{last}")


def _affinity(spec: dict[str, Any], errs: Errors) -> None:
    affinity = spec["sessionAffinity"]
    if affinity not in AFFINITIES:
        errs.not_supported("spec.sessionAffinity", affinity, AFFINITIES)
    elif affinity == "ClientIP":
        at = "spec.sessionAffinityConfig.clientIP.timeoutSeconds"
        timeout = spec["sessionAffinityConfig"]["clientIP"]["timeoutSeconds"]
        if not isinstance(timeout, int) or not 0 < timeout <= MAX_AFFINITY_TIMEOUT:
            errs.invalid(at, timeout, f"must be greater than 0 and less than "
                                      f"{MAX_AFFINITY_TIMEOUT}")


def _cluster_ips(spec: dict[str, Any], ips: list[str], headless: bool, errs: Errors) -> None:
    """ValidateServiceClusterIPsRelatedFields, and the registry's IP family policy checks."""
    at = "spec.clusterIPs"
    if spec.get("clusterIP"):
        if ips[0] != spec["clusterIP"]:
            errs.invalid(at, ips, "first value must match `clusterIP`")
    elif ips:
        errs.invalid(at, ips, "must be empty when `clusterIP` is not specified")
    families = [str(f) for f in spec.get("ipFamilies") or []]
    for i, family in enumerate(families):
        if family not in IP_FAMILIES:
            errs.not_supported(f"spec.ipFamilies[{i}]", family, IP_FAMILIES)
        if family in families[:i]:
            errs.duplicate(f"spec.ipFamilies[{i}]", family)
    policy = spec.get("ipFamilyPolicy")
    if policy is not None and policy not in IP_FAMILY_POLICIES:
        errs.not_supported("spec.ipFamilyPolicy", policy, IP_FAMILY_POLICIES)
    valid = True
    for i, ip in enumerate(ips):
        if i == 0 and ip == "None":
            if len(ips) > 1:
                valid = False
                errs.invalid(at, ips, "'None' must be the first and only value")
            continue
        problems = ip_errors(ip)
        valid = valid and not problems
        errs.extend(f"{at}[{i}]", ip, problems)
    if len(ips) > 2:
        errs.invalid(at, ips, "may only hold up to 2 values")
    if not valid:
        return
    if len(ips) > 1 and len({_family(ip) for ip in ips}) != len(ips):
        errs.invalid(at, ips, "may specify no more than one IP for each IP family")
    if not headless:
        for i, (ip, family) in enumerate(zip(ips, families, strict=False)):
            if family in IP_FAMILIES and _family(ip) != family:
                errs.invalid(f"{at}[{i}]", ip, f"expected an {family} value as indicated by "
                                              f"`ipFamilies[{i}]`")
    if policy == "SingleStack":
        for count, what in ((len(ips), "cluster IPs"), (len(families), "IP families")):
            if count == 2:
                errs.invalid("spec.ipFamilyPolicy", policy, "must be 'RequireDualStack' "
                             f"or 'PreferDualStack' when multiple {what} are specified")


def _family(text: str) -> str:
    ip = sloppy_ip(text)
    mapped = isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None
    return "IPv6" if ip is not None and ip.version == 6 and not mapped else "IPv4"


def _external_ips(spec: dict[str, Any], errs: Errors) -> None:
    for i, ip in enumerate(spec.get("externalIPs") or []):
        at = f"spec.externalIPs[{i}]"
        problems = ip_errors(str(ip))
        errs.extend(at, ip, problems or special_ip_errors(str(ip)))


def _load_balancer(spec: dict[str, Any], annotations: dict[str, Any], kind: str,
                   errs: Errors) -> None:
    ranges = spec.get("loadBalancerSourceRanges") or []
    if ranges:
        at = "spec.loadBalancerSourceRanges"
        if kind != "LoadBalancer":
            errs.forbidden(at, LB_ONLY)
        for i, block in enumerate(ranges):
            # Space-padded values are allowed, a leftover from the annotation's format.
            value = str(block).strip()
            errs.extend(f"{at}[{i}]", value, cidr_errors(value))
    elif SOURCE_RANGES in annotations:
        at = f"metadata.annotations[{SOURCE_RANGES}]"
        if kind != "LoadBalancer":
            errs.forbidden(at, LB_ONLY)
        text = str(annotations[SOURCE_RANGES]).strip()
        for value in (v.strip() for v in text.split(",") if text):
            errs.extend(at, value, cidr_errors(value))
    if spec.get("allocateLoadBalancerNodePorts") is not None and kind != "LoadBalancer":
        errs.forbidden("spec.allocateLoadBalancerNodePorts", LB_ONLY)
    lb_class = spec.get("loadBalancerClass")
    if lb_class is not None:
        if kind == "LoadBalancer":
            errs.extend("spec.loadBalancerClass", lb_class,
                        qualified_name_errors(str(lb_class)))
        else:
            errs.forbidden("spec.loadBalancerClass", LB_ONLY)


def _traffic_policies(spec: dict[str, Any], kind: str, cluster: common.Cluster,
                      errs: Errors) -> None:
    etp = spec.get("externalTrafficPolicy")
    if not defaults.externally_accessible(spec):
        if etp:
            errs.invalid("spec.externalTrafficPolicy", etp,
                         "may only be set for externally-accessible services")
    elif etp not in POLICIES:
        errs.not_supported("spec.externalTrafficPolicy", etp, POLICIES)
    hc = spec.get("healthCheckNodePort")
    at = "spec.healthCheckNodePort"
    if kind != "LoadBalancer" or etp != "Local":
        if hc:
            errs.invalid(at, hc, "may only be set when `type` is 'LoadBalancer' and "
                                 "`externalTrafficPolicy` is 'Local'")
    elif hc:
        errs.extend(at, hc, port_number_errors(hc))
        _node_port_range(hc, at, cluster, errs)
    itp = spec.get("internalTrafficPolicy")
    if itp is not None and itp not in POLICIES:
        errs.not_supported("spec.internalTrafficPolicy", itp, POLICIES)
    dist = spec.get("trafficDistribution")
    if dist is not None and dist not in traffic_distributions(cluster.version):
        errs.not_supported("spec.trafficDistribution", dist,
                           traffic_distributions(cluster.version))
