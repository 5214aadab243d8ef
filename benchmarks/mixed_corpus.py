"""A mixed corpus like a platform repository's: upstream examples of Gateway API, Envoy
Gateway, cert-manager and Argo CD (tests/fixtures/upstream), copied under new names until they
make two thirds of the objects, and core kinds (benchmarks/validate_objects.py) the other third.

Usage: python benchmarks/mixed_corpus.py DEST [--objects 2135]
"""

from __future__ import annotations

import argparse
import copy
import sys
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).parent))
from validate_objects import objects as core_objects

from netkit.serialize import dump_all

UPSTREAM = Path(__file__).parent.parent / "tests" / "fixtures" / "upstream"


def upstream_files() -> list[tuple[str, list[dict[str, Any]]]]:
    """(relative path, objects) of every upstream example file."""
    out = []
    for path in sorted(UPSTREAM.rglob("*.yaml")):
        docs = [d for d in yaml.safe_load_all(path.read_text(encoding="utf-8"))
                if isinstance(d, dict) and d.get("kind")]
        if docs:
            out.append((str(path.relative_to(UPSTREAM)), docs))
    return out


def _renamed(obj: dict[str, Any], copy_no: int) -> dict[str, Any]:
    obj = copy.deepcopy(obj)
    meta = obj.setdefault("metadata", {})
    if copy_no and meta.get("name"):
        meta["name"] = f"{meta['name']}-c{copy_no}"
    return obj


def write_corpus(dest: Path, total: int = 2135) -> dict[str, int]:
    """Write the corpus under ``dest`` (one file per example copy, core kinds in one folder);
    the object counts by part."""
    files = upstream_files()
    custom_target = total - total // 3
    written = 0
    copy_no = 0
    while written < custom_target:
        for rel, docs in files:
            if written >= custom_target:
                break
            docs = [_renamed(d, copy_no) for d in docs][: custom_target - written]
            target = dest / f"copy-{copy_no}" / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(dump_all(docs), encoding="utf-8")
            written += len(docs)
        copy_no += 1
    core = core_objects(total - written)
    (dest / "core").mkdir(parents=True, exist_ok=True)
    for i in range(0, len(core), 50):
        (dest / "core" / f"apps-{i // 50:03d}.yaml").write_text(dump_all(core[i:i + 50]),
                                                               encoding="utf-8")
    return {"custom resources and examples": written, "core kinds": len(core)}


def main() -> None:
    """Write the corpus to the folder given."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("dest", type=Path)
    parser.add_argument("--objects", type=int, default=2135)
    args = parser.parse_args()
    print(write_corpus(args.dest, args.objects))


if __name__ == "__main__":
    main()
