"""Time the kube-apiserver rules alone, per object, for this tree and a baseline revision.

Two object mixes: the objects `netkit synth` renders for the 1,000-service benchmark blueprint
(benchmarks/synth_services.py) and the generated mix of benchmarks/validate_objects.py. Each
tree is timed in its own process (`git archive` of the baseline's netkit/), alternating runs,
so that the ratio is measured under the same load; each run reports the best of five passes
in CPU time (time.process_time), which other processes on a shared machine disturb least.

Usage: python benchmarks/apiserver_rules.py [--baseline REV] [--services 1000] [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import textwrap
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

# Runs in the tree under test; it must call the apiserver rules the way that tree exposes them.
TIMER = """
import json, sys, time
from netkit.validate import apiserver
objects = json.load(open(sys.argv[1]))
if hasattr(apiserver, "rules"):
    cluster = apiserver.Cluster((1, 36))
    def run(o):
        return apiserver.rules(str(o.get("apiVersion")), str(o.get("kind")))(o, cluster)
else:
    def run(o):
        return apiserver.check(o, (1, 36))
for o in objects:
    run(o)
best = float("inf")
for _ in range(5):
    start = time.process_time()
    for o in objects:
        run(o)
    best = min(best, time.process_time() - start)
print(best / len(objects) * 1e6)
"""


def synth_objects(services: int) -> list[dict[str, Any]]:
    """The objects synth renders for the benchmark blueprint with ``services`` services."""
    sys.path.insert(0, str(HERE))
    from synth_services import BLUEPRINT

    from netkit import load_blueprints, synth

    with tempfile.TemporaryDirectory() as tmp:
        bp = Path(tmp) / "bench.py"
        bp.write_text(textwrap.dedent(BLUEPRINT.format(services=services)))
        return [o.obj for o in synth.synthesize(load_blueprints(bp, "prod")).objects]


def mixed_objects(n: int) -> list[dict[str, Any]]:
    """The generated mix of validate_objects.py."""
    sys.path.insert(0, str(HERE))
    from validate_objects import objects

    return objects(n)


def baseline_tree(rev: str, into: Path) -> Path:
    """``rev``'s netkit/ unpacked under ``into``."""
    archive = into / "baseline.tar"
    with archive.open("wb") as out:
        subprocess.run(["git", "archive", rev, "netkit"], cwd=ROOT, stdout=out, check=True)
    with tarfile.open(archive) as tar:
        tar.extractall(into / "tree", filter="data")
    return into / "tree"


def per_object(tree: Path, objects_file: Path) -> float:
    """µs per object of the apiserver rules of the netkit in ``tree``."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    # Run from a folder without netkit/: the working directory comes first on sys.path.
    proc = subprocess.run([sys.executable, "-c", TIMER, str(objects_file)], env=env,
                          capture_output=True, text=True, check=True, cwd=objects_file.parent)
    return float(proc.stdout)


def main() -> None:
    """Print µs/object for each mix, this tree and (with --baseline) the baseline, and the
    ratio."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--baseline", help="git revision to compare with (e.g. HEAD~3)")
    parser.add_argument("--services", type=int, default=1000)
    parser.add_argument("--objects", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    mixes = {f"synth {args.services} services": synth_objects(args.services),
             "validate_objects mix": mixed_objects(args.objects)}
    with tempfile.TemporaryDirectory() as tmp:
        trees = {"this tree": ROOT}
        if args.baseline:
            trees[f"baseline {args.baseline}"] = baseline_tree(args.baseline, Path(tmp))
        for label, objs in mixes.items():
            path = Path(tmp) / "objects.json"
            path.write_text(json.dumps(objs))
            times: dict[str, list[float]] = {name: [] for name in trees}
            for _ in range(args.runs):
                for name, tree in trees.items():
                    times[name].append(per_object(tree, path))
            medians = {name: statistics.median(t) for name, t in times.items()}
            line = ", ".join(f"{name} {us:.1f} µs/object" for name, us in medians.items())
            print(f"{label} ({len(objs)} objects): {line}")
            if args.baseline:
                base = medians[f"baseline {args.baseline}"]
                print(f"  speed-up: {base / medians['this tree']:.2f}x "
                      f"(median of {args.runs} alternating runs)")


if __name__ == "__main__":
    main()
