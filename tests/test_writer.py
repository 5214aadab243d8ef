from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from netkit.errors import OutputError, OwnershipError
from netkit.gitops import writer
from netkit.gitops.lock import LOCK_PATH, read_lock, sha256


def files(**named: str) -> dict[str, bytes]:
    return {k.replace("__", "/").replace("_", "-") + ".yaml": v.encode()
            for k, v in named.items()}


def write(out: Path, data: dict[str, bytes]) -> writer.Plan:
    plan = writer.plan(out, data)
    writer.apply(plan)
    return plan


def test_first_write_creates_files_and_lock(tmp_path: Path) -> None:
    out = tmp_path / "out"
    plan = write(out, files(c__ns__a="a: 1\n", c__ns__b="b: 2\n"))
    assert plan.create == ["c/ns/a.yaml", "c/ns/b.yaml"]
    assert (out / "c/ns/a.yaml").read_text() == "a: 1\n"
    lock = json.loads((out / LOCK_PATH).read_text())
    assert lock == {"version": 1, "generator": "netkit", "files": {
        "c/ns/a.yaml": sha256(b"a: 1\n"), "c/ns/b.yaml": sha256(b"b: 2\n")}}
    assert not list((out / ".netkit").glob("staging-*"))


def test_rewrite_is_a_no_op_and_lock_is_stable(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write(out, files(c__ns__a="a: 1\n"))
    before = (out / LOCK_PATH).read_bytes()
    plan = write(out, files(c__ns__a="a: 1\n"))
    assert not plan.changed and plan.unchanged == ["c/ns/a.yaml"]
    assert (out / LOCK_PATH).read_bytes() == before


def test_prunes_only_stale_owned_files(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write(out, files(c__ns__a="a\n", c__old__b="b\n"))
    (out / "c/old/mine.yaml").write_text("user file\n")
    (out / "c/gone").mkdir()
    plan = write(out, files(c__ns__a="a2\n"))
    assert plan.update == ["c/ns/a.yaml"] and plan.delete == ["c/old/b.yaml"]
    assert not (out / "c/old/b.yaml").exists()
    assert (out / "c/old/mine.yaml").read_text() == "user file\n"
    assert read_lock(out).files == {"c/ns/a.yaml": sha256(b"a2\n")}


def test_empty_directories_left_by_pruning_are_removed(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write(out, files(c__ns__a="a\n", c__old__b="b\n"))
    write(out, files(c__ns__a="a\n"))
    assert not (out / "c/old").exists() and (out / "c/ns").is_dir()


def test_never_overwrites_an_unowned_file(tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / "c/ns").mkdir(parents=True)
    (out / "c/ns/a.yaml").write_text("hand written\n")
    with pytest.raises(OwnershipError, match="not owned by netkit"):
        writer.plan(out, files(c__ns__a="a\n", c__ns__b="b\n"))
    assert (out / "c/ns/a.yaml").read_text() == "hand written\n"
    assert not (out / "c/ns/b.yaml").exists() and not (out / LOCK_PATH).exists()


def test_hand_edited_owned_file_is_restored_only_with_force(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write(out, files(c__ns__a="a\n"))
    (out / "c/ns/a.yaml").write_text("edited\n")
    plan = writer.plan(out, files(c__ns__a="a\n"))
    assert plan.update == plan.edited == ["c/ns/a.yaml"] and plan.changed
    with pytest.raises(OwnershipError, match="changed after netkit wrote it"):
        writer.apply(plan)
    assert (out / "c/ns/a.yaml").read_text() == "edited\n"
    writer.apply(writer.plan(out, files(c__ns__a="a\n"), force=True))
    assert (out / "c/ns/a.yaml").read_text() == "a\n"


@pytest.mark.parametrize("rel", ["../evil.yaml", "c/../../evil.yaml", "/etc/evil.yaml"])
def test_never_writes_outside_out(tmp_path: Path, rel: str) -> None:
    with pytest.raises(OwnershipError, match="escapes"):
        writer.plan(tmp_path / "out", {rel: b"x"})


def test_lock_entries_outside_out_are_refused(tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / ".netkit").mkdir(parents=True)
    (tmp_path / "victim.yaml").write_text("keep me\n")
    (out / LOCK_PATH).write_text(json.dumps({"files": {"../victim.yaml": "0"}}))
    with pytest.raises(OwnershipError, match="escapes"):
        writer.plan(out, {})
    assert (tmp_path / "victim.yaml").exists()


def test_symlinked_directory_cannot_leak_writes(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (tmp_path / "elsewhere").mkdir()
    os.symlink(tmp_path / "elsewhere", out / "c")
    with pytest.raises(OwnershipError, match="symbolic link"):
        writer.plan(out, files(c__ns__a="a\n"))


def test_corrupt_lock_is_an_error(tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / ".netkit").mkdir(parents=True)
    (out / LOCK_PATH).write_text("{not json")
    with pytest.raises(OwnershipError, match="unreadable lock"):
        writer.plan(out, {})


def test_interrupted_write_leaves_every_written_file_owned(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    write(out, files(c__ns__a="a\n"))
    real_replace = os.replace
    moved: list[str] = []

    def flaky(src: str | Path, dst: str | Path) -> None:
        if str(dst).endswith(".yaml") and moved:
            raise OSError("disk full")
        if str(dst).endswith(".yaml"):
            moved.append(str(dst))
        real_replace(src, dst)

    monkeypatch.setattr(writer.os, "replace", flaky)
    with pytest.raises(OutputError, match="disk full"):
        writer.apply(writer.plan(out, files(c__ns__a="a\n", c__ns__b="b\n", c__ns__c="c\n")))
    monkeypatch.setattr(writer.os, "replace", real_replace)
    lock = read_lock(out)
    owned = {**lock.files, **lock.pending}
    on_disk = {str(p.relative_to(out)) for p in out.rglob("*.yaml")}
    assert on_disk <= set(owned)
    assert not list((out / ".netkit").glob("staging-*"))
    plan = write(out, files(c__ns__a="a\n", c__ns__b="b\n", c__ns__c="c\n"))
    assert plan.changed
    assert read_lock(out).files.keys() == {"c/ns/a.yaml", "c/ns/b.yaml", "c/ns/c.yaml"}


def test_plan_lines_are_sorted(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write(out, files(c__ns__b="b\n", c__ns__z="z\n"))
    plan = writer.plan(out, files(c__ns__a="a\n", c__ns__b="b2\n"))
    assert plan.lines() == ["create c/ns/a.yaml", "update c/ns/b.yaml", "delete c/ns/z.yaml"]


def test_apply_refuses_a_plan_another_run_has_overtaken(tmp_path: Path) -> None:
    out = tmp_path / "out"
    stale = writer.plan(out, files(c__ns__a="a\n"))
    write(out, files(c__ns__b="b\n"))
    with pytest.raises(OwnershipError, match="changed since the plan was made"):
        writer.apply(stale)
    assert read_lock(out).files.keys() == {"c/ns/b.yaml"} and not (out / "c/ns/a.yaml").exists()


def test_new_folders_move_in_whole_and_existing_ones_file_by_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    write(out, files(c__ns__a="a\n"))
    renamed: list[str] = []
    real_rename = os.rename

    def rename(src: str, dst: str) -> None:
        renamed.append(os.path.relpath(dst, out))
        real_rename(src, dst)

    monkeypatch.setattr(writer.os, "rename", rename)
    new = files(c__ns__a="a\n", c__ns__b="b\n", c__other__x="x\n", c__other__deep__y="y\n",
                d__ns__z="z\n")
    write(out, new)
    assert sorted(renamed) == ["c/other", "d"]
    on_disk = {str(p.relative_to(out)): p.read_bytes() for p in out.rglob("*.yaml")}
    assert on_disk == new
    assert read_lock(out).files == {rel: sha256(data) for rel, data in new.items()}
    assert not list((out / ".netkit").glob("staging-*"))


def test_many_files_are_written_by_two_threads_and_a_failure_writes_nothing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    many = {f"c/ns{i % 7}/configmap-{i}.yaml": f"n: {i}\n".encode()
            for i in range(writer.PARALLEL_WRITES + 1)}
    real_open = writer.os.open

    def full(path: str | Path, *args: object, **kwargs: object) -> int:
        if str(path).endswith("/configmap-300.yaml"):
            raise OSError(28, "No space left on device")
        return real_open(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(writer.os, "open", full)
    with pytest.raises(OutputError) as caught:
        write(tmp_path / "out", many)
    assert caught.value.where == str(tmp_path / "out/c/ns6/configmap-300.yaml")
    assert not list((tmp_path / "out").rglob("*.yaml"))
    monkeypatch.setattr(writer.os, "open", real_open)
    write(tmp_path / "out", many)
    assert {str(p.relative_to(tmp_path / "out")): p.read_bytes()
            for p in (tmp_path / "out").rglob("*.yaml")} == many
