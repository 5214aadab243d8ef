"""What netkit last saw of the files of an output directory: each file's size, times and inode
with its sha256, so that a plan need not read a file whose status is unchanged (as git's index
does). Kept in netkit's cache directory beside the synth memo, never in the repository.

A status is taken where the content is known: from the open file netkit has just written, or
before reading a file whose digest the plan then worked out. Any later change of the content
changes the status (the change time cannot be set back), except within the same clock tick;
so a file whose modification or change time is not older than the record is read again."""

from __future__ import annotations

import marshal
import os
from dataclasses import dataclass
from pathlib import Path

from netkit.cache import store

_VERSION = 1
Status = tuple[int, int, int, int]  # size, mtime_ns, ctime_ns, inode


def status(st: os.stat_result) -> Status:
    """The parts of a file's status any change of its content changes."""
    return st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino


@dataclass(frozen=True)
class Seen:
    """Files as netkit last saw them (path → status and sha256), and the time of the record:
    statuses at or after it vouch for nothing."""

    files: dict[str, tuple[Status, str]]
    since_ns: int

    def digest(self, rel: str, st: os.stat_result) -> str | None:
        """The sha256 of ``rel`` if its status ``st`` is the one recorded, and older than the
        record; else None (read the file)."""
        known = self.files.get(rel)
        if known is None or known[0] != status(st):
            return None
        if st.st_mtime_ns >= self.since_ns or st.st_ctime_ns >= self.since_ns:
            return None
        return known[1]


def read_seen(path: Path) -> Seen | None:
    """The record kept in ``path``; None when there is none or it cannot be read."""
    try:
        with open(path, "rb") as handle:
            since = os.fstat(handle.fileno()).st_mtime_ns
            data = marshal.loads(handle.read())
        if data.get("version") != _VERSION:
            return None
        return Seen({str(rel): ((int(a), int(b), int(c), int(d)), str(digest))
                     for rel, (a, b, c, d, digest) in data["files"].items()}, since)
    except (OSError, ValueError, EOFError, TypeError, KeyError, AttributeError):
        return None


def encode_seen(files: dict[str, tuple[Status, str]]) -> bytes:
    """The record of ``files`` (path → status and sha256), for :func:`write_seen`."""
    return marshal.dumps({"version": _VERSION, "files": {
        rel: (*st, digest) for rel, (st, digest) in files.items()}})


def write_seen(path: Path, record: bytes) -> None:
    """Keep ``record`` (:func:`encode_seen`'s) in ``path`` as seen now (the file's
    modification time is the record's time); one that cannot be written is left out (it only
    saves time)."""
    store(path, record)
