"""The lock file ``.netkit/lock.json``: the paths netkit owns and their sha256."""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

from netkit.errors import OwnershipError

NETKIT_DIR = ".netkit"
LOCK_PATH = f"{NETKIT_DIR}/lock.json"
NAME_MAX = 255  # bytes per path component on Linux, macOS and Windows filesystems
_SHA256 = re.compile(r"[0-9a-f]{64}")
_RESTORE = "restore it from git; netkit will not guess what it owns"


def sha256(data: bytes) -> str:
    """Hex sha256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class Lock:
    """What the lock records: owned paths → sha256, and what an interrupted write was writing."""

    files: dict[str, str]
    pending: dict[str, str] = field(default_factory=dict)

    def owns(self, rel: str, digest: str) -> bool:
        """Whether content with ``digest`` at ``rel`` is netkit's (written or being written)."""
        return digest in (self.files.get(rel), self.pending.get(rel))

    @property
    def paths(self) -> list[str]:
        """Every path the lock claims, sorted."""
        return sorted(self.files.keys() | self.pending.keys())


def path_problem(rel: str) -> str | None:
    """Why ``rel`` cannot name a file netkit owns under the output directory (None if it can)."""
    parts = rel.split("/")
    if rel.startswith("/") or ".." in parts:
        return "escapes the output directory"
    if "\0" in rel or "" in parts or "." in parts:
        return "is not a normalized relative path"
    if parts[0] == NETKIT_DIR:
        return f"is inside {NETKIT_DIR}/, which netkit keeps for itself"
    if len(rel) > NAME_MAX // 4 and any(len(part.encode()) > NAME_MAX for part in parts):
        return f"has a name longer than {NAME_MAX} bytes"
    return None


def private_dir(out: Path) -> Path:
    """``out/.netkit``, refused when it is a symbolic link or not a directory."""
    path = out / NETKIT_DIR
    if path.is_symlink() or (path.exists() and not path.is_dir()):
        raise OwnershipError(str(path), "is a symbolic link or not a directory",
                             hint="remove it; netkit keeps its lock only in a real directory "
                                  "inside the output directory")
    return path


def read_lock(out: Path) -> Lock:
    """What ``out`` records as netkit's; empty when there is no lock yet."""
    path = private_dir(out) / "lock.json"
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK)
    except (FileNotFoundError, NotADirectoryError):
        return Lock({})
    except OSError as exc:
        raise OwnershipError(str(path), f"unreadable lock file: {exc.strerror}",
                             hint=f"it must be a regular file; {_RESTORE}") from None
    try:
        with open(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                raise OwnershipError(str(path), "lock file is not a regular file", hint=_RESTORE)
            data = json.loads(handle.read().decode("utf-8"))
    except (OSError, ValueError) as exc:
        raise OwnershipError(str(path), f"unreadable lock file: {exc}", hint=_RESTORE) from None
    files = data.get("files") if isinstance(data, dict) else None
    if not isinstance(files, dict):
        raise OwnershipError(str(path), "lock file has no 'files' mapping", hint=_RESTORE)
    pending = data.get("pending", {})
    return Lock(_entries(path, files), _entries(path, pending))


def _entries(path: Path, value: object) -> dict[str, str]:
    if not isinstance(value, dict):
        raise OwnershipError(str(path), "lock file entries are not a mapping", hint=_RESTORE)
    for rel, digest in value.items():
        if problem := path_problem(rel):
            raise OwnershipError(str(path), f"lock entry {rel!r:.300} {problem}", hint=_RESTORE)
        if not isinstance(digest, str) or not _SHA256.fullmatch(digest):
            raise OwnershipError(str(path), f"lock entry {rel!r} has no sha256", hint=_RESTORE)
    return dict(value)


def lock_bytes(lock: Lock) -> bytes:
    """The lock file's content: sorted, indented, LF, no timestamps (``json.dumps`` with
    ``indent=2`` of ``version``, ``generator``, ``files`` and any ``pending``, written here
    line by line: the indenting encoder is pure Python, and a lock has a line per file)."""
    text = '{\n  "version": 1,\n  "generator": "netkit",\n  "files": ' + _json_object(lock.files)
    if lock.pending:
        text += ',\n  "pending": ' + _json_object(lock.pending)
    return (text + "\n}\n").encode()


def _json_object(paths: dict[str, str]) -> str:
    if not paths:
        return "{}"
    quote = json.encoder.encode_basestring_ascii
    rows = ",\n".join(f"    {quote(k)}: {quote(v)}" for k, v in sorted(paths.items()))
    return "{\n" + rows + "\n  }"
