"""The plain flow form for any other source, as CSV (with a header) or JSON lines.

Fields: ``src`` and ``dst`` (``namespace/workload``, an IP address, or ``host``), ``port``;
optional ``protocol`` (TCP), ``count`` (1), ``time``, ``verdict`` (FORWARDED),
``src_labels``/``dst_labels`` (``{"app": "web"}``, or ``app=web;tier=front`` in CSV) and
``dst_name`` (the DNS name the source resolved, for FQDN suggestions).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from typing import Any

from netkit.flows.records import HOST_PEER, BadRecord, Peer, Record, external, pod
from netkit.k8s.names import dns1123_label_errors

FIELDS = ("src", "dst", "protocol", "port", "count", "time", "verdict", "src_labels",
          "dst_labels", "dst_name")
PROTOCOLS = ("TCP", "UDP", "SCTP")


def _labels(raw: Any, field: str) -> dict[str, str]:
    if raw is None or raw == "":
        return {}
    if isinstance(raw, Mapping):
        return {str(k): str(v) for k, v in raw.items()}
    if isinstance(raw, str):
        out = {}
        for item in raw.split(";"):
            key, sep, value = item.strip().partition("=")
            if not sep or not key:
                raise BadRecord(f"{field}: expected key=value;key=value, got {raw!r}")
            out[key] = value
        return out
    raise BadRecord(f"{field} must be an object of labels")


def _peer(raw: Any, labels: dict[str, str], field: str) -> Peer:
    text = str(raw or "").strip()
    if text == "host":
        return HOST_PEER
    try:
        return external(str(ipaddress.ip_address(text)))
    except ValueError:
        pass
    namespace, sep, name = text.partition("/")
    if not sep or dns1123_label_errors(namespace) or not name or "/" in name:
        raise BadRecord(f"{field} {text!r} is not namespace/workload, an IP address or host")
    return pod(namespace, name, labels)


def _int(raw: Any, field: str, lo: int, hi: int) -> int:
    try:
        value = int(raw)
    except (TypeError, ValueError):
        raise BadRecord(f"{field} {raw!r} is not a number") from None
    if isinstance(raw, bool) or not lo <= value <= hi:
        raise BadRecord(f"{field} {raw!r} is not in {lo}-{hi}")
    return value


def parse(row: Mapping[str, Any]) -> Record:
    """A record from one CSV row or JSON line."""
    unknown = sorted(set(row) - set(FIELDS))
    if unknown:
        raise BadRecord(f"unknown field {unknown[0]!r} (fields: {', '.join(FIELDS)})")
    for field in ("src", "dst", "port"):
        if row.get(field) in (None, ""):
            raise BadRecord(f"{field} is missing")
    protocol = str(row.get("protocol") or "TCP").upper()
    if protocol not in PROTOCOLS:
        raise BadRecord(f"protocol {row.get('protocol')!r} is not TCP, UDP or SCTP")
    time = row.get("time")
    name = str(row.get("dst_name") or "").rstrip(".")
    return Record(_peer(row["src"], _labels(row.get("src_labels"), "src_labels"), "src"),
                  _peer(row["dst"], _labels(row.get("dst_labels"), "dst_labels"), "dst"),
                  protocol, _int(row["port"], "port", 1, 65535),
                  str(row.get("verdict") or "FORWARDED").upper(),
                  str(time) if time not in (None, "") else None,
                  _int(row.get("count") or 1, "count", 1, 2**62),
                  (name,) if name else ())
