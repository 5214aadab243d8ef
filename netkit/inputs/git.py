"""Read inputs as they were at a git revision, for `netkit diff --base REF`."""

from __future__ import annotations

import posixpath
import shutil
import subprocess
from pathlib import Path
from typing import IO

from netkit.errors import ConfigError

_REGULAR = (b"100644", b"100755")
_SYMLINK = b"120000"
_MAX_LINK_HOPS = 40  # what Linux allows when resolving a path
_FSCK = "run `git fsck` in the repository"


def _git(args: list[str], root: Path) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(["git", *args], cwd=root, capture_output=True)


def repo_root(start: Path) -> Path:
    """The top of the git work tree holding ``start``."""
    try:
        proc = _git(["rev-parse", "--show-toplevel"], start)
    except OSError:  # no git at all
        proc = None
    if proc is None or proc.returncode != 0:
        raise ConfigError(str(start), "not inside a git repository",
                          hint="pass two paths instead: netkit diff BASE HEAD")
    return Path(proc.stdout.decode().strip())


def in_repo(path: str, root: Path) -> Path:
    """``path`` relative to the repository ``root``; a path outside it is an error."""
    resolved = Path(path).resolve()
    if not resolved.is_relative_to(root):
        raise ConfigError(path, f"is outside the git repository {root}",
                          hint="with --base, pass paths inside the repository")
    return resolved.relative_to(root)


def resolve(ref: str, root: Path) -> str:
    """The commit id that ``ref`` names; a ref that names no commit is an error."""
    # --end-of-options: a ref like `--output=FILE` is a (bad) revision, never an option.
    proc = None if "\0" in ref else _git(
        ["rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}"], root)
    if proc is None or proc.returncode != 0 or not proc.stdout.strip():
        raise ConfigError("--base", f"cannot read git revision {ref!r}: no such commit",
                          hint="use a branch, tag or commit, e.g. origin/main")
    return proc.stdout.decode().strip()


def export(ref: str, root: Path, into: Path) -> None:
    """Write the files of ``ref``'s tree into ``into``: regular files, and symlinks that
    point at a file inside the tree as copies of it; other links and submodules are left
    out, so nothing is ever written or read outside ``into``."""
    commit = resolve(ref, root)
    listing = _git(["ls-tree", "-r", "-z", "--full-tree", commit], root)
    if listing.returncode != 0:
        problem = (listing.stderr.decode(errors="replace").splitlines() or ["failed"])[0]
        raise ConfigError("--base", f"cannot list git revision {ref!r}: {problem}", hint=_FSCK)
    files: dict[str, bytes] = {}  # path in the tree → blob id
    links: dict[str, bytes] = {}
    for entry in listing.stdout.split(b"\0"):
        meta, _, raw_path = entry.partition(b"\t")
        mode, _, oid = meta.partition(b" blob ")
        path = raw_path.decode(errors="surrogateescape")
        if not oid or not _safe(path):
            continue  # a tree, a submodule, or a path git itself would refuse to check out
        if mode in _REGULAR:
            files[path] = oid
        elif mode == _SYMLINK:
            links[path] = oid
    with subprocess.Popen(["git", "cat-file", "--batch"], cwd=root, stdin=subprocess.PIPE,
                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL) as cat:
        assert cat.stdin is not None and cat.stdout is not None
        try:
            for path, oid in files.items():
                target = into / path
                target.parent.mkdir(parents=True, exist_ok=True)
                with target.open("wb") as out:
                    _blob(cat.stdin, cat.stdout, oid, out)
            targets = {path: _blob(cat.stdin, cat.stdout, oid, None)
                       for path, oid in links.items()}
            cat.stdin.close()
        except BrokenPipeError:  # not the CLI's stdout: git stopped reading
            raise ConfigError("--base", "git cat-file stopped early", hint=_FSCK) from None
    for path in links:
        if (real := _follow(path, targets, files)) is not None:
            (into / path).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(into / real, into / path)


def _safe(path: str) -> bool:
    return all(part not in ("", ".", "..") for part in path.split("/"))


def _blob(stdin: IO[bytes], stdout: IO[bytes], oid: bytes, out: IO[bytes] | None) -> str:
    """One object from `git cat-file --batch`: written to ``out``, or returned as text."""
    stdin.write(oid + b"\n")
    stdin.flush()
    header = stdout.readline().split()
    if len(header) != 3 or header[1] != b"blob":
        raise ConfigError("--base", f"git object {oid.decode()} cannot be read", hint=_FSCK)
    size = int(header[2])
    data = b""
    while size:
        chunk = stdout.read(min(size, 1 << 20))
        if not chunk:
            raise ConfigError("--base", "git cat-file ended early", hint=_FSCK)
        size -= len(chunk)
        if out is None:
            data += chunk
        else:
            out.write(chunk)
    stdout.read(1)  # the newline after each object
    return data.decode(errors="surrogateescape")


def _follow(path: str, targets: dict[str, str], files: dict[str, bytes]) -> str | None:
    """The regular file the symlink ``path`` leads to inside the tree, if any."""
    for _ in range(_MAX_LINK_HOPS):
        target = targets[path]
        if target.startswith("/"):
            return None
        path = posixpath.normpath(posixpath.join(posixpath.dirname(path), target))
        if path in files:
            return path
        if path not in targets:
            return None  # outside the tree, a directory, or missing
    return None
