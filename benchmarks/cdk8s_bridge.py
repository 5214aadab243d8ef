"""The shop blueprint through `netkit synth` and through the cdk8s bridge (NetkitChart and
app.synth()), each as a whole process, median of N runs.

Usage: python benchmarks/cdk8s_bridge.py [--runs 5]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SHOP = Path(__file__).resolve().parent.parent / "blueprints" / "shop.py"
BRIDGE = f"""
import netkit.cdk8s as bridge
import cdk8s
from netkit import load_blueprints
app = cdk8s.App(outdir={{out!r}})
bridge.NetkitChart(app, "shop", load_blueprints({str(SHOP)!r}, "prod")[0])
app.synth()
"""


def timed(cmd: list[str]) -> float:
    """Seconds one process takes."""
    start = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    """Print both medians."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        synth = [timed([sys.executable, "-m", "netkit.cli", "synth", str(SHOP), "--out",
                        f"{tmp}/synth{i}"]) for i in range(args.runs)]
        bridge = [timed([sys.executable, "-c", BRIDGE.format(out=f"{tmp}/cdk8s{i}")])
                  for i in range(args.runs)]
    print(f"shop blueprint, whole process, median of {args.runs}: netkit synth "
          f"{statistics.median(synth):.2f} s; cdk8s bridge (NetkitChart + app.synth(), "
          f"Node.js via jsii) {statistics.median(bridge):.2f} s")


if __name__ == "__main__":
    main()
