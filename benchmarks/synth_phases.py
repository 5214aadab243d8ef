"""Where `netkit synth` spends its time: each part of the synth benchmark's work timed alone, as
that tree's synth runs it, median of N runs, for this tree and (with --baseline) a baseline
revision side by side.

Rows follow issue 18's profile: imports (a fresh process importing the CLI and synth), load
and render, YAML emission (every file laid out), validation (one process), reachability and
NETWORK.md, the writer's plan of a fresh directory, writing the files into a fresh directory,
and the plan of the unchanged tree. Each tree runs in its own process (`git archive` of the
baseline's netkit/, as benchmarks/apiserver_rules.py does), with that tree's own API.

Usage: python benchmarks/synth_phases.py [--baseline REV] [--services 1000] [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

from apiserver_rules import ROOT, baseline_tree
from synth_services import BLUEPRINT

IMPORTS = "import time; t = time.perf_counter(); import netkit.cli, netkit.synth; " \
          "print(time.perf_counter() - t)"

# Runs in the tree under test, through whatever that tree's synth calls its parts.
TIMER = """
import inspect, json, statistics, sys, time
from contextlib import nullcontext
from pathlib import Path
from netkit import load_blueprints, synth
from netkit.constructs.workload import declared
from netkit.gitops import writer
from netkit.gitops.layout import layout
from netkit.validate.engine import Validator
from netkit.workspace import rendered
try:
    from netkit.inputs.collector import paused
except ImportError:  # a synth that leaves the collector running
    paused = nullcontext

bp_file, runs, tmp = sys.argv[1], int(sys.argv[2]), Path(sys.argv[3])

def median(work):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)

with paused():
    bp = load_blueprints(bp_file, "prod")[0]
    objects, _ = rendered(bp)
    workloads = list(declared(bp))
    placed = [(bp.target.cluster, w) for w in workloads]
    if hasattr(synth, "by_path"):  # files laid out from the objects placed by path
        tree = lambda: synth.tree_files(synth.by_path(objects), placed)
    elif hasattr(synth, "tree_files"):
        tree = lambda: synth.tree_files(objects, placed)
    else:
        tree = lambda: layout(objects)
    files = tree()
    directories = synth.namespace_directories(files)
    if hasattr(synth, "checked_network_files"):  # trusting what validation checks beside it
        network = lambda: synth.checked_network_files(objects, placed, directories, None,
                                                      checked=True)
    elif hasattr(synth, "network_files"):
        network = lambda: synth.network_files(objects, placed, directories, None)
    else:
        from netkit.analysis.engine import reachability
        from netkit.report.network_md import documents
        network = lambda: documents(objects, reachability(objects, workloads), directories)
    options = {"workloads": workloads} if "workloads" in inspect.signature(
        Validator.validate).parameters else {}
    outs = iter(range(runs))
    rows = {
        "load and render": median(lambda: rendered(load_blueprints(bp_file, "prod")[0])),
        "YAML emission (every file laid out)": median(tree),
        "validation (one process)": median(
            lambda: Validator(bp.target).validate(objects, cel=lambda o: False, **options)),
        "reachability and NETWORK.md": median(network),
        "writer.plan, fresh directory": median(lambda: writer.plan(tmp / "fresh", files)),
        "writing the files, fresh directory": median(
            lambda: writer.write(tmp / f"out{next(outs)}", files)),
        "writer.plan, unchanged tree": median(lambda: writer.plan(tmp / "out0", files)),
    }
print(json.dumps({"objects": len(objects), "files": len(files), "rows": rows}))
"""


def measure(tree: Path, blueprint: Path, runs: int, tmp: Path) -> dict[str, float]:
    """Seconds of each part for the netkit in ``tree``."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update(PYTHONPATH=str(tree), PYTHONPYCACHEPREFIX=str(tmp / "pycache"))
    # Run from a folder without netkit/: the working directory comes first on sys.path.
    imports = [float(subprocess.run([sys.executable, "-c", IMPORTS], env=env, check=True,
                                    capture_output=True, text=True, cwd=tmp).stdout)
               for _ in range(runs + 1)][1:]
    work = tmp / "work"
    work.mkdir()
    proc = subprocess.run([sys.executable, "-c", TIMER, str(blueprint), str(runs), str(work)],
                          env=env, check=True, capture_output=True, text=True, cwd=tmp)
    found = json.loads(proc.stdout)
    print(f"  {tree}: {found['objects']} objects, {found['files']} files", file=sys.stderr)
    return {"imports (CLI and synth, fresh process)": statistics.median(imports),
            **found["rows"]}


def main() -> None:
    """Print one row per part, a column per tree."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--baseline", help="git revision to compare with (e.g. 7017be6)")
    parser.add_argument("--services", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        blueprint = tmp / "bench.py"
        blueprint.write_text(textwrap.dedent(BLUEPRINT.format(services=args.services)))
        trees = {"this tree": ROOT}
        if args.baseline:
            (tmp / "baseline").mkdir()
            trees = {f"baseline {args.baseline}": baseline_tree(args.baseline, tmp / "baseline"),
                     **trees}
        columns = {}
        for i, (label, tree) in enumerate(trees.items()):
            (tmp / str(i)).mkdir()
            columns[label] = measure(tree, blueprint, args.runs, tmp / str(i))
    print(f"synth of {args.services} services, each part alone, median of {args.runs} (s):")
    print(f"| part | {' | '.join(columns)} |")
    print(f"| --- |{' --- |' * len(columns)}")
    for part in next(iter(columns.values())):
        print(f"| {part} | {' | '.join(f'{c[part]:.3f}' for c in columns.values())} |")


if __name__ == "__main__":
    main()
