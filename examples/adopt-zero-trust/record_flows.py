"""Write flows.json: an hour of `hubble observe -o json` output for the shop namespace.

Deterministic (a seeded generator, fixed clock), so the recorded file can be checked in and
regenerated: `python record_flows.py > flows.json`. The traffic is what a real shop sees:
the gateway calls web, web and worker call api, api and worker use redis, api charges cards
at api.stripe.com (IPv4 and IPv6), worker watches the Kubernetes API, every pod resolves names
through CoreDNS, Prometheus scrapes metrics, the kubelet probes, and replies come back.
"""

from __future__ import annotations

import json
import random
import sys
import zlib
from datetime import datetime, timedelta, timezone
from typing import Any

START = datetime(2026, 11, 30, 9, 0, tzinfo=timezone.utc)
NODES = ["kind-worker", "kind-worker2"]


def pod(ns: str, workload: str, kind: str, ip: str, **labels: str) -> dict[str, Any]:
    """A pod endpoint as Hubble reports it: Cilium's labels, pod name, workload."""
    suffix = "7d9f8b6c5-x2x4z" if kind == "Deployment" else "0"
    return {"ip": ip, "endpoint": {
        "ID": zlib.crc32(f"{ns}/{workload}".encode()) % 4000,
        "identity": 20000 + len(workload) * 97,
        "cluster_name": "default", "namespace": ns,
        "labels": sorted([f"k8s:{k}={v}" for k, v in labels.items()] + [
            f"k8s:io.kubernetes.pod.namespace={ns}",
            f"k8s:io.cilium.k8s.namespace.labels.kubernetes.io/metadata.name={ns}",
            f"k8s:io.cilium.k8s.policy.serviceaccount={workload}",
            "k8s:io.cilium.k8s.policy.cluster=default"]),
        "pod_name": f"{workload}-{suffix}",
        "workloads": [{"name": workload, "kind": kind}]}}


def world(ip: str, *reserved: str) -> dict[str, Any]:
    """An address outside the cluster (or the node, the API server)."""
    identity = {"world": 2, "host": 1, "kube-apiserver": 7}[reserved[0]]
    return {"ip": ip, "endpoint": {"identity": identity,
                                   "labels": [f"reserved:{r}" for r in reserved]}}


ENVOY = pod("envoy-gateway-system", "envoy-shop", "Deployment", "10.244.1.10",
            **{"app.kubernetes.io/name": "envoy", "app.kubernetes.io/component": "proxy",
               "gateway.envoyproxy.io/owning-gateway-name": "shared"})
WEB = pod("shop", "web", "Deployment", "10.244.1.21", app="web",
          **{"pod-template-hash": "7d9f8b6c5"})
API = pod("shop", "api", "Deployment", "10.244.2.31", app="api",
          **{"pod-template-hash": "5f6b7c8d9"})
WORKER = pod("shop", "worker", "Deployment", "10.244.2.41", app="worker",
             **{"pod-template-hash": "6c9f7d8b4"})
REDIS = pod("shop", "redis", "StatefulSet", "10.244.1.51", app="redis",
            **{"statefulset.kubernetes.io/pod-name": "redis-0"})
COREDNS = pod("kube-system", "coredns", "Deployment", "10.244.0.3", **{"k8s-app": "kube-dns"})
PROMETHEUS = pod("monitoring", "prometheus-k8s", "StatefulSet", "10.244.2.90",
                 **{"app.kubernetes.io/name": "prometheus",
                    "app.kubernetes.io/instance": "k8s"})
STRIPE = [world("198.51.100.20", "world"), world("2001:db8:5::20", "world")]
APISERVER = world("172.18.0.2", "kube-apiserver", "world")
KUBELET = world("10.244.1.1", "host")

# (source, destination, protocol, port, weight, destination names)
TRAFFIC: list[tuple[dict[str, Any], dict[str, Any], str, int, int, list[str]]] = [
    (ENVOY, WEB, "TCP", 8080, 30, []),
    (WEB, API, "TCP", 8080, 30, []),
    (WORKER, API, "TCP", 8080, 8, []),
    (API, REDIS, "TCP", 6379, 20, []),
    (WORKER, REDIS, "TCP", 6379, 6, []),
    (API, STRIPE[0], "TCP", 443, 5, ["api.stripe.com"]),
    (API, STRIPE[1], "TCP", 443, 2, ["api.stripe.com"]),
    (WORKER, APISERVER, "TCP", 6443, 3, []),
    (PROMETHEUS, API, "TCP", 9090, 4, []),
    (PROMETHEUS, WORKER, "TCP", 9090, 4, []),
    (KUBELET, WEB, "TCP", 8080, 4, []),
    (WEB, COREDNS, "UDP", 53, 10, []),
    (API, COREDNS, "UDP", 53, 10, []),
    (WORKER, COREDNS, "UDP", 53, 6, []),
    (API, COREDNS, "TCP", 53, 1, []),
]


def flow(t: datetime, src: dict[str, Any], dst: dict[str, Any], protocol: str, sport: int,
         dport: int, names: list[str], *, reply: bool, rng: random.Random) -> dict[str, Any]:
    """One trace event, as `hubble observe -o json` prints it."""
    l4: dict[str, Any] = {"source_port": sport, "destination_port": dport}
    if protocol == "TCP":
        l4["flags"] = {"SYN": True, "ACK": True} if reply else {"SYN": True}
    v6 = ":" in src["ip"] or ":" in dst["ip"]

    def address(ip: str) -> str:  # a dual-stack pod answers IPv6 peers from its IPv6 address
        return f"fd00:10:244::{ip.rsplit('.', 1)[1]}" if v6 and ":" not in ip else ip

    record = {
        "time": t.isoformat(timespec="microseconds").replace("+00:00", "Z"),
        "uuid": f"{rng.getrandbits(128):032x}",
        "verdict": "FORWARDED",
        "ethernet": {"source": "0a:58:0a:f4:01:15", "destination": "0a:58:0a:f4:01:01"},
        "IP": {"source": address(src["ip"]), "destination": address(dst["ip"]),
               "ipVersion": "IPv6" if v6 else "IPv4"},
        "l4": {protocol: l4},
        "source": src["endpoint"], "destination": dst["endpoint"],
        "Type": "L3_L4", "node_name": rng.choice(NODES),
        "event_type": {"type": 4, "sub_type": 3},
        "traffic_direction": "INGRESS" if reply else "EGRESS",
        "trace_observation_point": "TO_ENDPOINT",
        "is_reply": reply,
        "Summary": f"{protocol} Flags: SYN{', ACK' if reply else ''}" if protocol == "TCP"
        else protocol,
    }
    if names and not reply:
        record["destination_names"] = names
    if names and reply:
        record["source_names"] = names
    return {"flow": record, "node_name": record["node_name"], "time": record["time"]}


def records(count: int = 150, seed: int = 17) -> list[dict[str, Any]]:
    """``count`` requests (each with its reply), spread over an hour."""
    rng = random.Random(seed)
    weights = [w for *_, w, _ in TRAFFIC]
    out = []
    t = START
    for _ in range(count):
        src, dst, protocol, port, _, names = rng.choices(TRAFFIC, weights)[0]
        t += timedelta(milliseconds=rng.randint(1, 30000))
        sport = rng.randint(32768, 60999)
        out.append(flow(t, src, dst, protocol, sport, port, names, reply=False, rng=rng))
        t += timedelta(milliseconds=rng.randint(1, 40))
        out.append(flow(t, dst, src, protocol, port, sport, names, reply=True, rng=rng))
    return out


if __name__ == "__main__":
    for r in records():
        sys.stdout.write(json.dumps(r, separators=(",", ":")) + "\n")
