"""Which files a directory walk leaves out: hidden ones, snapshot folders, what git ignores,
and the user's exclude patterns. Files named on the command line are always read."""

from __future__ import annotations

import fnmatch
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
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
        folder, _, name = text.rpartition("/")
        return any(self.prunes(f) for f in _folders(folder)) or self.skips_file(text, name)

    def prunes(self, folder: str) -> bool:
        """Whether a folder below the walked one (``a/b``) is left out by its own name or a
        path pattern, and with it everything below it (its parent folders are not looked at)."""
        return self.skips_file(folder, folder.rpartition("/")[2])

    def skips_file(self, relative: str, name: str) -> bool:
        """Whether the entry ``relative`` (named ``name``) is left out by its own name or a
        path pattern, its folders aside: a pattern matching a folder matches all below it."""
        if name.startswith("."):
            return True
        names, paths = self._split
        return any(fnmatch.fnmatchcase(name, p) for p in names) or any(
            fnmatch.fnmatchcase(relative, p) or fnmatch.fnmatchcase(relative, p + "/*")
            for p in paths)

    @cached_property
    def _split(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """The patterns matching a name, and those matching a path (``/`` inside)."""
        stripped = [p.strip("/") for p in self.patterns]
        return (tuple(p for p in stripped if "/" not in p),
                tuple(p for p in stripped if "/" in p))

    def select(self, folder: Path, relative: list[str]) -> list[str]:
        """The paths in ``relative`` (POSIX, below ``folder``) that are not excluded, in
        order."""
        return self.unignored(folder, [rel for rel in relative if not self.skips(rel)])

    def unignored(self, folder: Path, relative: list[str]) -> list[str]:
        """The paths in ``relative`` (below ``folder``) that git does not ignore, in order."""
        # A folder named on the command line is read even when git ignores it (synthesized
        # output often is); only what git ignores inside it is left out.
        if self.gitignore and relative and not git_ignored(folder.parent, [folder.name]):
            ignored = git_ignored(folder, relative)
            return [rel for rel in relative if rel not in ignored]
        return relative


def _folders(folder: str) -> list[str]:
    """``a/b/c`` → ``a``, ``a/b``, ``a/b/c`` (none for ``""``)."""
    parts = folder.split("/") if folder else []
    return ["/".join(parts[:i]) for i in range(1, len(parts) + 1)]


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
