"""The lock file ``.netkit/lock.json``: the paths netkit owns and their sha256."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from netkit.errors import OwnershipError

LOCK_PATH = ".netkit/lock.json"


def sha256(data: bytes) -> str:
    """Hex sha256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


def read_lock(out: Path) -> dict[str, str]:
    """Owned relative paths → sha256; empty when there is no lock yet."""
    path = out / LOCK_PATH
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        raise OwnershipError(str(path), f"unreadable lock file: {exc}",
                             hint="restore it from git; netkit will not guess what it owns"
                             ) from None
    files = data.get("files") if isinstance(data, dict) else None
    if not isinstance(files, dict) or not all(isinstance(v, str) for v in files.values()):
        raise OwnershipError(str(path), "lock file has no 'files' mapping",
                             hint="restore it from git; netkit will not guess what it owns")
    return {str(k): v for k, v in files.items()}


def lock_bytes(files: dict[str, str]) -> bytes:
    """The lock file's content: sorted, indented, LF, no timestamps."""
    body = {"version": 1, "generator": "netkit", "files": dict(sorted(files.items()))}
    return (json.dumps(body, indent=2, sort_keys=False) + "\n").encode()


def write_lock(out: Path, files: dict[str, str]) -> None:
    """Atomically replace the lock file."""
    path = out / LOCK_PATH
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".lock.{os.getpid()}.tmp")
    tmp.write_bytes(lock_bytes(files))
    os.replace(tmp, path)
