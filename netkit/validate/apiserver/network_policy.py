"""NetworkPolicy (pkg/apis/networking/validation ValidateNetworkPolicySpec)."""

from __future__ import annotations

from typing import Any

from netkit.k8s.names import port_name_errors, port_number_errors
from netkit.validate.apiserver import common
from netkit.validate.field import Errors

POLICY_TYPES = ("Egress", "Ingress")


def check(obj: dict[str, Any], errs: Errors, cluster: common.Cluster) -> None:
    """Check the policy's selector, rules, ports, peers and policyTypes."""
    spec = common.spec(obj, errs)
    if spec is None:
        return
    path = common.SPEC
    common.label_selector(spec.get("podSelector"), f"{path}.podSelector", errs)
    for direction, peers_field in (("ingress", "from"), ("egress", "to")):
        for i, rule in enumerate(spec.get(direction) or []):
            at = f"{path}.{direction}[{i}]"
            if not isinstance(rule, dict):
                continue
            for j, port in enumerate(rule.get("ports") or []):
                _port(port, f"{at}.ports[{j}]", errs)
            for j, peer in enumerate(rule.get(peers_field) or []):
                _peer(peer, f"{at}.{peers_field}[{j}]", errs)
    types = spec.get("policyTypes") or []
    if len(types) > len(POLICY_TYPES):
        errs.invalid(f"{path}.policyTypes", types,
                     "may not specify more than two policyTypes")
        return
    for i, t in enumerate(types):
        if t not in POLICY_TYPES:
            errs.not_supported(f"{path}.policyTypes[{i}]", t, POLICY_TYPES)


def _port(port: object, path: str, errs: Errors) -> None:
    if not isinstance(port, dict):
        return
    common.protocol(port.get("protocol"), f"{path}.protocol", errs)
    value, end = port.get("port"), port.get("endPort")
    if value is None:
        if end is not None:
            errs.invalid(f"{path}.endPort", end,
                         "may not be specified when `port` is not specified")
    elif isinstance(value, str):
        if end is not None:
            errs.invalid(f"{path}.endPort", end,
                         "may not be specified when `port` is non-numeric")
        errs.extend(f"{path}.port", value, port_name_errors(value))
    else:
        errs.extend(f"{path}.port", value, port_number_errors(value))
        if end is not None:
            if isinstance(end, int) and isinstance(value, int) and end < value:
                # kube-apiserver shows `port`'s value here; the value of the field named is
                # the one a reader can find and fix.
                errs.invalid(f"{path}.endPort", end, "must be greater than or equal to "
                                                         "`port`")
            errs.extend(f"{path}.endPort", end, port_number_errors(end))


def _peer(peer: object, path: str, errs: Errors) -> None:
    if not isinstance(peer, dict):
        return
    count = 0
    for key in ("podSelector", "namespaceSelector"):
        if peer.get(key) is not None:
            count += 1
            common.label_selector(peer[key], f"{path}.{key}", errs)
    block = peer.get("ipBlock")
    if block is not None:
        count += 1
        _ip_block(block, f"{path}.ipBlock", errs)
    if count == 0:
        errs.required(path, "must specify a peer")
    elif count > 1 and block is not None:
        errs.forbidden(path, "may not specify both ipBlock and another peer")


def _ip_block(block: object, path: str, errs: Errors) -> None:
    if not isinstance(block, dict):
        return
    if not block.get("cidr"):
        errs.required(f"{path}.cidr")
        return
    outer = common.cidr(block["cidr"], f"{path}.cidr", errs)
    for i, item in enumerate(block.get("except") or []):
        at = f"{path}.except[{i}]"
        inner = common.cidr(item, at, errs)
        if outer is None or inner is None:
            continue
        if inner.network_address not in outer or inner.prefixlen <= outer.prefixlen:
            errs.invalid(at, item, "must be a strict subset of `cidr`")
