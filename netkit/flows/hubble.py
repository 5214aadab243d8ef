"""Hubble flow records: ``hubble observe -o json`` lines (``{"flow": {...}}``, field names as
in ``flow.proto``), Hubble Relay's jsonpb export (camelCase names, ``{"result": {"flow": ...}}``,
enums as names or numbers), and bare Flow objects."""

from __future__ import annotations

import ipaddress
import re
from typing import Any

from netkit.flows.records import HOST_PEER, BadRecord, Peer, Record, external, pod

# flow.proto enums, for exports that write numbers.
VERDICTS = ("VERDICT_UNKNOWN", "FORWARDED", "DROPPED", "ERROR", "AUDIT", "REDIRECTED",
            "TRACED", "TRANSLATED")
# Cilium's reserved identities (pkg/identity/numericidentity.go), for records without labels.
RESERVED_IDENTITIES = {1: "host", 2: "world", 3: "unmanaged", 4: "health", 5: "init",
                       6: "remote-node", 7: "kube-apiserver", 8: "ingress", 9: "world-ipv4",
                       10: "world-ipv6"}
# Node-local traffic (kubelet probes, Cilium health checks): no NetworkPolicy governs it.
NODE_LOCAL = {"host", "health"}
PROTOCOLS = ("TCP", "UDP", "SCTP")
# GetFlowsResponse members that are not flows (observer.proto).
EVENTS = ("node_status", "nodeStatus", "lost_events", "lostEvents", "debug_event", "debugEvent",
          "agent_event", "agentEvent", "time", "node_name", "nodeName")
# Labels Cilium derives that no pod template carries, or that differ pod by pod.
_NOT_POD_LABELS = ("io.kubernetes.pod.namespace", "io.cilium.k8s.", "pod-template-hash",
                   "controller-revision-hash", "statefulset.kubernetes.io/pod-name",
                   "apps.kubernetes.io/pod-index", "batch.kubernetes.io/controller-uid",
                   "controller-uid", "pod-template-generation")
_NAMESPACE_LABEL = "io.cilium.k8s.namespace.labels."
_POD_SUFFIX = re.compile(r"(-[a-z0-9]{6,10})?-[a-z0-9]{5}$|-\d+$")


def _get(d: dict[str, Any], snake: str, camel: str) -> Any:
    value = d.get(snake)
    return d.get(camel) if value is None else value


def unwrap(line: dict[str, Any]) -> dict[str, Any] | None:
    """The Flow in a line; None for other events (node status, lost events)."""
    flow = line.get("flow")
    if flow is None and isinstance(line.get("result"), dict):
        flow = line["result"].get("flow")
        if flow is None:
            return None
    if flow is None:
        if any(k in line for k in ("source", "destination", "l4", "IP")):
            return line
        if any(k in line for k in EVENTS):
            return None
        raise BadRecord("neither a Hubble flow nor a Hubble event (no 'flow', 'source' or "
                        "'destination', no plain 'src'/'dst')")
    if not isinstance(flow, dict):
        raise BadRecord("'flow' is not an object")
    return flow


def _labels(raw: Any) -> tuple[set[str], dict[str, str], dict[str, str]]:
    """(reserved identities, pod labels, namespace labels) from ``source:key=value``."""
    reserved: set[str] = set()
    pods: dict[str, str] = {}
    namespace: dict[str, str] = {}
    if not isinstance(raw, list):
        return reserved, pods, namespace
    for item in raw:
        if not isinstance(item, str):
            continue
        key, _, value = item.partition("=")
        source, colon, bare = key.partition(":")
        if not colon:
            source, bare = "k8s", key
        if source == "reserved":
            reserved.add(bare)
        elif source == "k8s" and bare:
            if bare.startswith(_NAMESPACE_LABEL):
                namespace[bare[len(_NAMESPACE_LABEL):]] = value
            elif not bare.startswith(_NOT_POD_LABELS):
                pods[bare] = value
    return reserved, pods, namespace


def _address(text: Any, side: str) -> str:
    try:
        return str(ipaddress.ip_address(str(text)))
    except ValueError:
        raise BadRecord(f"{side} has no valid IP address ({text!r})") from None


def _workload_name(ep: dict[str, Any]) -> str:
    workloads = ep.get("workloads")
    if isinstance(workloads, list) and workloads and isinstance(workloads[0], dict):
        name = workloads[0].get("name")
        if name:
            return str(name)
    pod_name = _get(ep, "pod_name", "podName")
    if pod_name:
        return _POD_SUFFIX.sub("", str(pod_name)) or str(pod_name)
    return ""


_known: dict[tuple[Any, ...], Peer] = {}
_KNOWN_MAX = 100_000  # distinct endpoints remembered; a log with more starts over


def _peer(ep: Any, ip: Any, side: str) -> Peer:
    """The peer of an endpoint, remembered: a log names the same few endpoints again and
    again, and reading their labels is most of the work."""
    if not isinstance(ep, dict):
        ep = {}
    labels = ep.get("labels")
    workloads = ep.get("workloads")
    namespace = ep.get("namespace")
    try:
        key = (namespace, tuple(labels) if isinstance(labels, list) else labels,
               _get(ep, "pod_name", "podName"), ep.get("identity"), None if namespace else ip,
               workloads[0].get("name") if isinstance(workloads, list) and workloads
               and isinstance(workloads[0], dict) else None)
        peer = _known.get(key)
    except TypeError:  # an unhashable value where a string belongs: no shortcut
        return _read_peer(ep, ip, side)
    if peer is None:
        if len(_known) >= _KNOWN_MAX:
            _known.clear()
        peer = _known[key] = _read_peer(ep, ip, side)
    return peer


def _read_peer(ep: dict[str, Any], ip: Any, side: str) -> Peer:
    reserved, labels, ns_labels = _labels(ep.get("labels"))
    identity = ep.get("identity")
    if not reserved and isinstance(identity, int) and identity in RESERVED_IDENTITIES:
        reserved = {RESERVED_IDENTITIES[identity]}
    if reserved & NODE_LOCAL:
        return HOST_PEER
    namespace = ep.get("namespace")
    if reserved or not namespace:
        if ip is None or ip == "":
            raise BadRecord(f"{side} is neither a pod nor an address (no namespace, no IP)")
        return external(_address(ip, side))
    name = _workload_name(ep) or labels.get("app.kubernetes.io/name") or labels.get("app", "")
    if not name:
        raise BadRecord(f"{side} in namespace {namespace!r} has no pod, workload or labels "
                        "to identify it")
    return pod(str(namespace), name, labels, ns_labels)


def _reply(flow: dict[str, Any], l4: dict[str, Any]) -> bool:
    flag = _get(flow, "is_reply", "isReply")
    if isinstance(flag, dict):  # a BoolValue written as a message
        flag = flag.get("value")
    if flag is None:
        flag = flow.get("reply")
    if flag is not None:
        return bool(flag)
    flags = (l4.get("TCP") or {}).get("flags") or {}
    return bool(flags.get("SYN") and flags.get("ACK"))


def _enum(value: Any, names: tuple[str, ...]) -> str:
    if isinstance(value, int):
        return names[value] if 0 <= value < len(names) else names[0]
    return str(value or names[0]).upper()


def parse(line: dict[str, Any]) -> Record | None:
    """The request a Hubble line records; None for replies, events that are not flows, and
    traffic without ports (ICMP), which NetworkPolicy cannot express."""
    flow = unwrap(line)
    if flow is None:
        return None
    l4 = flow.get("l4")
    if not isinstance(l4, dict):
        return None
    if _reply(flow, l4):
        return None
    for protocol in PROTOCOLS:
        ports = l4.get(protocol)
        if isinstance(ports, dict):
            break
    else:
        return None
    port = _get(ports, "destination_port", "destinationPort")
    if isinstance(port, str) and port.isdigit():
        port = int(port)
    if not isinstance(port, int) or isinstance(port, bool) or not 1 <= port <= 65535:
        raise BadRecord(f"l4.{protocol}.destination_port {port!r} is not a port number")
    ip = flow.get("IP") or flow.get("ip") or {}
    if not isinstance(ip, dict):
        raise BadRecord("'IP' is not an object")
    src = _peer(flow.get("source"), ip.get("source"), "source")
    dst = _peer(flow.get("destination"), ip.get("destination"), "destination")
    names = _get(flow, "destination_names", "destinationNames")
    time = flow.get("time") or line.get("time")
    return Record(src, dst, protocol, port, _enum(flow.get("verdict"), VERDICTS),
                  time if isinstance(time, str) else None,
                  dst_names=tuple(str(n).rstrip(".") for n in names)
                  if isinstance(names, list) else ())
