"""What netkit last saw of an output directory's files spares reading them only while their
status vouches for their content; any edit, even one that restores the file's times, is
found."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from netkit import load_blueprints, synth
from netkit.gitops import writer
from netkit.gitops.lock import read_lock
from netkit.gitops.memo import seen_path
from netkit.gitops.seen import read_seen

ROOT = Path(__file__).resolve().parent.parent
SHOP = ROOT / "blueprints" / "shop.py"


@pytest.fixture
def written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The shop blueprint synthesized into ``out``, with its record made a second later."""
    monkeypatch.setenv("NETKIT_CACHE_DIR", str(tmp_path / "cache"))
    out = tmp_path / "out"
    synth.write(synth.synthesize(load_blueprints(SHOP, "prod")), out)
    record = seen_path(out)
    later = os.stat(record).st_mtime_ns + 1_000_000_000
    os.utime(record, ns=(later, later))
    return out


def _check(out: Path) -> writer.Plan:
    return synth.write(synth.synthesize(load_blueprints(SHOP, "prod")), out, check=True)


def _reads(monkeypatch: pytest.MonkeyPatch, out: Path) -> list[str]:
    """The output files opened for reading from now on (relative paths, in turn)."""
    read: list[str] = []
    real_open = os.open

    def opened(path: str | Path, flags: int, *args: int) -> int:
        if str(path).endswith(".yaml") and not flags & (os.O_WRONLY | os.O_RDWR):
            read.append(Path(path).relative_to(out).as_posix())
        return real_open(path, flags, *args)

    monkeypatch.setattr(writer.os, "open", opened)
    return read


def test_synth_records_every_file_it_owns(written: Path) -> None:
    seen = read_seen(seen_path(written))
    lock = read_lock(written)
    assert seen is not None and set(seen.files) == set(lock.files)
    assert all(digest == lock.files[rel] for rel, (_, digest) in seen.files.items())


def test_a_file_moved_in_alone_is_not_vouched_for(written: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    # Written again into its existing folder, the file is moved in on its own, which changes
    # its change time after its status was taken: the record leaves it out, and a check
    # reads it (and only it).
    lost = sorted(rel for rel in read_lock(written).files if rel.endswith(".yaml"))[0]
    (written / lost).unlink()
    synth.write(synth.synthesize(load_blueprints(SHOP, "prod")), written)
    seen = read_seen(seen_path(written))
    assert seen is not None and set(seen.files) == set(read_lock(written).files) - {lost}
    later = os.stat(seen_path(written)).st_mtime_ns + 1_000_000_000
    os.utime(seen_path(written), ns=(later, later))
    read = _reads(monkeypatch, written)
    assert not _check(written).changed and read == [lost]


def test_an_unchanged_tree_is_checked_without_reading_a_file(
        written: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    read = _reads(monkeypatch, written)
    assert not _check(written).changed and read == []


def test_an_edit_that_restores_size_and_times_is_still_found(written: Path) -> None:
    victim = next(written.rglob("service-*.yaml"))
    before = victim.stat()
    text = victim.read_text()
    victim.write_text(text.replace("port: 80", "port: 81", 1))
    os.utime(victim, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert victim.stat().st_size == before.st_size
    stale = _check(written)
    assert stale.edited == [victim.relative_to(written).as_posix()]


def test_files_as_recent_as_the_record_are_read(written: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    record = seen_path(written)
    os.utime(record, ns=(0, 0))  # a record older than every file vouches for none
    read = _reads(monkeypatch, written)
    assert not _check(written).changed
    assert sorted(read) == sorted(rel for rel in read_lock(written).files
                                  if rel.endswith(".yaml"))


@pytest.mark.parametrize("damage", [b"", b"{", b'{"version": 1, "files": {"a": [1]}}', b"\xff"])
def test_a_damaged_record_is_ignored(written: Path, damage: bytes) -> None:
    seen_path(written).write_bytes(damage)
    assert read_seen(seen_path(written)) is None
    assert not _check(written).changed
