"""Time `netkit synth` (whole process) on a generated blueprint with N rate-limited services.

Usage: python benchmarks/synth_services.py [--services 1000] [--runs 3]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

BLUEPRINT = '''
from netkit import Blueprint, Target
from netkit.constructs import RateLimitedService, TlsIngress, ZeroTrustNamespace

SERVICES = {services}
PER_NAMESPACE = 50


def build(env: str = "prod") -> Blueprint:
    bp = Blueprint("bench", target=Target())
    for n in range(max(1, SERVICES // PER_NAMESPACE)):
        ns = ZeroTrustNamespace(bp, f"team-{{n}}")
        site = TlsIngress(ns, "site", hosts=[f"team-{{n}}.example.com"], issuer="letsencrypt")
        previous = None
        for i in range(PER_NAMESPACE):
            w = ns.workload(f"app-{{i}}", labels={{"app": f"app-{{i}}"}}, ports={{"http": 8080}})
            svc = RateLimitedService(ns, f"app-{{i}}", workload=w, port=80, target_port="http",
                                     rps=100)
            site.route(f"/app-{{i}}", svc)
            if previous is not None:
                ns.allow(previous, to=w, port="http")
            previous = w
    return bp
'''


def main() -> None:
    """Generate the blueprint, run synth ``--runs`` times, print the median and objects/s."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--services", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        bp = Path(tmp) / "bench.py"
        bp.write_text(textwrap.dedent(BLUEPRINT.format(services=args.services)))
        times, objects = [], 0
        for run in range(args.runs):
            out = Path(tmp) / f"out{run}"
            start = time.perf_counter()
            proc = subprocess.run([sys.executable, "-m", "netkit.cli", "synth", str(bp),
                                   "--out", str(out)], capture_output=True, text=True)
            times.append(time.perf_counter() - start)
            if proc.returncode != 0:
                sys.exit(proc.stderr)
            objects = int(proc.stdout.split(": ")[1].split()[0])
        median = statistics.median(times)
        print(f"synth {args.services} services: {objects} objects, median {median:.2f} s "
              f"over {args.runs} runs (whole process), {objects / median:,.0f} objects/s")
        print(f"  in memory (load, render, serialize; no disk): {in_memory(bp):.2f} s")


def in_memory(bp: Path) -> float:
    """Seconds to load, render and lay out the blueprint without writing files."""
    from netkit import load_blueprints, synth

    start = time.perf_counter()
    synth.synthesize(load_blueprints(bp, "prod"))
    return time.perf_counter() - start


if __name__ == "__main__":
    main()
