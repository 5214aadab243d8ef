"""The synth memo: what the last synth into an output directory found when validating and wrote
as NETWORK.md, under a key of everything those depend on, so that ``synth --check`` of
unchanged inputs does not redo them. It is kept in netkit's cache directory (one file per
output directory), not in the repository; a memo whose key differs is ignored, never trusted."""

from __future__ import annotations

import hashlib
import marshal
import os
import sys
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import netkit
from netkit.cache import cache_dir, store
from netkit.findings import Finding

_VERSION = 4
KEEP = 64  # memos kept in the cache directory


@dataclass
class Memo:
    """The key, each blueprint's validation findings, the NETWORK.md files (path → text),
    every file's sha256 (path → digest) and how many objects were synthesized."""

    key: str
    findings: list[list[Finding]]
    docs: dict[str, str]
    digests: dict[str, str] = field(default_factory=dict)
    object_count: int = 0


class Key:
    """A sha256 over the parts it is fed, each kept apart from the next."""

    def __init__(self) -> None:
        self._hash = hashlib.sha256()

    def add(self, *parts: object) -> None:
        """Feed each part's repr (bytes as they are)."""
        for part in parts:
            self._hash.update(part if isinstance(part, bytes) else repr(part).encode())
            self._hash.update(b"\0")

    def hexdigest(self) -> str:
        """The key."""
        return self._hash.hexdigest()


def loaded_modules() -> list[tuple[str, str]]:
    """The name and file of every module loaded so far, for :func:`code_fingerprint`."""
    return sorted((name, file) for name, module in list(sys.modules.items())
                  if isinstance(file := getattr(module, "__file__", None), str))


def code_fingerprint(modules: list[tuple[str, str]]) -> str:
    """The running code: Python's version, the distributions installed on ``sys.path`` (their
    dist-info names carry versions), the size and mtime of each of ``modules`` (see
    :func:`loaded_modules`), and of every file of the netkit package (its bundled schemas and
    templates too; bytecode caches aside)."""
    key = Key()
    key.add(sys.version, _VERSION)
    for entry in sys.path:
        with suppress(OSError):
            key.add(entry, sorted(n for n in os.listdir(entry or ".")
                                  if n.endswith((".dist-info", ".egg-info", ".pth"))))
    stamps = [(name, *_stamp(file)) for name, file in modules]
    package = os.path.dirname(netkit.__file__)
    for folder, dirs, files in os.walk(package):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        stamps += [("", *_stamp(os.path.join(folder, file))) for file in sorted(files)]
    key.add(stamps)  # one repr: a part each would take as long as the stats
    return key.hexdigest()


def _stamp(path: str) -> tuple[str, int, int]:
    try:
        st = os.stat(path)
    except OSError:
        return path, -1, -1
    return path, st.st_size, st.st_mtime_ns


def memo_path(out: Path) -> Path:
    """Where the memo of output directory ``out`` is kept."""
    slot = hashlib.sha256(os.path.realpath(out).encode()).hexdigest()[:32]
    return cache_dir() / "synth" / f"{slot}.memo"


def seen_path(out: Path) -> Path:
    """Where what netkit last saw of output directory ``out``'s files is kept."""
    return memo_path(out).with_suffix(".seen")


def _finding(fields: dict[str, Any]) -> Finding:
    """A finding as written in a memo."""
    site = fields.get("site")
    return Finding(**{**fields, "site": (str(site[0]), int(site[1])) if site else None})


def read_memo(out: Path) -> Memo | None:
    """The memo of output directory ``out``; None when there is none or it cannot be read."""
    try:
        data = marshal.loads(memo_path(out).read_bytes())
        if data.get("version") != _VERSION:
            return None
        return Memo(str(data["key"]),
                    [[_finding(f) for f in group] for group in data["findings"]],
                    {str(k): str(v) for k, v in data["docs"].items()},
                    {str(k): str(v) for k, v in data["digests"].items()},
                    int(data["objects"]))
    except (OSError, ValueError, EOFError, TypeError, KeyError, AttributeError, IndexError):
        return None


def write_memo(out: Path, memo: Memo) -> None:
    """Replace the memo of output directory ``out`` atomically; one that cannot be written is
    left out (it only saves time)."""
    body: dict[str, Any] = {"version": _VERSION, "key": memo.key,
                            # A finding's fields are flat: its __dict__ is asdict's result.
                            "findings": [[vars(f) for f in group] for group in memo.findings],
                            "docs": memo.docs, "digests": memo.digests,
                            "objects": memo.object_count}
    path = memo_path(out)
    store(path, marshal.dumps(body))
    _prune(path.parent)


def _prune(folder: Path) -> None:
    """Keep the most recently written memos only, with their records of files seen: output
    directories come and go."""
    memos = sorted(folder.glob("*.memo"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
    for stale in memos[KEEP:]:
        for path in (stale, stale.with_suffix(".seen")):
            with suppress(OSError):
                path.unlink()
