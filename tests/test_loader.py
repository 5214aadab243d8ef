from __future__ import annotations

import gc
import weakref
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from netkit import KubeObject, NetkitError
from netkit.inputs import collector, manifests, units
from netkit.serialize import dump_all

names = st.text(alphabet="abcdefghij-", min_size=1, max_size=8)
docs = st.lists(st.fixed_dictionaries({
    "apiVersion": st.just("v1"), "kind": st.sampled_from(["ConfigMap", "Service"]),
    "metadata": st.fixed_dictionaries({"name": names}),
    "data": st.dictionaries(names, st.text(max_size=30), max_size=4)}), min_size=1, max_size=12)


def snapshot(objs: list[KubeObject]) -> list[tuple[Any, str, int]]:
    return [(o.obj, o.file, o.line) for o in objs]


@given(docs, st.integers(1, 5), st.booleans())
@settings(max_examples=150, deadline=None)
def test_splitting_never_changes_objects_or_lines(objs: list[dict[str, Any]], parts: int,
                                                  comments: bool) -> None:
    text = dump_all(objs)
    if comments:
        text = "# header\n" + text.replace("---\n", "---\n# a comment\n")
    whole = manifests.parse(text, "f.yaml")
    pieces = units.split(units.Unit(text, "f.yaml"), parts)
    assert "".join(p.text for p in pieces) == text
    assert snapshot(manifests.parse_batch(pieces)) == snapshot(whole)
    batches = units.balance([units.Unit(text, "f.yaml")], 2)
    assert snapshot([o for b in batches for o in manifests.parse_batch(b)]) == snapshot(whole)


def test_parallel_parse_matches_sequential(tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    objs = [{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": f"c{i}"},
             "data": {"k": "v" * i}} for i in range(300)]
    (tmp_path / "a.yaml").write_text(dump_all(objs[:200]))
    (tmp_path / "b.yaml").write_text(dump_all(objs[200:]))
    sequential = manifests.load_manifests([str(tmp_path)])
    monkeypatch.setattr(units, "PARALLEL_BYTES", 0)
    assert snapshot(manifests.load_manifests([str(tmp_path)])) == snapshot(sequential)
    assert [o.obj["metadata"]["name"] for o in sequential] == [f"c{i}" for i in range(300)]
    (tmp_path / "b.yaml").write_text(dump_all(objs[200:]) + "kind: [\n")
    with pytest.raises(NetkitError, match=r"b\.yaml:\d+: invalid YAML"):
        manifests.load_manifests([str(tmp_path)])


def test_directives_keep_a_text_whole() -> None:
    text = "%YAML 1.1\n---\nkind: A\n---\nkind: B\n"
    assert len(units.split(units.Unit(text, "f"), 2)) == 1


def test_lines_lists_and_kustomizations(tmp_path: Path) -> None:
    text = ("# comment\n\napiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: A, "
            "metadata: {name: a}}\n---\napiVersion: kustomize.config.k8s.io/v1beta1\n"
            "kind: Kustomization\n---\n\nkind: B\n")
    (tmp_path / "f.yaml").write_text(text)
    read = manifests.read_manifests([str(tmp_path / "f.yaml")])
    assert [(o.obj["kind"], o.line) for o in read.objects] == [("A", 6), ("B", 12)]
    assert [(f.rule, f.line) for f in read.findings] == [("NK012", 8)]


def test_hidden_directories_are_skipped(tmp_path: Path) -> None:
    (tmp_path / ".netkit").mkdir()
    (tmp_path / ".netkit" / "x.yaml").write_text("kind: Hidden\n")
    (tmp_path / "y.yml").write_text("kind: Seen\n")
    assert [o.obj["kind"] for o in manifests.load_manifests([str(tmp_path)])] == ["Seen"]


@pytest.mark.parametrize(("text", "message"), [
    ("- a\n- b\n", "expected a mapping, got list"),
    ("{[a]: 1}\n", "a mapping key is a mapping or list"),
    ("a: 'x\n", "invalid YAML"),
])
def test_bad_documents(text: str, message: str) -> None:
    with pytest.raises(NetkitError, match=message):
        manifests.parse(text, "f")


def test_parallel_parse_reports_an_error_in_either_half(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(units, "PARALLEL_BYTES", 0)
    objs = [{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": f"c{i}"}}
            for i in range(100)]
    (tmp_path / "a.yaml").write_text("kind: [\n" + dump_all(objs))
    (tmp_path / "b.yaml").write_text(dump_all(objs))
    with pytest.raises(NetkitError, match=r"a\.yaml:\d+: invalid YAML"):
        manifests.load_manifests([str(tmp_path)])


def test_walk_order_links_and_hidden_entries_are_as_rglob_has_them(tmp_path: Path) -> None:
    for rel in ["a/b.yaml", "a-c/x.yaml", "a.json", "z.yml", "dir.yaml/in.yaml", ".hid/h.yaml",
                "a/.h.yaml", "notes.txt", "real/r.yaml"]:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("kind: X\n")
    (tmp_path / "link.yaml").symlink_to(tmp_path / "z.yml")
    (tmp_path / "linked-dir").symlink_to(tmp_path / "real")
    (tmp_path / "broken.yaml").symlink_to(tmp_path / "missing.yaml")
    expected = sorted(p for p in tmp_path.rglob("*") if p.suffix in manifests.MANIFEST_SUFFIXES
                      and p.is_file() and not any(part.startswith(".") for part in
                                                  p.relative_to(tmp_path).parts))
    found = manifests.yaml_files(tmp_path)
    assert found == expected
    assert [p.relative_to(tmp_path).as_posix() for p in found][:3] == ["a/b.yaml", "a-c/x.yaml",
                                                                      "a.json"]


@given(st.text(alphabet="ab019.:-_+xoeEyYnNtTrufl ~<=", max_size=8))
@settings(max_examples=200, deadline=None)
def test_cached_tag_resolution_reads_scalars_as_the_safe_loader(text: str) -> None:
    doc = f"k: {text}\n"
    try:
        expected = yaml.safe_load(doc)
    except yaml.YAMLError:
        return
    try:
        objs = manifests.parse(doc, "f")
    except NetkitError:
        return  # refused by netkit's stricter rules (non-finite numbers, merge keys...)
    assert [o.obj for o in objs] == ([expected] if expected is not None else [])


class _Node:
    """A cycle's member, weakly referable."""

    def __init__(self) -> None:
        self.me = self


def test_the_paused_collector_comes_back_as_it_was_and_leaves_nothing_behind() -> None:
    assert gc.isenabled()
    with collector.paused():
        assert not gc.isenabled()
        cycle = weakref.ref(_Node())  # garbage at once, but only the collector frees it
    assert gc.isenabled()
    gc.collect()
    assert cycle() is None
    gc.disable()
    try:
        with collector.paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_objects_the_program_froze_stay_frozen() -> None:
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        with collector.paused():
            _Node()
        assert gc.get_freeze_count() == frozen
    finally:
        gc.unfreeze()
