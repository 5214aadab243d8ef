"""Plan and apply a write of the GitOps tree: locked, atomic, owned files only, stale ones pruned.

An apply first records in the lock what it is about to write (``pending``), then moves files in,
prunes, and records the result; a run killed at any point leaves a tree whose every file the lock
accounts for, and the next run (which cleans leftover staging) completes it.
"""

from __future__ import annotations

import errno
import fcntl
import math
import os
import shutil
import stat
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path, PurePosixPath

from netkit.errors import ConfigError, OutputError, OwnershipError
from netkit.gitops.lock import (
    LOCK_PATH,
    NETKIT_DIR,
    Lock,
    lock_bytes,
    path_problem,
    private_dir,
    read_lock,
    sha256,
)
from netkit.gitops.seen import Seen, Status, status

LOCK_TIMEOUT_ENV = "NETKIT_LOCK_TIMEOUT"
DEFAULT_LOCK_TIMEOUT = 30.0
MUTEX = "synth.lock"
STAGING_PREFIX = "staging-"
PARALLEL_WRITES = 512  # files; below this, a second thread costs more than it saves
_NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC


@dataclass
class Plan:
    """What a write would do to the output directory."""

    out: Path
    files: dict[str, bytes]  # empty in a plan made from digests alone, which is not applied
    lock: Lock
    force: bool = False
    digests: dict[str, str] | None = None  # path → sha256 of each file, when given
    # Files whose content is known to be the digest in new_lock, with their status then.
    statuses: dict[str, Status] = field(default_factory=dict)
    create: list[str] = field(default_factory=list)
    update: list[str] = field(default_factory=list)
    delete: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    # Owned files whose content is not what netkit wrote: apply needs ``force`` to overwrite
    # them (those in ``update``) or to stop owning them, leaving them in place (``disown``).
    edited: list[str] = field(default_factory=list)
    disown: list[str] = field(default_factory=list)
    # Owned files on disk whose content the lock accounts for: path → sha256.
    current: dict[str, str] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        """Whether applying the plan would change anything on disk."""
        return (bool(self.create or self.update or self.delete or self.disown)
                or self.lock != Lock(self.new_lock))

    @cached_property
    def new_lock(self) -> dict[str, str]:
        """The ownership record after the write."""
        if self.digests is not None:
            return self.digests
        return {path: sha256(data) for path, data in self.files.items()}

    def lines(self) -> list[str]:
        """``create|update|delete|disown <path>`` lines, sorted by path."""
        rows = [("create", p) for p in self.create] + [("update", p) for p in self.update]
        rows += [("delete", p) for p in self.delete] + [("disown", p) for p in self.disown]
        edited = set(self.edited)
        return [f"{verb} {path}{' (edited by hand)' if path in edited else ''}"
                for verb, path in sorted(rows, key=lambda r: r[1])]


def plan(out: Path, files: dict[str, bytes] | None = None, *, force: bool = False,
         digests: dict[str, str] | None = None, seen: Seen | None = None) -> Plan:
    """Compare ``files`` (or only their ``digests``, path → sha256: a plan to look at, not to
    apply) with the directory, reading only (each path looked at once, each owned file read
    once, unless what netkit last ``seen`` of it vouches for its digest); unowned files in the
    way are errors."""
    result = Plan(out, files or {}, read_lock(out), force, digests=digests)
    wanted = result.new_lock
    tree = _Tree(out)
    modes: dict[str, int | None] = {}  # paths looked at, and their st_mode
    for rel in result.lock.paths:
        tree.check(rel)
        st = tree.stat(rel)
        modes[rel] = None if st is None else st.st_mode
        if st is None or (stat.S_ISDIR(st.st_mode) and rel not in wanted):
            continue
        regular = stat.S_ISREG(st.st_mode)
        digest = seen.digest(rel, st) if seen is not None and regular else None
        if digest is None and regular:
            content = tree.read(rel)
            digest = wanted[rel] if content == result.files.get(rel) else sha256(content)
        if digest is not None and digest == wanted.get(rel):
            result.statuses[rel] = status(st)
        if result.lock.owns(rel, digest or ""):
            result.current[rel] = digest or ""
        elif not regular or digest != wanted.get(rel):
            result.edited.append(rel)
    for rel in wanted:
        if rel in modes:
            mode = modes[rel]
        else:
            if problem := path_problem(rel):
                raise OwnershipError(str(out / rel), f"path {problem}",
                                     hint="netkit writes only inside --out, never into .netkit/")
            tree.check(rel)
            found = tree.stat(rel)
            mode = None if found is None else found.st_mode
        if mode is None:
            result.create.append(rel)
        elif stat.S_ISDIR(mode):
            raise OwnershipError(str(out / rel), "a directory is in the way",
                                 hint="move it away; netkit needs this path for a file")
        elif rel in result.current:
            changed = result.new_lock[rel] != result.current[rel]
            (result.update if changed else result.unchanged).append(rel)
        elif rel in result.edited:
            result.update.append(rel)
        elif rel in modes:
            result.unchanged.append(rel)  # content already right, though not as recorded
        else:
            raise OwnershipError(str(out / rel), "file exists and is not owned by netkit",
                                 hint="move or delete it; netkit never overwrites files it "
                                      f"did not write (ownership is in {LOCK_PATH})")
    result.delete = sorted(result.current.keys() - wanted.keys())
    result.disown = sorted(set(result.edited) - wanted.keys())
    return result


def write(out: Path, files: dict[str, bytes], *, force: bool = False,
          timeout: float | None = None, digests: dict[str, str] | None = None,
          seen: Seen | None = None, ready: Callable[[Plan], None] = lambda p: None) -> Plan:
    """Plan and apply under the output directory's lock (``digests``: the files' sha256s, when
    known; ``seen``: as for :func:`plan`); returns the plan applied. ``ready(plan)`` is called
    once the files are staged (the plan's statuses are then final), before anything in ``out``
    changes: what it raises stops the write with ``out`` as it was."""
    with exclusive(out, timeout):
        p = plan(out, files, force=force, digests=digests, seen=seen)
        _apply(p, ready)
    return p


def apply(p: Plan, *, timeout: float | None = None) -> None:
    """Apply a plan under the output directory's lock, if the lock still is as planned."""
    with exclusive(p.out, timeout):
        if read_lock(p.out) != p.lock:
            raise OwnershipError(str(p.out / LOCK_PATH), "changed since the plan was made",
                                 hint="plan again")
        _apply(p)


def lock_timeout() -> float:
    """Seconds to wait for another run's lock: ``$NETKIT_LOCK_TIMEOUT``, default 30."""
    raw = os.environ.get(LOCK_TIMEOUT_ENV)
    if raw is None:
        return DEFAULT_LOCK_TIMEOUT
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not value >= 0:
        raise ConfigError(LOCK_TIMEOUT_ENV, f"expected a number of seconds, got {raw!r}",
                          hint=f"e.g. {LOCK_TIMEOUT_ENV}=30")
    return value


@contextmanager
def exclusive(out: Path, timeout: float | None = None) -> Iterator[None]:
    """Hold the output directory's lock (``.netkit/synth.lock``), waiting at most ``timeout``
    seconds (default: :func:`lock_timeout`) for another run to finish."""
    limit = lock_timeout() if timeout is None else timeout
    deadline = time.monotonic() + limit
    private = private_dir(out)
    mutex = private / MUTEX
    created = False
    new_out = not out.exists()  # removed again if nothing was written into it
    while True:
        if not private.is_dir():
            try:
                private.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise _io_error(private, "cannot create the directory", exc) from None
            created = True
        try:
            fd = os.open(mutex, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
        except FileNotFoundError:
            continue  # the previous holder removed an empty .netkit/ as it finished
        except OSError as exc:
            raise _io_error(mutex, "cannot create the lock", exc) from None
        if _locked(fd, mutex):
            break
        if time.monotonic() >= deadline:
            raise OutputError(str(out), f"another netkit synth is writing this directory "
                              f"(waited {limit:g} s for {NETKIT_DIR}/{MUTEX})",
                              hint=f"let it finish, or set {LOCK_TIMEOUT_ENV} to wait longer")
        time.sleep(0.05)
    try:
        yield
    finally:
        # Unlinked while held: a waiter that opened this file sees it is gone and retries.
        with suppress(FileNotFoundError):
            os.unlink(mutex)
        os.close(fd)
        if created:
            _rmdir_if_empty(private)
        if new_out:
            _rmdir_if_empty(out)


def _locked(fd: int, mutex: Path) -> bool:
    """Lock ``fd`` if no one holds it and it still is ``mutex``; else close it."""
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        if os.stat(mutex, follow_symlinks=False).st_ino == os.fstat(fd).st_ino:
            return True
    except (BlockingIOError, FileNotFoundError):
        pass
    except OSError as exc:
        os.close(fd)
        raise _io_error(mutex, "cannot lock", exc) from None
    os.close(fd)
    return False


def _rmdir_if_empty(path: Path) -> None:
    with suppress(OSError):  # not empty: it holds the lock file
        path.rmdir()


def _apply(p: Plan, ready: Callable[[Plan], None] = lambda p: None) -> None:
    """Apply ``p``, calling ``ready(p)`` between staging and changing ``out``; the caller holds
    the lock."""
    out, private = p.out, p.out / NETKIT_DIR
    _clean_staging(private)
    if not p.changed:
        ready(p)
        return
    if p.edited and not p.force:
        more = f" (and {len(p.edited) - 1} more)" if len(p.edited) > 1 else ""
        raise OwnershipError(str(out / p.edited[0]), "was changed after netkit wrote it (its "
                             f"sha256 is not the one in {LOCK_PATH}){more}",
                             hint="move your change elsewhere, or rerun with --force to "
                                  "overwrite it; netkit never deletes an edited file")
    writes = p.create + p.update
    if p.digests is not None and writes and not p.files:
        raise ValueError("a plan made from digests alone cannot be applied")
    doing = str(private)
    try:
        staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=private))
    except OSError as exc:
        raise _io_error(private, "cannot create a staging directory", exc) from None
    root, stage = os.fspath(out), os.fspath(staging)
    try:
        made: set[str] = set()  # directories known to exist
        _create_all(stage, root, writes, p.files, made, p.statuses)
        # What follows the staging is worked out before ``ready()``, which may wait.
        pending = {rel: p.new_lock[rel] for rel in writes}
        recording = lock_bytes(Lock({**p.lock.pending, **p.lock.files, **p.current}, pending))
        recorded = lock_bytes(Lock(p.new_lock))
        # A folder that does not exist yet is moved in whole, with every file below it: a
        # fresh tree takes a few renames, not one per file.
        existing: set[str] = set()
        new_folders: dict[str, str | None] = {}  # by the folder of a path
        for rel in writes:
            parent = rel.rpartition("/")[0]
            if parent not in new_folders:
                new_folders[parent] = _new_folder(root, parent, existing)
            if new_folders[parent] is None:
                p.statuses.pop(rel, None)  # moved in alone, which changes its change time
        ready(p)
        doing = f"{root}/{LOCK_PATH}"
        _record(out, staging, recording)
        moved: set[str] = set()
        for rel in writes:
            new_folder = new_folders[rel.rpartition("/")[0]]
            if new_folder is None:
                doing = f"{root}/{rel}"
                _make_parent(doing, made)
                os.replace(f"{stage}/{rel}", doing)
            elif new_folder not in moved:
                doing = f"{root}/{new_folder}"
                _make_parent(doing, made)
                os.rename(f"{stage}/{new_folder}", doing)
                moved.add(new_folder)
        for rel in sorted(set(p.lock.paths) - set(p.new_lock) - set(p.disown)):
            doing = f"{root}/{rel}"
            if rel in p.delete:
                os.unlink(doing)
            _remove_empty_parents(out, rel)
        doing = f"{root}/{LOCK_PATH}"
        _record(out, staging, recorded)
    except OSError as exc:
        raise _io_error(Path(doing), "cannot write", exc,
                        then="rerun: the next run finishes what this one started") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _new_folder(root: str, folder: str, existing: set[str]) -> str | None:
    """The topmost folder of ``folder`` (a relative path, itself included) that does not exist
    under ``root`` (None when ``folder`` exists); ``existing`` remembers the folders found."""
    parts = folder.split("/") if folder else []
    for depth in range(1, len(parts) + 1):
        prefix = "/".join(parts[:depth])
        if prefix in existing:
            continue
        if not os.path.lexists(f"{root}/{prefix}"):
            return prefix
        existing.add(prefix)
    return None


def _make_parent(path: str, made: set[str]) -> None:
    parent = os.path.dirname(path)
    if parent not in made:
        os.makedirs(parent, exist_ok=True)
        made.add(parent)


def _create_all(stage: str, root: str, writes: list[str], files: dict[str, bytes],
                made: set[str], statuses: dict[str, Status]) -> None:
    """Write ``writes`` under ``stage``, noting each file's status; many files are written by
    two threads, as creating a file is mostly the kernel's work and runs beside the other
    thread's."""
    def create(rels: list[str]) -> None:
        for rel in rels:
            try:
                statuses[rel] = _create(f"{stage}/{rel}", files[rel], made)
            except OSError as exc:
                raise _io_error(Path(f"{root}/{rel}"), "cannot write", exc,
                                then="rerun: the next run finishes what this one started"
                                ) from None

    if len(writes) < PARALLEL_WRITES:
        create(writes)
        return
    failed: list[OutputError] = []

    def other(rels: list[str]) -> None:
        try:
            create(rels)
        except OutputError as exc:
            failed.append(exc)

    # Each thread takes one half of the paths in order: files of other folders, so that the
    # two rarely wait for the same folder's lock in the kernel.
    half = len(writes) // 2
    helper = threading.Thread(target=other, args=(writes[half:],))
    helper.start()
    try:
        create(writes[:half])
    finally:
        helper.join()
    if failed:
        raise failed[0]


def _create(path: str, data: bytes, made: set[str]) -> Status:
    """Write a new file; its status once written."""
    _make_parent(path, made)
    fd = os.open(path, _NEW_FILE, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        return status(os.fstat(fd))
    finally:
        os.close(fd)


def _record(out: Path, staging: Path, content: bytes) -> None:
    aside = f"{os.fspath(staging)}/lock.json"
    _create(aside, content, {os.fspath(staging)})
    os.replace(aside, out / LOCK_PATH)


def _clean_staging(private: Path) -> None:
    """Remove what killed runs left in ``.netkit/``."""
    try:
        for entry in os.scandir(private):
            if entry.name.startswith(STAGING_PREFIX):
                if entry.is_dir(follow_symlinks=False):
                    shutil.rmtree(entry.path)
                else:
                    os.unlink(entry.path)
    except OSError as exc:
        raise _io_error(private, "cannot remove a stale staging directory", exc) from None


def _remove_empty_parents(out: Path, rel: str) -> None:
    for parent in PurePosixPath(rel).parents:
        if parent == PurePosixPath("."):
            return
        try:
            os.rmdir(out / parent)
        except OSError:
            return  # not empty (or already gone)


def _io_error(path: Path, doing: str, exc: OSError, then: str = "rerun") -> OutputError:
    reason = exc.strerror or str(exc)
    hint = {errno.ENOSPC: "free some space", errno.EDQUOT: "free some space",
            errno.EROFS: "make the output directory writable",
            errno.EACCES: "make the output directory writable",
            errno.EPERM: "make the output directory writable",
            errno.ENOTDIR: "a file is where netkit needs a directory; move it away"}
    return OutputError(str(path), f"{doing}: {reason}",
                       hint=f"{hint.get(exc.errno or 0, 'fix the output directory')}, then {then}")


class _Tree:
    """Looks at paths under ``out`` without following symbolic links."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.root = os.fspath(out)
        self.dirs: set[str] = set()  # checked: real directories
        self.absent: set[str] = set()  # directories found missing: nothing below them exists

    def check(self, rel: str) -> None:
        """Refuse a symbolic link or a file among the directories above ``rel``."""
        parts = rel.split("/")[:-1]
        for depth in range(len(parts), 0, -1):  # the deepest known directory ends the climb
            if "/".join(parts[:depth]) in self.dirs:
                break
        else:
            depth = 0
        for end in range(depth + 1, len(parts) + 1):
            prefix = "/".join(parts[:end])
            mode = None if prefix in self.absent else self.mode(prefix)
            if mode is None:
                self.absent.update((prefix, "/".join(parts)))
                return
            if stat.S_ISLNK(mode):
                raise OwnershipError(str(self.out / prefix), "is a symbolic link; netkit never "
                                     "writes through links", hint="replace it by a real directory")
            if not stat.S_ISDIR(mode):
                raise OutputError(str(self.out / prefix), "is a file where netkit needs a "
                                  "directory", hint="move the file away")
            self.dirs.add(prefix)

    def mode(self, rel: str) -> int | None:
        """``st_mode`` of ``rel`` itself (a link is not followed); None when it does not exist."""
        found = self.stat(rel)
        return None if found is None else found.st_mode

    def stat(self, rel: str) -> os.stat_result | None:
        """The status of ``rel`` itself (a link is not followed); None when it does not exist."""
        if rel.rpartition("/")[0] in self.absent:
            return None
        try:
            return os.lstat(f"{self.root}/{rel}")
        except (FileNotFoundError, NotADirectoryError):
            return None
        except OSError as exc:
            raise _io_error(self.out / rel, "cannot read", exc) from None

    def read(self, rel: str) -> bytes:
        """The content of regular file ``rel``."""
        try:
            fd = os.open(f"{self.root}/{rel}", os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
            with open(fd, "rb", buffering=0) as handle:
                return handle.readall()
        except OSError as exc:
            raise _io_error(self.out / rel, "cannot read", exc) from None
