"""Reachability at scale: `netkit audit` on synthetic clusters, with and without policy tiers
(ClusterNetworkPolicies, AdminNetworkPolicy, BaselineAdminNetworkPolicy, Cilium policies), side
by side with network-config-analyzer 2.1.0 on the same 1,000-pod input.

network-config-analyzer is not a netkit dependency; install it apart and pass its `nca`:
    python -m venv /tmp/nca && /tmp/nca/bin/pip install network-config-analyzer==2.1.0
    python benchmarks/reachability.py --nca /tmp/nca/bin/nca
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from cluster import generate, write

from netkit import load_manifests
from netkit.analysis import reachability

SHAPES = {  # name: (namespaces, apps, replicas, tiered)
    "1k pods, 440 policies": (20, 10, 5, False),
    "1k pods, 440 policies + 46 tiered": (20, 10, 5, True),
    "10k pods, 4,400 policies": (200, 10, 5, False),
    "10k pods, 4,400 policies + 406 tiered": (200, 10, 5, True),
    "10k pods, 440 policies (50 replicas)": (20, 10, 50, False),
}


def run(cmd: list[str], cwd: Path) -> tuple[float, int]:
    """Seconds and peak memory (MiB, -1 without GNU time) of one process.

    GNU time measures the command alone; a forked child's own high-water mark would include
    this script's memory from before the exec.
    """
    gnu_time = shutil.which("time") or ("/usr/bin/time" if Path("/usr/bin/time").exists()
                                         else None)
    with tempfile.NamedTemporaryFile("r") as report:
        prefix = [gnu_time, "-f", "%M", "-o", report.name] if gnu_time else []
        start = time.perf_counter()
        proc = subprocess.run([*prefix, *cmd], cwd=cwd, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True)
        elapsed = time.perf_counter() - start
        if proc.returncode != 0:
            sys.exit(f"{cmd[0]} failed: {proc.stderr}")
        text = report.read().strip().splitlines()
    return elapsed, int(text[-1]) // 1024 if gnu_time and text else -1


def engine(path: Path) -> tuple[int, int, float]:
    """(endpoint groups, engine peak MiB, engine seconds) on already-loaded objects."""
    objs = load_manifests([str(path)])
    start = time.perf_counter()
    r = reachability(objs)
    elapsed = time.perf_counter() - start
    tracemalloc.start()  # a second build, traced: tracing slows it down several times
    reachability(objs)
    peak = tracemalloc.get_traced_memory()[1] // (1 << 20)
    tracemalloc.stop()
    return len(r.groups), peak, elapsed


def main() -> None:
    """Print one line per cluster shape and the comparison."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--nca", default=shutil.which("nca"),
                        help="path of network-config-analyzer's nca command")
    args = parser.parse_args()
    netkit = [sys.executable, "-m", "netkit.cli", "audit", "--format", "json"]
    with tempfile.TemporaryDirectory() as tmp:
        results = {}
        for name, shape in SHAPES.items():
            out = Path(tmp) / f"{name.split(',')[0].replace(' ', '')}{'t' if shape[3] else ''}"
            namespaces, apps, replicas, tiered = shape
            cluster = generate(namespaces, apps, replicas, tiered=tiered)
            write(out, cluster)
            runs = [run([*netkit, str(out)], out) for _ in range(args.runs)]
            seconds = statistics.median(r[0] for r in runs)
            groups, peak, engine_s = engine(out)
            results[name] = seconds
            print(f"{name}: netkit audit {seconds:.2f} s median of {args.runs} (whole "
                  f"process, JSON of every flow), peak RSS {max(r[1] for r in runs)} MiB; "
                  f"engine {engine_s:.2f} s, {groups} endpoint groups, "
                  f"engine peak {peak} MiB")
        if not args.nca:
            print("network-config-analyzer: not installed (see --help)")
            return
        small = Path(tmp) / "1kpods"
        nca_s, nca_mb = run([args.nca, "--connectivity", str(small / "policies.yaml"),
                             "--pod_list", str(small / "pods.yaml"), "--ns_list",
                             str(small / "namespaces.yaml"), "--output_format", "json",
                             "--file_out", str(small / "nca.json")], small)
        ours = results["1k pods, 440 policies"]
        print(f"network-config-analyzer 2.1.0, same 1k-pod input: {nca_s:.2f} s, peak RSS "
              f"{nca_mb} MiB; netkit is {nca_s / ours:.0f}x faster")


if __name__ == "__main__":
    main()
