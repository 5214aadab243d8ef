"""Service (pkg/apis/core/validation ValidateService)."""

from __future__ import annotations

import ipaddress
from typing import Any

from netkit.k8s.names import dns1123_subdomain_errors, port_name_errors, port_number_errors
from netkit.validate.apiserver import common
from netkit.validate.apiserver.meta import check_labels
from netkit.validate.field import Errors, Path

TYPES = ("ClusterIP", "ExternalName", "LoadBalancer", "NodePort")
POLICIES = ("Cluster", "Local")
AFFINITIES = ("ClientIP", "None")


def traffic_distributions(version: tuple[int, int]) -> tuple[str, ...]:
    """spec.trafficDistribution values: PreferSameZone/Node from 1.34 (on by default)."""
    return ("PreferClose", "PreferSameNode", "PreferSameZone") if version >= (1, 34) else (
        "PreferClose",)


def check(obj: dict[str, Any], errs: Errors, version: tuple[int, int]) -> None:
    """Check type, ports, selector, cluster IPs and external exposure fields."""
    spec = common.spec(obj, errs)
    if spec is None:
        return
    path = common.SPEC
    kind = spec.get("type") or "ClusterIP"
    if kind not in TYPES:
        errs.not_supported(path.child("type"), kind, TYPES)
    headless = spec.get("clusterIP") == "None"
    ports = [p for p in spec.get("ports") or [] if isinstance(p, dict)]
    if not ports and not headless and kind != "ExternalName":
        errs.required(path.child("ports"))
    _cluster_ip(spec, kind, path, errs)
    if kind == "ExternalName":
        name = spec.get("externalName")
        if not name:
            errs.required(path.child("externalName"))
        else:
            errs.extend(path.child("externalName"), name,
                        dns1123_subdomain_errors(str(name).removesuffix(".")))
    names: set[str] = set()
    seen: set[tuple[object, object]] = set()
    node_ports: set[tuple[object, object]] = set()
    for i, port in enumerate(ports):
        at = path.child("ports").index(i)
        _port(port, at, len(ports) > 1, names, errs)
        key = (port.get("port"), port.get("protocol") or "TCP")
        if key in seen:
            errs.duplicate(at, {"port": key[0], "protocol": key[1]})
        seen.add(key)
        node_port = port.get("nodePort")
        if node_port:
            if kind in ("ClusterIP", "ExternalName"):
                errs.forbidden(at.child("nodePort"), f"may not be used when `type` is '{kind}'")
            nkey = (node_port, key[1])
            if nkey in node_ports:
                errs.duplicate(at.child("nodePort"), node_port)
            node_ports.add(nkey)
    if spec.get("selector") is not None:
        check_labels(spec["selector"], path.child("selector"), errs)
    _exposure(spec, kind, path, errs)
    affinity = spec.get("sessionAffinity")
    if affinity is not None and affinity not in AFFINITIES:
        errs.not_supported(path.child("sessionAffinity"), affinity, AFFINITIES)
    itp = spec.get("internalTrafficPolicy")
    if itp is not None and itp not in POLICIES:
        errs.not_supported(path.child("internalTrafficPolicy"), itp, POLICIES)
    dist = spec.get("trafficDistribution")
    if dist is not None and dist not in traffic_distributions(version):
        errs.not_supported(path.child("trafficDistribution"), dist,
                           traffic_distributions(version))


def _cluster_ip(spec: dict[str, Any], kind: str, path: Path, errs: Errors) -> None:
    ips = list(spec.get("clusterIPs") or ([spec["clusterIP"]] if spec.get("clusterIP") else []))
    if kind == "ExternalName" and ips:
        errs.forbidden(path.child("clusterIPs"), "may not be set for ExternalName services")
        return
    for i, ip in enumerate(ips):
        at = path.child("clusterIPs").index(i)
        if ip == "None":
            if kind in ("LoadBalancer", "NodePort"):
                errs.invalid(at, ip, f"may not be set to 'None' for {kind} services")
            continue
        try:
            ipaddress.ip_address(str(ip))
        except ValueError:
            errs.invalid(at, ip, "must be a valid IP address, (e.g. 10.9.8.7 or "
                                 "2001:db8::ffff) or 'None'")


def _port(port: dict[str, Any], path: Path, require_name: bool, names: set[str],
          errs: Errors) -> None:
    name = port.get("name")
    if require_name and not name:
        errs.required(path.child("name"))
    elif name:
        errs.extend(path.child("name"), name, port_name_errors(str(name)))
        if name in names:
            errs.duplicate(path.child("name"), name)
        names.add(str(name))
    errs.extend(path.child("port"), port.get("port"), port_number_errors(port.get("port")))
    common.protocol(port.get("protocol"), path.child("protocol"), errs)
    if port.get("targetPort") is not None:
        common.port_num_or_name(port["targetPort"], path.child("targetPort"), errs)
    if port.get("nodePort"):
        errs.extend(path.child("nodePort"), port["nodePort"],
                    port_number_errors(port["nodePort"]))


def _exposure(spec: dict[str, Any], kind: str, path: Path, errs: Errors) -> None:
    ranges = spec.get("loadBalancerSourceRanges") or []
    if ranges and kind != "LoadBalancer":
        errs.forbidden(path.child("loadBalancerSourceRanges"),
                       "may only be used when `type` is 'LoadBalancer'")
    for i, block in enumerate(ranges):
        if common.parse_cidr(block) is None:
            errs.invalid(path.child("loadBalancerSourceRanges").index(i), block,
                         "must be a list of IP ranges. For example, 10.240.0.0/24,10.250.0.0/24")
    etp = spec.get("externalTrafficPolicy")
    if etp is not None:
        if kind not in ("LoadBalancer", "NodePort"):
            errs.invalid(path.child("externalTrafficPolicy"), etp,
                         "may only be set when `type` is 'NodePort' or 'LoadBalancer'")
        elif etp not in POLICIES:
            errs.not_supported(path.child("externalTrafficPolicy"), etp, POLICIES)
    hc = spec.get("healthCheckNodePort")
    if hc and (kind != "LoadBalancer" or etp != "Local"):
        errs.invalid(path.child("healthCheckNodePort"), hc, "may only be set when `type` is "
                     "'LoadBalancer' and `externalTrafficPolicy` is 'Local'")
