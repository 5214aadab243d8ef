"""Where `netkit synth` spends its time: each part of the synth benchmark's work timed alone,
in this process, as synth runs it (cyclic collector paused), median of N runs.

Rows follow issue 18's profile: imports (a fresh process importing the CLI and synth),
render, YAML emission (the layout of every file), the writer's plan of a fresh directory and
of an unchanged one, validation (one process), reachability and NETWORK.md, and writing the
files into a fresh directory.

Usage: python benchmarks/synth_phases.py [--services 1000] [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

from synth_services import BLUEPRINT

IMPORTS = "import time; t = time.perf_counter(); import netkit.cli, netkit.synth; " \
          "print(time.perf_counter() - t)"


def median_of(runs: int, work: Callable[[], object]) -> float:
    """Median seconds of ``work()`` over ``runs`` runs."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    """Print one row per part."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--services", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    from netkit import load_blueprints
    from netkit.constructs.workload import declared
    from netkit.gitops import writer
    from netkit.inputs import collector
    from netkit.synth import namespace_directories, network_files, tree_files
    from netkit.validate.engine import Validator
    from netkit.workspace import rendered

    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        bp_file = tmp / "bench.py"
        bp_file.write_text(textwrap.dedent(BLUEPRINT.format(services=args.services)))
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONPYCACHEPREFIX"] = str(tmp / "pycache")
        imports = [float(subprocess.run([sys.executable, "-c", IMPORTS], env=env, check=True,
                                        capture_output=True, text=True).stdout)
                   for _ in range(args.runs + 1)][1:]
        rows = {"imports (CLI and synth, fresh process)": statistics.median(imports)}
        with collector.paused():
            bp = load_blueprints(bp_file, "prod")[0]
            objects, _ = rendered(bp)
            placed = [(bp.target.cluster, w) for w in declared(bp)]
            files = tree_files(objects, placed)
            directories = namespace_directories(files)
            rows["render"] = median_of(args.runs, lambda: rendered(
                load_blueprints(bp_file, "prod")[0]))
            rows["YAML emission (every file laid out)"] = median_of(
                args.runs, lambda: tree_files(objects, placed))
            rows["validation (one process)"] = median_of(
                args.runs, lambda: Validator(bp.target).validate(
                    objects, cel=lambda o: False, workloads=[w for _, w in placed]))
            rows["reachability and NETWORK.md"] = median_of(
                args.runs, lambda: network_files(objects, placed, directories, None))
            rows["writer.plan, fresh directory"] = median_of(
                args.runs, lambda: writer.plan(tmp / "fresh", files))
            outs = iter(range(args.runs))
            rows["writing the files, fresh directory"] = median_of(
                args.runs, lambda: writer.write(tmp / f"out{next(outs)}", files))
            rows["writer.plan, unchanged tree"] = median_of(
                args.runs, lambda: writer.plan(tmp / "out0", files))
    print(f"synth of {args.services} services ({len(objects)} objects, {len(files)} files), "
          f"median of {args.runs}:")
    for what, seconds in rows.items():
        print(f"  {what}: {seconds:.3f} s")


if __name__ == "__main__":
    main()
