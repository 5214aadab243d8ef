"""netkit against cdk8s and kubernetes-validate, side by side in one run (ratios are the robust
figures on a shared machine).

Rows, each a whole process unless said otherwise:
- ``netkit synth`` of the services blueprint (``synth_services.py``) into a fresh directory;
- ``netkit synth --check`` on the unchanged tree it wrote;
- cdk8s building one ApiObject per synthesized object (read from JSON, so no netkit work is
  counted) in a Chart and ``app.synth()`` (Node.js through jsii) — building and synthesizing
  the same objects;
- ``netkit validate DIR`` of N objects written one per file as synth writes them, against
  ``kubernetes_validate.validate`` per object (a sample, scaled to N);
- ``netkit --help``;
- peak memory (max RSS) of ``netkit synth`` at several sizes, to show it grows linearly.

Children run with bytecode caching on (in a temporary PYTHONPYCACHEPREFIX), as an installed
package would, after one warm-up run.

Usage: python benchmarks/synth_compare.py [--services 1000] [--runs 3] [--cdk8s-runs 1]
       [--objects 10000] [--sample 300] [--sizes 250,500,1000] [--skip-cdk8s]
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Sequence
from pathlib import Path

from synth_services import BLUEPRINT
from validate_objects import VERSION, objects

CDK8S = """
import json, sys
import netkit.cdk8s  # before cdk8s: it chooses jsii's Node.js
import cdk8s
from netkit.cdk8s.chart import api_object
app = cdk8s.App(outdir=sys.argv[2])
chart = cdk8s.Chart(app, "bench", disable_resource_name_hashes=True)
for obj in json.load(open(sys.argv[1])):
    api_object(chart, obj)
app.synth()
"""


def run(cmd: Sequence[str], env: dict[str, str], ok: tuple[int, ...] = (0,)) -> float:
    """Wall seconds of one process."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(list(cmd), stdout=out, stderr=err, env=env)
        _, status, _ = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode not in ok:
            err.seek(0)
            sys.exit(f"{' '.join(cmd)} exited {proc.returncode}: {err.read().decode()[-2000:]}")
    return seconds


# Peak RSS survives exec and starts at the forking process's size, so memory is measured
# through a small launcher rather than as a child of this (large) process.
LAUNCHER = """
import os, subprocess, sys
proc = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
_, status, usage = os.wait4(proc.pid, 0)
print(os.waitstatus_to_exitcode(status), usage.ru_maxrss)
"""


def peak_rss(cmd: Sequence[str], env: dict[str, str]) -> int:
    """Peak RSS (KiB) of one process, measured by a launcher."""
    out = subprocess.run([sys.executable, "-c", LAUNCHER, *cmd], env=env, check=True,
                         capture_output=True, text=True).stdout.split()
    if out[0] != "0":
        sys.exit(f"{' '.join(cmd)} exited {out[0]}")
    return int(out[1])


def median(cmds: Sequence[Sequence[str]], env: dict[str, str], ok: tuple[int, ...] = (0,)
           ) -> float:
    """Median wall seconds over one process per command."""
    return statistics.median(run(cmd, env, ok) for cmd in cmds)


def netkit(*args: str) -> list[str]:
    """The command line of a netkit process."""
    return [sys.executable, "-m", "netkit.cli", *args]


def write_blueprint(tmp: Path, services: int) -> Path:
    """The services blueprint of ``synth_services.py`` with ``services`` services."""
    path = tmp / f"bench{services}.py"
    path.write_text(textwrap.dedent(BLUEPRINT.format(services=services)))
    return path


def synthesized_objects(blueprint: Path) -> list[dict[str, object]]:
    """The objects netkit synthesizes from ``blueprint`` (in this process, untimed)."""
    from netkit import load_blueprints, synth

    return [ro.obj for ro in synth.synthesize(load_blueprints(blueprint, "prod"),
                                              docs=False).objects]


def write_one_per_file(root: Path, n: int) -> None:
    """``n`` objects of ``validate_objects.py``, one file each, as synth lays them out."""
    from netkit.serialize import dump

    for obj in objects(n):
        md = obj["metadata"]
        folder = root / md["namespace"]
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{obj['kind'].lower()}-{md['name']}.yaml").write_text(dump(obj))


def per_object_reference(n: int, sample: int) -> float:
    """Seconds per object of ``kubernetes_validate.validate`` over a sample."""
    import kubernetes_validate

    objs = objects(n)[:sample]
    start = time.perf_counter()
    for obj in objs:
        kubernetes_validate.validate(obj, VERSION, strict=True)
    return (time.perf_counter() - start) / len(objs)


def main() -> None:
    """Print every row and the ratios."""
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--services", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--cdk8s-runs", type=int, default=1)
    parser.add_argument("--objects", type=int, default=10_000)
    parser.add_argument("--sample", type=int, default=300)
    parser.add_argument("--sizes", default="250,500,1000")
    parser.add_argument("--skip-cdk8s", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONPYCACHEPREFIX"] = str(tmp / "pycache")
        env["NETKIT_CACHE_DIR"] = str(tmp / "cache")
        bp = write_blueprint(tmp, args.services)
        run(netkit("synth", str(bp), "--out", str(tmp / "warm")), env)  # bytecode, caches
        outs = [str(tmp / f"cold{i}") for i in range(args.runs)]
        cold = median([netkit("synth", str(bp), "--out", out) for out in outs], env)
        check = median([netkit("synth", str(bp), "--out", outs[0], "--check")] * args.runs,
                       env)
        count = sum(1 for _ in (tmp / "cold0").rglob("*.yaml"))
        print(f"netkit synth, {args.services} services ({count} files), whole process, "
              f"fresh directory: {cold:.2f} s median of {args.runs}")
        print(f"netkit synth --check, unchanged tree: {check:.2f} s "
              f"({check / cold:.2f} of cold synth)")

        if not args.skip_cdk8s:
            objs = synthesized_objects(bp)
            (tmp / "objects.json").write_text(json.dumps(objs))
            cdk8s = median([[sys.executable, "-c", CDK8S, str(tmp / "objects.json"),
                             str(tmp / f"cdk8s{i}")] for i in range(args.cdk8s_runs)], env)
            print(f"cdk8s building and synthesizing the same {len(objs)} objects: {cdk8s:.2f} s "
                  f"median of {args.cdk8s_runs}; netkit synth is {cdk8s / cold:.1f}x faster")

        write_one_per_file(tmp / "perfile", args.objects)
        validate_cmd = netkit("validate", str(tmp / "perfile"), "--kubernetes", VERSION)
        run(validate_cmd, env, ok=(0, 1))
        validate = median([validate_cmd] * args.runs, env, ok=(0, 1))
        reference = per_object_reference(args.objects, args.sample)
        print(f"netkit validate, {args.objects} objects one per file, whole process: "
              f"{validate:.2f} s median of {args.runs}")
        print(f"kubernetes_validate per object: {reference * 1000:.2f} ms (sample of "
              f"{args.sample}); per object netkit is {reference * args.objects / validate:.0f}x "
              "faster")

        help_time = median([netkit("--help")] * 5, env)
        print(f"netkit --help: {help_time:.3f} s median of 5")

        sizes = [int(s) for s in args.sizes.split(",")]
        peaks = []
        for services in sizes:
            peak = peak_rss(netkit("synth", str(write_blueprint(tmp, services)), "--out",
                                   str(tmp / f"mem{services}")), env)
            files = sum(1 for _ in (tmp / f"mem{services}").rglob("*.yaml"))
            peaks.append((files, peak))
            print(f"peak memory, synth of {services} services ({files} files): "
                  f"{peak / 1024:.0f} MiB")
        for (f0, p0), (f1, p1) in itertools.pairwise(peaks):
            print(f"  {f0} -> {f1} files: +{(p1 - p0) / 1024:.1f} MiB, "
                  f"{(p1 - p0) / max(1, f1 - f0):.1f} KiB per added file")


if __name__ == "__main__":
    main()
