"""Which files a directory walk leaves out: hidden ones, snapshot folders, what git ignores,
and the user's exclude patterns. Files named on the command line are always read."""

from __future__ import annotations

import fnmatch
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

# pytest snapshot folders (netkit's yaml_snapshot fixture, syrupy's default) hold expected
# output, not manifests for the cluster.
DEFAULT_EXCLUDES = ("snapshots", "__snapshots__")


@dataclass(frozen=True)
class Excludes:
    """Patterns like .gitignore's: one without ``/`` matches a file or folder name at any
    depth, one with ``/`` matches the path below the walked folder (``*`` spans folders)."""

    patterns: tuple[str, ...] = DEFAULT_EXCLUDES
    gitignore: bool = True

    @classmethod
    def of(cls, extra: Sequence[str] = ()) -> Excludes:
        """The defaults plus ``extra``."""
        return cls((*DEFAULT_EXCLUDES, *extra))

    def skips(self, relative: PurePosixPath | str) -> bool:
        """Whether a path below the walked folder (``a/b.yaml``) is left out by name or
        pattern."""
        text = str(relative)
        parts = text.split("/")
        if any(part.startswith(".") for part in parts):
            return True
        for pattern in self.patterns:
            pattern = pattern.strip("/")
            if "/" in pattern:
                if fnmatch.fnmatchcase(text, pattern) or fnmatch.fnmatchcase(
                        text, pattern + "/*"):
                    return True
            elif any(fnmatch.fnmatchcase(part, pattern) for part in parts):
                return True
        return False

    def select(self, folder: Path, relative: list[str]) -> list[str]:
        """The paths in ``relative`` (POSIX, below ``folder``) that are not excluded, in
        order."""
        kept = [rel for rel in relative if not self.skips(rel)]
        # A folder named on the command line is read even when git ignores it (synthesized
        # output often is); only what git ignores inside it is left out.
        if self.gitignore and kept and not git_ignored(folder.parent, [folder.name]):
            ignored = git_ignored(folder, kept)
            kept = [rel for rel in kept if rel not in ignored]
        return kept


HIDDEN_ONLY = Excludes((), gitignore=False)


def git_ignored(folder: Path, relative: list[str]) -> set[str]:
    """The paths in ``relative`` (below ``folder``) that git ignores in the repository holding
    ``folder`` (none outside a repository, or without git)."""
    names = b"\0".join(rel.encode() for rel in relative) + b"\0"
    try:
        proc = subprocess.run(["git", "check-ignore", "-z", "--stdin"], cwd=folder,
                              input=names, capture_output=True)
    except OSError:
        return set()
    if proc.returncode not in (0, 1):  # 128: not a repository
        return set()
    return {name.decode() for name in proc.stdout.split(b"\0") if name}
