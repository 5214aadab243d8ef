"""The mixed corpus (benchmarks/mixed_corpus.py: ~2,135 objects, two thirds Gateway API, Envoy
Gateway, cert-manager and Argo CD examples with their CEL rules, one third core kinds) through
`netkit validate` as a whole process, side by side with kubernetes-validate checking only the
built-in kinds (the core third, plus the Services and Deployments the examples carry: the only
part it can check), measured in the same run.

Also: one `netkit validate FILE` process for a single custom resource (what a per-file
pre-commit hook pays), and the library call with and without CEL (CEL's share).

Usage: python benchmarks/validate_mixed.py [--objects 2135] [--runs 3] [--sample 200]
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

import kubernetes_validate

sys.path.insert(0, str(Path(__file__).parent))
from mixed_corpus import write_corpus

from netkit import load_manifests
from netkit.validate.crd_registry import CrdRegistry
from netkit.validate.engine import Validator, core_schemas, parse_version

VERSION = "1.36"
CONFIG = '[tool.netkit]\ngateway_api_channel = "experimental"\n'


def run(args: list[str], cwd: Path, env: dict[str, str]) -> float:
    """Seconds for one `netkit validate` process."""
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "netkit.cli", "validate", *args,
                           "--kubernetes", VERSION], cwd=cwd, capture_output=True, text=True,
                          env=env)
    if proc.returncode not in (0, 1):
        sys.exit(proc.stderr)
    return time.perf_counter() - start


def main() -> None:
    """Print netkit's times, kubernetes-validate's on the core third, and the ratio."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--objects", type=int, default=2135)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sample", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        corpus = root / "corpus"
        counts = write_corpus(corpus, args.objects)
        (root / "pyproject.toml").write_text(CONFIG, encoding="utf-8")
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["NETKIT_CACHE_DIR"] = str(root / "cache")
        cold = run(["corpus"], root, env)
        process = statistics.median(run(["corpus"], root, env) for _ in range(args.runs))
        one = "corpus/copy-0/gateway-api/examples/standard/httproute.yaml"
        per_file = statistics.median(run([one], root, env) for _ in range(args.runs))

        objects = load_manifests([str(corpus)])
        validator = Validator(kubernetes=VERSION,
                              crds=CrdRegistry(gateway_api_channel="experimental"))
        validator.validate(objects)  # compile once, as a process does
        start = time.perf_counter()
        findings = validator.validate(objects)
        with_cel = time.perf_counter() - start
        start = time.perf_counter()
        validator.validate(objects, cel=lambda o: False)
        without_cel = time.perf_counter() - start

    schemas = core_schemas(parse_version(VERSION))
    core = [o.obj for o in objects if schemas.validator(o.api_version, o.kind) is not None]
    sample = core[: args.sample]
    start = time.perf_counter()
    for obj in sample:
        kubernetes_validate.validate(obj, VERSION, strict=True)
    per_object = (time.perf_counter() - start) / len(sample)
    reference = per_object * len(core)

    total = sum(counts.values())
    print(f"corpus: {total} objects ({', '.join(f'{n} {k}' for k, n in counts.items())})")
    print(f"netkit validate, whole process: {process:.2f} s median of {args.runs} "
          f"({len(findings)} findings); first run, empty caches: {cold:.2f} s")
    print(f"netkit validate, one custom resource file (per-file hook): {per_file:.2f} s")
    print(f"library call: {with_cel:.2f} s with CEL, {without_cel:.2f} s without "
          f"(CEL {100 * (with_cel - without_cel) / with_cel:.0f} %)")
    print(f"kubernetes-validate, built-in kinds only ({len(core)} of {total} objects): "
          f"{reference:.2f} s "
          f"({per_object * 1000:.2f} ms per object, sample of {len(sample)})")
    print(f"ratio, kubernetes-validate on the built-in kinds / netkit on everything: "
          f"{reference / process:.1f}x")


if __name__ == "__main__":
    main()
