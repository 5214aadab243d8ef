"""NetworkPolicy (pkg/apis/networking/validation ValidateNetworkPolicySpec)."""

from __future__ import annotations

from typing import Any

from netkit.k8s.names import port_name_errors, port_number_errors
from netkit.validate.apiserver import common
from netkit.validate.field import Errors, Path

POLICY_TYPES = ("Egress", "Ingress")


def check(obj: dict[str, Any], errs: Errors, cluster: common.Cluster) -> None:
    """Check the policy's selector, rules, ports, peers and policyTypes."""
    spec = common.spec(obj, errs)
    if spec is None:
        return
    path = common.SPEC
    common.label_selector(spec.get("podSelector"), path.child("podSelector"), errs)
    for direction, peers_field in (("ingress", "from"), ("egress", "to")):
        for i, rule in enumerate(spec.get(direction) or []):
            at = path.child(direction).index(i)
            if not isinstance(rule, dict):
                continue
            for j, port in enumerate(rule.get("ports") or []):
                _port(port, at.child("ports").index(j), errs)
            for j, peer in enumerate(rule.get(peers_field) or []):
                _peer(peer, at.child(peers_field).index(j), errs)
    types = spec.get("policyTypes") or []
    if len(types) > len(POLICY_TYPES):
        errs.invalid(path.child("policyTypes"), types,
                     "may not specify more than two policyTypes")
        return
    for i, t in enumerate(types):
        if t not in POLICY_TYPES:
            errs.not_supported(path.child("policyTypes").index(i), t, POLICY_TYPES)


def _port(port: object, path: Path, errs: Errors) -> None:
    if not isinstance(port, dict):
        return
    common.protocol(port.get("protocol"), path.child("protocol"), errs)
    value, end = port.get("port"), port.get("endPort")
    if value is None:
        if end is not None:
            errs.invalid(path.child("endPort"), end,
                         "may not be specified when `port` is not specified")
    elif isinstance(value, str):
        if end is not None:
            errs.invalid(path.child("endPort"), end,
                         "may not be specified when `port` is non-numeric")
        errs.extend(path.child("port"), value, port_name_errors(value))
    else:
        errs.extend(path.child("port"), value, port_number_errors(value))
        if end is not None:
            if isinstance(end, int) and isinstance(value, int) and end < value:
                # kube-apiserver shows `port`'s value here; the value of the field named is
                # the one a reader can find and fix.
                errs.invalid(path.child("endPort"), end, "must be greater than or equal to "
                                                         "`port`")
            errs.extend(path.child("endPort"), end, port_number_errors(end))


def _peer(peer: object, path: Path, errs: Errors) -> None:
    if not isinstance(peer, dict):
        return
    count = 0
    for key in ("podSelector", "namespaceSelector"):
        if peer.get(key) is not None:
            count += 1
            common.label_selector(peer[key], path.child(key), errs)
    block = peer.get("ipBlock")
    if block is not None:
        count += 1
        _ip_block(block, path.child("ipBlock"), errs)
    if count == 0:
        errs.required(path, "must specify a peer")
    elif count > 1 and block is not None:
        errs.forbidden(path, "may not specify both ipBlock and another peer")


def _ip_block(block: object, path: Path, errs: Errors) -> None:
    if not isinstance(block, dict):
        return
    if not block.get("cidr"):
        errs.required(path.child("cidr"))
        return
    outer = common.cidr(block["cidr"], path.child("cidr"), errs)
    for i, item in enumerate(block.get("except") or []):
        at = path.child("except").index(i)
        inner = common.cidr(item, at, errs)
        if outer is None or inner is None:
            continue
        if inner.version != outer.version or not inner.subnet_of(outer) or inner == outer:
            errs.invalid(at, item, "must be a strict subset of `cidr`")
