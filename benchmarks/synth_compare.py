"""netkit against cdk8s and kubernetes-validate, side by side in one run (ratios are the robust
figures on a shared machine).

Rows, each a whole process unless said otherwise:
- a file system calibration (in this process): creating as many empty files as synth writes, in a
  fresh directory of the same temporary directory, printed before the synth rows;
- ``netkit synth`` of the services blueprint (``synth_services.py``) into a fresh directory;
- ``netkit synth --check`` on the unchanged tree it wrote, with the memo synth kept (timed in
  the same rounds as the cold synth, right after it, and compared with it by the median of the
  rounds' shares) and without it (as on a fresh CI machine that keeps the schema cache);
- three cdk8s rows building the same objects (read from JSON, so no netkit work is counted) in a
  Chart and running ``app.synth()`` (Node.js through jsii), all in ``cdk8s_app.py``, timed in
  the same rounds as netkit's cold synth (each round: one cold synth and its check, then one
  run of each row), so that a slow spell of the shared machine weighs on both sides alike, and each
  compared with netkit by the median of the rounds' ratios: the
  ApiObject row (one ``cdk8s.ApiObject`` per object, cdk8s's lightest path), the typed row
  (core kinds through the ``cdk8s_plus_33.k8s`` L1 classes with typed structs, as a cdk8s user
  writes a chart; custom resources through ApiObject) and the imported row (as the typed row,
  and custom resources through the classes ``cdk8s import`` generates from their CRDs, with
  typed structs and enums). The imported row's classes are generated once, untimed, into the
  temporary directory (``cdk8s_import.py``: npx runs cdk8s-cli); without npx, or when
  generation fails, the row is skipped with the reason. Untimed, the script then checks that
  every row wrote netkit's objects, object for object;
- ``netkit validate DIR`` of N objects written one per file as synth writes them, against
  ``kubernetes_validate.validate`` per object (a sample, scaled to N);
- ``netkit --help``;
- peak memory (max RSS) of ``netkit synth`` at several sizes, to show it grows linearly.

Children run with bytecode caching on (in a temporary PYTHONPYCACHEPREFIX), as an installed
package would, after one warm-up run.

The file system state matters to every row that creates files. On ext4 without a journal (this
project's machine: ``/proc/fs/jbd2`` is empty), the inode allocator skips inodes deleted in the
last minute, or in the last six while their inode table block is not yet written back
(``recently_deleted()`` in ``find_inode_bit``), so creating files in a block group where many
files were just deleted is 10-20x slower. Running this script again within ~5 minutes of
deleting many files (a previous run's cleanup, a test suite, another benchmark) inflates the
netkit synth rows, which create thousands of files (cdk8s writes one file per chart, so its rows
are not affected): netkit's ratios then come out low. The calibration line shows whether the
file system was in that state. The script itself deletes none of its trees until it ends, and
its last act, removing them all, puts the file system in that state for the next few minutes.

Usage: python benchmarks/synth_compare.py [--services 1000] [--runs 5] [--cdk8s-runs 5]
       [--objects 10000] [--sample 300] [--sizes 250,500,1000] [--skip-cdk8s | --only-cdk8s]
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from cdk8s_import import CLI, GenerationFailed, generate
from synth_services import BLUEPRINT
from validate_objects import VERSION, objects

HERE = Path(__file__).resolve().parent

# The cdk8s rows: a mode of cdk8s_app.py and what the output calls it.
CDK8S_ROWS = {
    "apiobject": "cdk8s, ApiObject row (one cdk8s.ApiObject per object, fields added as JSON: "
                 "cdk8s's lightest path)",
    "typed": "cdk8s, typed row (core kinds as cdk8s_plus_33.k8s L1 classes with typed structs, "
             "custom resources as ApiObject: as a cdk8s user writes a chart)",
    "imported": "cdk8s, typed row with imported CRD classes (core kinds as in the typed row, "
                "custom resources as the classes `cdk8s import` generates from their CRDs, with "
                "typed structs and enums)",
}


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


def yaml_files(root: Path) -> int:
    """How many YAML files lie under ``root``."""
    return sum(1 for _ in root.rglob("*.yaml"))


def create_empty_files(folder: Path, n: int) -> float:
    """Seconds to create ``n`` empty files in the new directory ``folder`` (kept until the end)."""
    folder.mkdir()
    flags = os.O_CREAT | os.O_EXCL | os.O_WRONLY
    start = time.perf_counter()
    for i in range(n):
        os.close(os.open(folder / f"file-{i}.yaml", flags, 0o644))
    return time.perf_counter() - start


def cdk8s_app(mode: str, source: Path, out: Path, imports: Path) -> list[str]:
    """The command line of a cdk8s row's process (``cdk8s_app.py``); ``imports``: where the
    imported row finds the generated package."""
    more = [str(imports)] if mode == "imported" else []
    return [sys.executable, str(HERE / "cdk8s_app.py"), mode, str(source), str(out), *more]


def written_objects(out: Path) -> list[object]:
    """The documents of the YAML files cdk8s wrote into ``out``, file by file."""
    import yaml

    docs: list[object] = []
    for path in sorted(out.glob("*.yaml")):
        with path.open() as f:
            docs.extend(yaml.load_all(f, Loader=yaml.CSafeLoader))
    return docs


def require_same(name: str, docs: list[object], other: str, expected: list[object]) -> None:
    """Exit naming the first object where ``docs`` differ from ``expected``."""
    if docs == expected:
        return
    for i, (doc, want) in enumerate(itertools.zip_longest(docs, expected)):
        if doc != want:
            sys.exit(f"the {name} differs from {other} at object {i} of {len(expected)}:\n"
                     f"  {json.dumps(doc, sort_keys=True)}\n  {json.dumps(want, sort_keys=True)}")


def kinds_built(objs: list[dict[str, object]], mode: str, imports: Path) -> str:
    """Which kinds the row ``mode`` built through which module's classes, and which through
    ApiObject."""
    from collections import Counter

    from cdk8s_app import construct_class, core_modules, imported_modules

    modules = core_modules() + (imported_modules(imports) if mode == "imported" else ())
    counts = Counter((str(o["apiVersion"]), str(o["kind"])) for o in objs)
    kinds: dict[str, set[str]] = {}
    built: Counter[str] = Counter()
    for (api_version, kind), n in counts.items():
        found = construct_class(modules, api_version, kind)
        how = "ApiObject" if found is None else f"{found[0].__module__} classes"
        kinds.setdefault(how, set()).add(kind)
        built[how] += n
    return f"the {mode} row built " + "; ".join(
        f"{', '.join(sorted(kinds[how]))} through {how} ({built[how]} objects)"
        for how in sorted(kinds))


@dataclass
class Cdk8sRows:
    """The cdk8s rows to time (mode → label), their input and the imported row's package."""

    rows: dict[str, str]
    objects: list[dict[str, object]]
    source: Path
    imports: Path


def prepare_cdk8s(tmp: Path, bp: Path, env: dict[str, str]) -> Cdk8sRows:
    """Untimed: netkit's objects as the rows' JSON input, the imported row's classes, and one
    warm-up run of each row (bytecode of cdk8s, cdk8s_plus_33 and imports, jsii's package
    cache)."""
    objs = synthesized_objects(bp)
    source = tmp / "objects.json"
    source.write_text(json.dumps(objs))
    one_per_kind = tmp / "one-per-kind.json"
    one_per_kind.write_text(json.dumps(list({(o["apiVersion"], o["kind"]): o
                                             for o in objs}.values())))
    imports = tmp / "cdk8s-import"
    rows = dict(CDK8S_ROWS)
    try:
        generate(objs, imports)
    except GenerationFailed as e:
        print(f"{rows.pop('imported')}: skipped: {e}")
    for mode in rows:
        run(cdk8s_app(mode, one_per_kind, tmp / f"cdk8s-warm-{mode}", imports), env)
    return Cdk8sRows(rows, objs, source, imports)


def report_cdk8s(tmp: Path, cdk8s: Cdk8sRows, times: dict[str, list[float]],
                 cold: list[float]) -> None:
    """Print each row against netkit's cold synth of the same rounds (the median of the rounds'
    ratios), then check (untimed) that each wrote the objects netkit synthesizes."""
    for mode, label in cdk8s.rows.items():
        seconds = statistics.median(times[mode])
        ratios = [row / synth for row, synth in zip(times[mode], cold, strict=False)]
        print(f"{label}, building and synthesizing the same {len(cdk8s.objects)} objects: "
              f"{seconds:.2f} s median of {len(times[mode])}; netkit synth is "
              f"{statistics.median(ratios):.1f}x faster (median of the rounds' ratios, which "
              f"range from {min(ratios):.1f}x to {max(ratios):.1f}x)")
    apiobject = written_objects(tmp / "cdk8s-apiobject0")
    require_same("ApiObject row's output", apiobject, "netkit's objects", list(cdk8s.objects))
    others = [mode for mode in cdk8s.rows if mode != "apiobject"]
    for mode in others:
        require_same(f"{mode} row's output", written_objects(tmp / f"cdk8s-{mode}0"),
                     "the ApiObject row's", apiobject)
    print(f"  checked, untimed: {' and '.join(f'the {mode} row' for mode in others)} wrote the "
          f"ApiObject row's {len(apiobject)} objects, object for object, and they are netkit's "
          "objects")
    for mode in others:
        print(f"  {kinds_built(cdk8s.objects, mode, cdk8s.imports)}")
    if "imported" in cdk8s.rows:
        print(f"  the imported row's classes: generated once, untimed, by npx {CLI} import from "
              "the CRDs netkit bundles")


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
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--cdk8s-runs", type=int, default=5)
    parser.add_argument("--objects", type=int, default=10_000)
    parser.add_argument("--sample", type=int, default=300)
    parser.add_argument("--sizes", default="250,500,1000")
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--skip-cdk8s", action="store_true")
    which.add_argument("--only-cdk8s", action="store_true",
                       help="netkit synth and the cdk8s rows only")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        # children import this checkout's netkit, whatever the working directory
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(HERE.parent),
                                                        env.get("PYTHONPATH")) if p)
        env["PYTHONPYCACHEPREFIX"] = str(tmp / "pycache")
        env["NETKIT_CACHE_DIR"] = str(tmp / "cache")
        bp = write_blueprint(tmp, args.services)
        run(netkit("synth", str(bp), "--out", str(tmp / "warm")), env)  # bytecode, caches
        count = yaml_files(tmp / "warm")
        created = create_empty_files(tmp / "calibration", count)
        print(f"file system calibration: {count} empty files created in a fresh directory of "
              f"the temp dir in {created:.3f} s ({created / count * 1e6:.0f} us per file; 10-20x "
              "an undisturbed run's figure means many files were deleted nearby in the last "
              "minutes, inflating the netkit synth rows: see the docstring)")
        cdk8s = None if args.skip_cdk8s else prepare_cdk8s(tmp, bp, env)
        # Rounds of one cold synth, a check of the tree it wrote, and one run of each cdk8s
        # row: a slow spell of the machine weighs on both sides of a ratio alike.
        outs = [str(tmp / f"cold{i}") for i in range(args.runs)]
        colds: list[float] = []
        checks: list[float] = []
        times: dict[str, list[float]] = {mode: [] for mode in cdk8s.rows} if cdk8s else {}
        for i in range(max(args.runs, args.cdk8s_runs if cdk8s else 0)):
            if i < args.runs:
                colds.append(run(netkit("synth", str(bp), "--out", outs[i]), env))
                checks.append(run(netkit("synth", str(bp), "--out", outs[i], "--check"), env))
            if cdk8s is not None and i < args.cdk8s_runs:
                for mode in cdk8s.rows:
                    times[mode].append(run(cdk8s_app(mode, cdk8s.source,
                                                     tmp / f"cdk8s-{mode}{i}", cdk8s.imports),
                                           env))
        cold = statistics.median(colds)
        shares = [c / s for c, s in zip(checks, colds, strict=True)]
        print(f"netkit synth, {args.services} services ({count} files), whole process, "
              f"fresh directory: {cold:.2f} s median of {args.runs}")
        print(f"netkit synth --check, unchanged tree: {statistics.median(checks):.2f} s "
              f"median of {args.runs}, {statistics.median(shares):.2f} of cold synth (median of "
              f"the rounds' shares, which range from {min(shares):.2f} to {max(shares):.2f})")
        # A CI machine that keeps the cache directory has the schemas, not this tree's memo.
        shutil.copytree(tmp / "cache", tmp / "cache-no-memo",
                        ignore=shutil.ignore_patterns("synth"))
        no_memo = median([netkit("synth", str(bp), "--out", outs[0], "--check")] * args.runs,
                         {**env, "NETKIT_CACHE_DIR": str(tmp / "cache-no-memo")})
        print(f"netkit synth --check, unchanged tree, no memo (a fresh CI machine that keeps "
              f"the schema cache): {no_memo:.2f} s ({no_memo / cold:.2f} of cold synth)")
        if cdk8s is not None:
            report_cdk8s(tmp, cdk8s, times, colds)
        if args.only_cdk8s:
            return

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
            files = yaml_files(tmp / f"mem{services}")
            peaks.append((files, peak))
            print(f"peak memory, synth of {services} services ({files} files): "
                  f"{peak / 1024:.0f} MiB")
        for (f0, p0), (f1, p1) in itertools.pairwise(peaks):
            print(f"  {f0} -> {f1} files: +{(p1 - p0) / 1024:.1f} MiB, "
                  f"{(p1 - p0) / max(1, f1 - f0):.1f} KiB per added file")


if __name__ == "__main__":
    main()
