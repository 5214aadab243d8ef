from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from netkit import serialize
from netkit.serialize import canonical, dump, dump_all, needs_quotes

AMBIGUOUS = ["on", "On", "ON", "off", "no", "No", "yes", "y", "Y", "n", "true", "False", "null",
             "Null", "~", "", "0755", "0o17", "0x1F", "1e3", "1E3", "-1", "+1", "1_000", "1:20",
             "12:30:00", ".5", "1.", ".inf", "-.inf", ".NaN", "2001-12-14", "=", "<<", " x",
             "x ", "443"]


@pytest.mark.parametrize("value", AMBIGUOUS)
def test_ambiguous_strings_are_double_quoted(value: str) -> None:
    text = dump({"key": value})
    assert text.startswith('key: "'), text
    assert yaml.safe_load(text) == {"key": value}


@pytest.mark.parametrize("value", ["web", "app.kubernetes.io/name", "TCP", "nginx", "v1",
                                   "http", "/tea", "cafe.example.com", "web-1"])
def test_plain_strings_stay_plain(value: str) -> None:
    assert dump({"key": value}) == f"key: {value}\n"


def test_needs_quotes_is_case_insensitive() -> None:
    assert needs_quotes("TRUE") and needs_quotes("Off") and not needs_quotes("offset")


def test_key_order_top_metadata_then_sorted() -> None:
    obj = {"status": {}, "spec": {"b": 1, "a": 2}, "metadata": {
        "labels": {"z": "1", "a": "2"}, "namespace": "ns", "name": "x"},
        "kind": "Service", "apiVersion": "v1", "data": 1}
    assert list(canonical(obj)) == ["apiVersion", "kind", "metadata", "spec", "data", "status"]
    assert list(canonical(obj)["metadata"]) == ["name", "namespace", "labels"]
    text = dump(obj)
    assert text.index("a: 2") < text.index("b: 1")
    assert text.index('a: "2"') < text.index('z: "1"')


def test_list_order_is_kept() -> None:
    assert dump({"kind": "X", "items": [3, 1, 2]}) == "kind: X\nitems:\n- 3\n- 1\n- 2\n"


def test_label_and_annotation_values_become_strings() -> None:
    obj = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {
        "name": "x", "labels": {"tier": 1, "on": True}, "annotations": {"n": 2.5}}}
    loaded = yaml.safe_load(dump(obj))
    assert loaded["metadata"]["labels"] == {"tier": "1", "on": "true"}
    assert loaded["metadata"]["annotations"] == {"n": "2.5"}


def test_no_anchors_for_shared_subtrees() -> None:
    shared = {"matchLabels": {"app": "web"}}
    text = dump({"kind": "X", "a": shared, "b": shared})
    assert "&" not in text and "*" not in text


def test_multiline_strings_use_literal_blocks() -> None:
    assert dump({"kind": "X", "note": "a\nb\n"}) == "kind: X\nnote: |\n  a\n  b\n"


def test_lf_and_final_newline() -> None:
    text = dump_all([{"kind": "A"}, {"kind": "B"}])
    assert "\r" not in text and text.endswith("\n")
    assert text == "---\nkind: A\n---\nkind: B\n"


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.text(max_size=12),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=20,
)


@given(st.dictionaries(st.text(max_size=10), json_values, max_size=6))
@settings(max_examples=200, deadline=None)
def test_dump_roundtrips_and_is_deterministic(obj: dict[str, Any]) -> None:
    first = dump(obj)
    assert dump(obj) == first
    assert yaml.safe_load(first) == (obj or {})


@given(st.dictionaries(st.text(max_size=10), json_values, max_size=6))
@settings(max_examples=100, deadline=None)
def test_key_insertion_order_does_not_matter(obj: dict[str, Any]) -> None:
    shuffled = dict(reversed(list(obj.items())))
    assert dump({"kind": "X", "spec": obj}) == dump({"kind": "X", "spec": shuffled})


@pytest.mark.skipif(not yaml.__with_libyaml__, reason="libyaml not available")
@given(st.dictionaries(st.text(max_size=10), json_values, max_size=6))
@settings(max_examples=300, deadline=None)
def test_libyaml_and_pure_python_dumpers_agree(obj: dict[str, Any]) -> None:
    assert dump(obj, dumper=serialize._dumpers()[1]) == dump(obj, dumper=serialize._dumpers()[0])


@pytest.mark.skipif(not yaml.__with_libyaml__, reason="libyaml not available")
@pytest.mark.parametrize("size", [0, 1, 127, 128, 129, 300])
def test_dumpers_agree_on_key_lengths(size: int) -> None:
    obj = {"k" * size: {"x" * size: ["v"]}, "multi\nline": 1}
    assert dump(obj, dumper=serialize._dumpers()[1]) == dump(obj, dumper=serialize._dumpers()[0])


SHOP = Path(__file__).resolve().parent.parent / "blueprints" / "shop.py"


def _synth_bytes(out: Path, seed: str, locale: str) -> dict[str, bytes]:
    env = {**os.environ, "PYTHONHASHSEED": seed, "LC_ALL": locale, "LANG": locale}
    subprocess.run([sys.executable, "-m", "netkit.cli", "synth", str(SHOP), "--out", str(out)],
                   check=True, env=env, capture_output=True)
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file()}


def test_synth_output_is_identical_across_hash_seeds_and_locales(tmp_path: Path) -> None:
    runs = [_synth_bytes(tmp_path / f"run{i}", seed, loc)
            for i, (seed, loc) in enumerate([("0", "C"), ("1", "C.UTF-8"), ("4242", "C"),
                                             ("random", "C.UTF-8")])]
    assert runs[0] and all(run == runs[0] for run in runs[1:])


# Every branch of the emitter's style choice: indicators first, inside and last, document
# markers, quotes, escapes, control and non-ASCII text, literal blocks and text that cannot be one.
EDGE_STRINGS = ["-", "- x", "-x", "? a", "?x", ":", ":x", "a:", "a: b", "a:b", "a #b", "a#b", "#a",
                "'a'", "a'b", '"a"', 'a"b', "\\", "a\\b", "---x", "...x", "..x", "[a]", "a,b",
                "{", "&a", "*a", "!a", "|", ">a", "%a", "@a", "`a", "a\nb", "a\nb\n", "a\n\nb",
                "a\n b", "a \nb", " a\nb", "a\nb\n\n", "\n", "a\r\nb", "a\tb", "\t", "é",
                "a\u2028b", "a\x85b", "\x00", "\U0001F600", "a\xa0b", "\ufeff", "1\n2",
                "a\n#b", "a\n- b", "x" * 128, "x" * 129, *AMBIGUOUS]
edge_text = (st.text(max_size=12) | st.sampled_from(EDGE_STRINGS)
             | st.text(alphabet=":- #'\"\n?ab.", max_size=6))
edge_keys = st.text(alphabet=st.characters(max_codepoint=0x7F), max_size=10) | edge_text
edge_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10**6, 10**6) | edge_text,
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(edge_keys, children, max_size=4),
    max_leaves=25,
)
DUMPERS = list(dict.fromkeys(serialize._dumpers()))  # pure, and libyaml's if there is


@given(st.dictionaries(edge_keys, edge_values, max_size=6) | st.lists(edge_values, max_size=4),
       st.booleans())
@settings(max_examples=400, deadline=None)
def test_direct_writer_matches_both_pyyaml_emitters(data: Any, kube: bool) -> None:
    if kube and isinstance(data, dict):
        data = {**data, "kind": "X"}
    expected = canonical(data) if isinstance(data, dict) and "kind" in data else data
    for dumper in DUMPERS:
        assert dump(data) == serialize.dump_represented(expected, dumper)


def test_direct_writer_covers_what_synth_emits() -> None:
    obj = {"kind": "X", "metadata": {"name": "a", "labels": {"on": True}},
           "spec": {"note": "a\nb\n", "rows": [{"a": 1, "b": [None, "x: y", "é"]}], "e": {},
                    "l": [], "k": [["a"]]}}
    assert serialize._direct(obj, True) == serialize.dump_represented(canonical(obj))


def test_types_outside_the_direct_writer_fall_back() -> None:
    assert dump({"kind": "X", "ratio": 0.5, "when": None}) == "kind: X\nratio: 0.5\nwhen: null\n"
    assert dump({1: "a", "b": 2}) == "1: a\nb: 2\n"
    assert dump("text") == "text\n"
    with pytest.raises(serialize._Unwritable):
        serialize._direct({"ratio": 0.5}, False)


def test_kept_texts_are_bounded_and_change_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(serialize, "_KEPT", 8)
    data = {f"key-{i}": [f"value-{i}", "on", "a\nb\n"] for i in range(40)}
    first = dump(data)
    assert len(serialize._KEYS) <= 8 and len(serialize._VALUES) <= 8
    assert dump(data) == first == serialize.dump_represented(data)
