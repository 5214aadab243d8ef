"""Plan and apply a write of the GitOps tree: atomic, owned files only, stale ones pruned."""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from netkit.errors import OwnershipError
from netkit.gitops.lock import LOCK_PATH, read_lock, sha256, write_lock


@dataclass
class Plan:
    """What a write would do to the output directory."""

    out: Path
    files: dict[str, bytes]
    owned: dict[str, str]
    create: list[str] = field(default_factory=list)
    update: list[str] = field(default_factory=list)
    delete: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        """Whether applying the plan would change anything on disk."""
        return bool(self.create or self.update or self.delete) or self.owned != self.new_lock

    @property
    def new_lock(self) -> dict[str, str]:
        """The ownership record after the write."""
        return {path: sha256(data) for path, data in self.files.items()}

    def lines(self) -> list[str]:
        """``create|update|delete <path>`` lines, sorted by path."""
        rows = [("create", p) for p in self.create] + [("update", p) for p in self.update]
        rows += [("delete", p) for p in self.delete]
        return [f"{verb} {path}" for verb, path in sorted(rows, key=lambda r: r[1])]


def _inside(out: Path, rel: str) -> Path:
    pure = PurePosixPath(rel)
    resolved_out = out.resolve()
    target = (out / pure).resolve()
    if pure.is_absolute() or ".." in pure.parts or not target.is_relative_to(resolved_out):
        raise OwnershipError(str(out / rel), "path escapes the output directory",
                             hint="netkit never writes outside --out")
    return out / pure


def plan(out: Path, files: dict[str, bytes]) -> Plan:
    """Compare ``files`` with the directory; unowned files in the way are errors."""
    owned = read_lock(out)
    result = Plan(out, files, owned)
    for rel, data in files.items():
        path = _inside(out, rel)
        if rel == LOCK_PATH:
            raise OwnershipError(str(path), "output would overwrite the lock file",
                                 hint="rename the object that maps to this path")
        if path.is_dir():
            raise OwnershipError(str(path), "a directory is in the way",
                                 hint="move it away; netkit needs this path for a file")
        if not path.exists():
            result.create.append(rel)
        elif rel not in owned:
            raise OwnershipError(str(path), "file exists and is not owned by netkit",
                                 hint="move or delete it; netkit never overwrites files it "
                                      f"did not write (ownership is in {LOCK_PATH})")
        elif path.read_bytes() == data:
            result.unchanged.append(rel)
        else:
            result.update.append(rel)
    for rel in sorted(set(owned) - set(files)):
        if _inside(out, rel).is_file():
            result.delete.append(rel)
    return result


def apply(p: Plan) -> None:
    """Write the planned files aside, then move them in, prune stale owned files, record."""
    if not p.changed:
        return
    out = p.out
    (out / ".netkit").mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix="staging-", dir=out / ".netkit"))
    try:
        made: set[Path] = set()
        for rel in p.create + p.update:
            aside = staging / rel
            if aside.parent not in made:
                aside.parent.mkdir(parents=True, exist_ok=True)
                made.add(aside.parent)
            aside.write_bytes(p.files[rel])
        # Own the union first, so an interrupted write never leaves netkit files unowned.
        write_lock(out, {**p.owned, **p.new_lock})
        for rel in p.create + p.update:
            dest = out / rel
            if dest.parent not in made:
                dest.parent.mkdir(parents=True, exist_ok=True)
                made.add(dest.parent)
            os.replace(staging / rel, dest)
        for rel in p.delete:
            (out / rel).unlink()
            _remove_empty_parents(out, (out / rel).parent)
        write_lock(out, p.new_lock)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _remove_empty_parents(out: Path, directory: Path) -> None:
    root = out.resolve()
    while directory.resolve() != root and directory.is_dir() and not any(directory.iterdir()):
        directory.rmdir()
        directory = directory.parent
