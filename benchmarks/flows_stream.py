"""Streaming a large Hubble flow log: `netkit audit --flows` on 1,000,000 records.

Writes a synthetic `hubble observe -o json` log (50 workloads in 5 namespaces, DNS, world
addresses, replies) into a temporary file, then measures, in the same run:
  - json.loads of every line alone (the floor any JSON reader pays),
  - the flow reader (parse + aggregate) in this process on one core, with its peak traced
    memory,
  - the whole `netkit audit --flows FILE policies.yaml --format json` process (which reads a
    large file in two forked workers): time and peak RSS (GNU time).

    python benchmarks/flows_stream.py [--records 1000000]
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from netkit.flows.aggregate import read

NAMESPACES = [f"team{i}" for i in range(5)]
APPS = [f"app{i}" for i in range(10)]
PORTS = [8080, 8443, 5432, 6379, 9090]
POLICIES = """\
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {{name: default-deny, namespace: {ns}}}
spec: {{podSelector: {{}}, policyTypes: [Ingress, Egress]}}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {{name: allow-same-namespace, namespace: {ns}}}
spec:
  podSelector: {{}}
  policyTypes: [Ingress, Egress]
  ingress: [{{from: [{{podSelector: {{}}}}], ports: [{{port: 8080}}, {{port: 5432}}]}}]
  egress:
  - to: [{{podSelector: {{}}}}]
    ports: [{{port: 8080}}, {{port: 5432}}]
  - to: [{{namespaceSelector: {{matchLabels: {{kubernetes.io/metadata.name: kube-system}}}}}}]
    ports: [{{port: 53, protocol: UDP}}]
"""


def endpoint(ns: str, app: str) -> str:
    labels = [f"k8s:app={app}", f"k8s:io.kubernetes.pod.namespace={ns}",
              f"k8s:io.cilium.k8s.policy.serviceaccount={app}",
              "k8s:io.cilium.k8s.policy.cluster=default", "k8s:pod-template-hash=5f6b7c8d9"]
    return json.dumps({"ID": 1000 + len(app), "identity": 30000 + len(ns) * 7,
                       "cluster_name": "default", "namespace": ns, "labels": labels,
                       "pod_name": f"{app}-5f6b7c8d9-abcde",
                       "workloads": [{"name": app, "kind": "Deployment"}]})


def templates() -> list[tuple[str, int]]:
    """(line with {time} {uuid} {sport} {reply} placeholders, weight)."""
    out = []
    dns = endpoint("kube-system", "coredns")
    for ns in NAMESPACES:
        for app in APPS:
            src = endpoint(ns, app)
            for port in PORTS:
                dst_app = APPS[(APPS.index(app) + port) % len(APPS)]
                out.append((src, endpoint(ns, dst_app), "TCP", port, "10.0.2.7"))
            out.append((src, dns, "UDP", 53, "10.0.0.10"))
            for i in range(3):
                world = json.dumps({"identity": 2, "labels": ["reserved:world"]})
                out.append((src, world, "TCP", 443, f"203.0.113.{i + NAMESPACES.index(ns)}"))
    lines = []
    for src, dst, proto, port, dst_ip in out:
        flags = ',"flags":{{"SYN":true}}' if proto == "TCP" else ""
        line = ('{{"flow":{{"time":"{time}","uuid":"{uuid}","verdict":"FORWARDED",'
                '"ethernet":{{"source":"0a:58:0a:f4:01:15","destination":"0a:58:0a:f4:01:01"}},'
                f'"IP":{{{{"source":"10.0.1.5","destination":"{dst_ip}","ipVersion":"IPv4"}}}},'
                f'"l4":{{{{"{proto}":{{{{"source_port":{{sport}},"destination_port":{port}'
                f'{flags}}}}}}}}},'
                f'"source":{src.replace("{", "{{").replace("}", "}}")},'
                f'"destination":{dst.replace("{", "{{").replace("}", "}}")},'
                '"Type":"L3_L4","node_name":"kind-worker","event_type":{{"type":4}},'
                '"traffic_direction":"EGRESS","is_reply":{reply},"Summary":"TCP Flags: SYN"}},'
                '"node_name":"kind-worker","time":"{time}"}}\n')
        lines.append((line, 1))
    return lines


def write_log(path: Path, records: int) -> None:
    rng = random.Random(1)
    shapes = [t for t, _ in templates()]
    with path.open("w", encoding="utf-8") as out:
        for i in range(records):
            reply = "true" if i % 2 else "false"
            out.write(shapes[rng.randrange(len(shapes))].format(
                time=f"2026-11-30T10:{i // 60000 % 60:02d}:{i // 1000 % 60:02d}.{i % 1000:03d}Z",
                uuid=f"{rng.getrandbits(64):016x}", sport=32768 + i % 28000, reply=reply))


def peak_of(cmd: list[str]) -> tuple[float, int]:
    """Seconds and peak RSS (MiB; -1 without GNU time) of one process."""
    gnu_time = shutil.which("time") or ("/usr/bin/time" if Path("/usr/bin/time").exists()
                                         else None)
    with tempfile.NamedTemporaryFile("r") as report:
        prefix = [gnu_time, "-f", "%M", "-o", report.name] if gnu_time else []
        start = time.perf_counter()
        proc = subprocess.run([*prefix, *cmd], stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True)
        elapsed = time.perf_counter() - start
        if proc.returncode not in (0, 1):
            sys.exit(f"netkit failed: {proc.stderr}")
        text = report.read().strip().splitlines()
    return elapsed, int(text[-1]) // 1024 if gnu_time and text else -1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        log, policies = Path(tmp) / "flows.json", Path(tmp) / "policies.yaml"
        policies.write_text("---\n".join(POLICIES.format(ns=ns) for ns in NAMESPACES))
        start = time.perf_counter()
        write_log(log, args.records)
        print(f"wrote {args.records:,} records, {log.stat().st_size / 2**20:,.0f} MiB, "
              f"in {time.perf_counter() - start:.1f} s")

        start = time.perf_counter()
        with log.open("rb") as fh:
            for line in fh:
                json.loads(line)
        floor = time.perf_counter() - start

        start = time.perf_counter()
        with log.open("rb") as fh:
            observed = read(str(log), fh)
        reader = time.perf_counter() - start
        tracemalloc.start()
        with log.open("rb") as fh:
            read(str(log), fh)
        _, traced = tracemalloc.get_traced_memory()
        tracemalloc.stop()

        whole, rss = peak_of([sys.executable, "-m", "netkit.cli", "audit", "--flows", str(log),
                              str(policies), "--format", "json"])
    print(f"{'json.loads of every line':<44} {floor:6.1f} s")
    print(f"{'flow reader, one core (parse + aggregate)':<44} {reader:6.1f} s  "
          f"({reader / floor:.2f}x json.loads alone; {len(observed.flows)} flows, "
          f"{observed.records:,} requests, {observed.skipped:,} replies; "
          f"peak traced {traced / 2**20:.1f} MiB)")
    print(f"{'netkit audit --flows, whole process':<44} {whole:6.1f} s  peak RSS {rss} MiB")


if __name__ == "__main__":
    main()
