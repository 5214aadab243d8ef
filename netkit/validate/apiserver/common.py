"""Shared apiserver checks: label selectors, ports, CIDRs."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Any

from netkit.k8s.core import DEFAULT_NODE_PORTS
from netkit.k8s.names import (
    cidr_errors,
    label_value_errors,
    port_name_errors,
    port_number_errors,
    qualified_name_errors,
    sloppy_network,
)
from netkit.validate.apiserver.meta import check_labels
from netkit.validate.field import Errors

PROTOCOLS = ("SCTP", "TCP", "UDP")
SPEC = "spec"


@dataclass(frozen=True)
class Cluster:
    """What the rules depend on beyond the object: the Kubernetes version (major, minor) and
    the API server's node port range (first, last)."""

    version: tuple[int, int]
    node_ports: tuple[int, int] = DEFAULT_NODE_PORTS


def spec(obj: dict[str, Any], errs: Errors) -> dict[str, Any] | None:
    """The object's spec; a missing one is a Required error."""
    value = obj.get("spec")
    if not isinstance(value, dict):
        errs.required(SPEC)
        return None
    return value


def label_selector(sel: object, path: str, errs: Errors) -> None:
    """ValidateLabelSelector: matchLabels and matchExpressions."""
    if not isinstance(sel, dict):
        return
    check_labels(sel.get("matchLabels"), f"{path}.matchLabels", errs)
    for i, expr in enumerate(sel.get("matchExpressions") or []):
        at = f"{path}.matchExpressions[{i}]"
        if not isinstance(expr, dict):
            continue
        op, values = expr.get("operator"), expr.get("values") or []
        if op in ("In", "NotIn"):
            if not values:
                errs.required(f"{at}.values",
                              "must be specified when `operator` is 'In' or 'NotIn'")
        elif op in ("Exists", "DoesNotExist"):
            if values:
                errs.forbidden(f"{at}.values",
                               "may not be specified when `operator` is 'Exists' or "
                               "'DoesNotExist'")
        else:
            errs.invalid(f"{at}.operator", op, "not a valid selector operator")
        errs.extend(f"{at}.key", expr.get("key"), qualified_name_errors(str(expr.get("key"))))
        for j, value in enumerate(values if isinstance(values, list) else []):
            errs.extend(f"{at}.values[{j}]", value, label_value_errors(str(value)))


def port_num_or_name(value: object, path: str, errs: Errors) -> None:
    """ValidatePortNumOrName: an int port or an IANA_SVC_NAME."""
    if isinstance(value, str):
        errs.extend(path, value, port_name_errors(value))
    else:
        errs.extend(path, value, port_number_errors(value))


def protocol(value: object, path: str, errs: Errors) -> None:
    """TCP, UDP or SCTP (an absent protocol defaults to TCP)."""
    if value is not None and value not in PROTOCOLS:
        errs.not_supported(path, value, PROTOCOLS)


Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def cidr(value: object, path: str, errs: Errors) -> Network | None:
    """Check a CIDR as ParseCIDRSloppy reads one; returns the network when valid."""
    net = sloppy_network(value) if isinstance(value, str) else None
    if net is None:
        errs.extend(path, value, cidr_errors(str(value)))
    return net
