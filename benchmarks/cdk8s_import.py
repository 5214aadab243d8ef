"""The Python classes ``cdk8s import`` generates for the custom resources of given objects: the
untimed set-up of the imported row of ``synth_compare.py``.

Each custom resource's CRD is the one netkit bundles (``netkit.schemas.lookup``). The CRDs of one
API group go into one file, since ``cdk8s import`` names the module after the group and a second
file of the same group would overwrite the first. One run of the pinned cdk8s-cli (through
``npx``, which fetches it from the npm registry the first time) reads them all from a
``cdk8s.yaml``, as a cdk8s project lists its imports, and writes the Python package ``imports``
(through jsii) into the folder.

Usage: python benchmarks/cdk8s_import.py OBJECTS.json FOLDER
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml

from netkit import schemas

CLI = "cdk8s-cli@2.207.60"
TIMEOUT = 900  # seconds: the first run downloads cdk8s-cli and its dependencies


class GenerationFailed(Exception):
    """``cdk8s import`` could not run or wrote no Python package."""


def crds_by_group(objs: Iterable[Mapping[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """The bundled CRDs of the objects' custom resources, by API group (core kinds have none)."""
    found = {(str(o["apiVersion"]), str(o["kind"])) for o in objs}
    crds = (schemas.lookup(*gvk) for gvk in sorted(found))
    groups: dict[str, list[dict[str, Any]]] = {}
    for crd in sorted({c for c in crds if c is not None}, key=lambda c: (c.group, c.kind)):
        groups.setdefault(crd.group, []).append(crd.load())
    return groups


def generate(objs: Iterable[Mapping[str, Any]], folder: Path) -> Path:
    """Run ``cdk8s import`` for the objects' custom resources in ``folder``; the package's path."""
    npx = shutil.which("npx")
    if npx is None:
        raise GenerationFailed("npx (Node.js's npm) is not on PATH")
    groups = crds_by_group(objs)
    if not groups:
        raise GenerationFailed("the objects have no custom resources with a bundled CRD")
    folder.mkdir(parents=True)
    files = []
    for group, docs in groups.items():
        path = folder / f"{group}.yaml"
        path.write_text(yaml.safe_dump_all(docs, sort_keys=False))
        files.append(path.name)
    config = {"language": "python", "imports": files}
    (folder / "cdk8s.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
    cmd = [npx, "--yes", CLI, "import", "--no-check-upgrade"]
    try:
        proc = subprocess.run(cmd, cwd=folder, capture_output=True, text=True, timeout=TIMEOUT,
                              check=False)
    except subprocess.TimeoutExpired:
        raise GenerationFailed(f"{' '.join(cmd[1:])} took over {TIMEOUT} s") from None
    package = folder / "imports"
    if proc.returncode != 0 or not any(package.rglob("__init__.py")):
        lines = (proc.stderr or proc.stdout).strip().splitlines() or ["no output"]
        raise GenerationFailed(f"npx {' '.join(cmd[1:])} exited {proc.returncode} without "
                               f"writing {package.name}/: {lines[-1]}")
    return package


def main() -> None:
    """Generate the classes for the objects of a JSON file into FOLDER."""
    source, folder = sys.argv[1:]
    with open(source) as f:
        objs = json.load(f)
    try:
        print(generate(objs, Path(folder)))
    except GenerationFailed as e:
        sys.exit(f"cdk8s import: {e}")


if __name__ == "__main__":
    main()
