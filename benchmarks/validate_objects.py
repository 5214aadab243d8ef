"""Validate N generated objects with netkit and with kubernetes-validate, side by side.

netkit: `netkit validate FILE` of the N objects in one file, and `netkit validate DIR` of
them one per file as synth writes them, each as a whole process (files read, schemas
compiled, apiserver rules and cross-object checks), and the library call alone.
kubernetes-validate: `kubernetes_validate.validate(obj, version, strict=True)` for each object
of a sample (the full N would take minutes), reported per object and scaled to N.

Children run with bytecode caching on (in a temporary PYTHONPYCACHEPREFIX), as an installed
package would, after one warm-up run.

Usage: python benchmarks/validate_objects.py [--objects 10000] [--sample 500] [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import kubernetes_validate

from netkit.serialize import dump, dump_all
from netkit.validate import validate

VERSION = "1.36"


def objects(n: int) -> list[dict[str, Any]]:
    """A realistic mix: per app a Deployment, Service, two NetworkPolicies and an Ingress."""
    out: list[dict[str, Any]] = []
    i = 0
    while len(out) < n:
        ns, app = f"team-{i // 50}", f"app-{i}"
        labels = {"app": app}
        out.append({"apiVersion": "apps/v1", "kind": "Deployment",
                    "metadata": {"name": app, "namespace": ns},
                    "spec": {"selector": {"matchLabels": labels}, "template": {
                        "metadata": {"labels": labels}, "spec": {"containers": [{
                            "name": "app", "image": "registry.example.com/app:1",
                            "ports": [{"name": "http", "containerPort": 8080}]}]}}}})
        out.append({"apiVersion": "v1", "kind": "Service",
                    "metadata": {"name": app, "namespace": ns},
                    "spec": {"selector": labels, "ports": [
                        {"name": "http", "port": 80, "targetPort": "http"}]}})
        out.append({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
                    "metadata": {"name": f"allow-ingress-{app}", "namespace": ns},
                    "spec": {"podSelector": {"matchLabels": labels}, "policyTypes": ["Ingress"],
                             "ingress": [{"from": [{"podSelector": {"matchLabels": {
                                 "app": f"app-{max(i - 1, 0)}"}}}],
                                 "ports": [{"port": 8080, "protocol": "TCP"}]}]}})
        out.append({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
                    "metadata": {"name": f"allow-egress-{app}", "namespace": ns},
                    "spec": {"podSelector": {"matchLabels": labels}, "policyTypes": ["Egress"],
                             "egress": [{"to": [{"namespaceSelector": {"matchLabels": {
                                 "kubernetes.io/metadata.name": "kube-system"}}}],
                                 "ports": [{"port": 53, "protocol": "UDP"}]}]}})
        out.append({"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
                    "metadata": {"name": app, "namespace": ns},
                    "spec": {"ingressClassName": "gw", "rules": [{
                        "host": f"{app}.example.com", "http": {"paths": [{
                            "path": "/", "pathType": "Prefix", "backend": {"service": {
                                "name": app, "port": {"number": 80}}}}]}}]}})
        i += 1
    return out[:n]


def write_one_per_file(root: Path, objs: list[dict[str, Any]]) -> None:
    """``objs`` one per file, as synth lays them out: a folder per namespace."""
    for obj in objs:
        md = obj["metadata"]
        folder = root / md["namespace"]
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{obj['kind'].lower()}-{md['name']}.yaml").write_text(dump(obj))


def run(path: Path, env: dict[str, str]) -> float:
    """Seconds for one `netkit validate` process."""
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "netkit.cli", "validate", str(path),
                           "--kubernetes", VERSION], capture_output=True, text=True, env=env)
    if proc.returncode not in (0, 1):
        sys.exit(proc.stderr)
    return time.perf_counter() - start


def main() -> None:
    """Print netkit's time, kubernetes-validate's, and the ratio."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--objects", type=int, default=10_000)
    parser.add_argument("--sample", type=int, default=500)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    objs = objects(args.objects)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "objects.yaml"
        path.write_text(dump_all(objs))
        tree = Path(tmp) / "perfile"
        write_one_per_file(tree, objs)
        env = {**os.environ, "NETKIT_CACHE_DIR": str(Path(tmp) / "cache"),
               "PYTHONPYCACHEPREFIX": str(Path(tmp) / "pycache")}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        cold = run(path, env)
        run(tree, env)
        times: dict[Path, list[float]] = {path: [], tree: []}
        for _ in range(args.runs):  # interleaved, so that both see the same load
            for target, seconds in times.items():
                seconds.append(run(target, env))
        process, per_file = (statistics.median(times[path]), statistics.median(times[tree]))
    start = time.perf_counter()
    findings = validate(objs, kubernetes=VERSION)
    library = time.perf_counter() - start
    sample = objs[: args.sample]
    start = time.perf_counter()
    for obj in sample:
        kubernetes_validate.validate(obj, VERSION, strict=True)
    per_object = (time.perf_counter() - start) / len(sample)
    reference = per_object * len(objs)
    print(f"netkit validate, {len(objs)} objects, whole process: {process:.2f} s median of "
          f"{args.runs} ({len(findings)} findings); first run, empty schema cache: {cold:.2f} s")
    spread = ", ".join(f"{t:.2f}" for t in sorted(times[tree]))
    print(f"netkit validate DIR, the same objects one per file: {per_file:.2f} s median of "
          f"{args.runs} ({spread})")
    print(f"netkit library call (schemas compiled in the call): {library:.2f} s")
    print(f"kubernetes_validate.validate per object: {per_object * 1000:.2f} ms "
          f"(sample of {len(sample)}), {reference:.1f} s for {len(objs)}")
    print(f"speed-up, whole process vs per-object calls: {reference / process:.0f}x one file, "
          f"{reference / per_file:.0f}x one file per object")


if __name__ == "__main__":
    main()
