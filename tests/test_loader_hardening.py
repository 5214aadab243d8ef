"""Hostile input never hurts: alias bombs, recursive aliases, deep nesting, duplicate keys,
odd tags and keys, empty and binary input, and kinds that look like paths."""

from __future__ import annotations

import json
import math
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import IO, Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from netkit import KubeObject, NetkitError
from netkit.cli import app
from netkit.inputs import manifests, yaml_text
from netkit.inputs.load_error import LoadError, node_limit
from netkit.validate import validate
from netkit.validate.schema import CoreSchemas

runner = CliRunner()
CONFIGMAP = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n"


def bomb(levels: int, fan_out: int = 10) -> str:
    """The billion-laughs document: each level lists the previous one ``fan_out`` times."""
    lines = [f"l0: &l0 [{', '.join(['lol'] * fan_out)}]"]
    lines += [f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * fan_out)}]" for i in range(1, levels)]
    return "\n".join(lines) + "\n"


def load_error(text: str) -> str:
    with pytest.raises(LoadError) as info:
        manifests.parse(text, "f.yaml")
    line = info.value.line()
    assert "\n" not in line
    return line


# 1. Alias bombs, recursive aliases, deep nesting


def test_alias_bomb_is_refused_naming_file_line() -> None:
    text = CONFIGMAP + "data:\n  k: v\n" + bomb(6)  # 10**6 strings from 250 bytes
    assert load_error(text) == (
        "f.yaml:1: aliases expand the input to more than 10,000 nodes (hint: an alias bomb? "
        "at most 10 nodes per character of input are read; write the repeated values out)")


def netkit_limited(*args: str, stdin: int | IO[bytes] | None = None
                   ) -> subprocess.CompletedProcess[str]:
    """``netkit ARGS`` as a real process with at most 2 GiB of memory and two minutes."""
    resource = pytest.importorskip("resource")

    def limit_memory() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))

    return subprocess.run([sys.executable, "-m", "netkit.cli", *args], stdin=stdin,
                          capture_output=True, text=True, timeout=120, preexec_fn=limit_memory)


def test_billion_laughs_in_a_real_process_stays_small(tmp_path: Path) -> None:
    path = tmp_path / "bomb.yaml"
    path.write_text(bomb(9))  # 342 bytes, 9**9 strings when expanded
    proc = netkit_limited("validate", str(path))
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr == (f"error: {path}:1: aliases expand the input to more than 10,000 "
                           "nodes (hint: an alias bomb? at most 10 nodes per character of input "
                           "are read; write the repeated values out)\n")


def test_alias_reuse_within_the_budget_is_expanded_into_copies() -> None:
    text = CONFIGMAP + "x: &labels {app: web}\ny: [*labels, *labels]\n"
    [obj] = manifests.parse(text, "f.yaml")
    first, second = obj.obj["y"]
    assert first == second == {"app": "web"} and first is not second
    first["app"] = "changed"  # defaults and fixes mutate objects in place
    assert obj.obj["x"] == second == {"app": "web"}


@pytest.mark.parametrize(("text", "line"), [
    ("a: &a [*a]\n", 1),
    ("a: 1\nb: &b\n  c: *b\n", 2),
    ("a: &a {<<: *a}\n", 1),
    ("a: &a [[[[*a]]]]\n", 1),
    ("a: &a [" + ", ".join(["*a"] * 300) + "]\n", 1),  # fans out before it nests
])
def test_recursive_alias_is_refused(text: str, line: int) -> None:
    assert load_error(text).startswith(f"f.yaml:{line}: recursive alias: this node contains "
                                       "itself")


@pytest.mark.parametrize("text", [
    "k: " + "[" * 500 + "]" * 500 + "\n",
    "k: " + "{a: " * 300 + "1" + "}" * 300 + "\n",
    "".join(" " * i + "- \n" for i in range(0, 400, 2)) + " " * 400 + "x\n",
])
def test_deep_nesting_is_refused(text: str) -> None:
    assert re.match(r"f\.yaml:\d+: nested more than 100 levels deep", load_error(text))


def test_deep_nesting_with_the_pure_python_loader(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(yaml_text, "Loader", yaml.SafeLoader)
    assert "nested more than 100 levels deep" in load_error("k: " + "[" * 900 + "]" * 900)


def test_nesting_as_deep_as_real_crds_is_read() -> None:
    [obj] = manifests.parse(CONFIGMAP + "k: " + "[" * 90 + "]" * 90 + "\n", "f.yaml")
    value, depth = obj.obj["k"], 1
    while value:
        value, depth = value[0], depth + 1
    assert depth == 90


# 2. Duplicate keys


@pytest.mark.parametrize(("text", "where"), [
    (CONFIGMAP + "data:\n  a: x\n  b: y\n  a: z\n", "f.yaml:7: duplicate key 'a'"),
    ("kind: A\nmetadata: {name: x, name: y}\n", "f.yaml:2: duplicate key 'name'"),
    ("kind: A\n---\nkind: B\nkind: C\n", "f.yaml:4: duplicate key 'kind'"),
    ('kind: A\n"kind": B\n', "f.yaml:2: duplicate key 'kind'"),
    ("d: &d {a: 1}\nkind: A\nx:\n  <<: *d\n  b: 1\n  b: 2\n", "f.yaml:6: duplicate key 'b'"),
    ("d: &d {a: 1}\ne: &e {b: 1}\nx:\n  <<: *d\n  <<: *e\n", "f.yaml:5: duplicate merge key <<"),
    ("d: &d {a: 1, a: 2}\nx: {<<: *d}\n", "f.yaml:1: duplicate key 'a'"),
])
def test_duplicate_keys_are_errors(text: str, where: str) -> None:
    assert load_error(text).startswith(where)


def test_merge_keys_override_as_yaml_intends() -> None:
    text = ("d: &d {a: from-d, b: from-d, c: from-d}\ne: &e {b: from-e, z: from-e}\n"
            "kind: A\nx:\n  <<: [*e, *d]\n  c: explicit\n")
    [obj] = manifests.parse(text, "f.yaml")
    assert obj.obj["x"] == {"a": "from-d", "b": "from-e", "c": "explicit", "z": "from-e"}
    assert load_error("kind: A\nx: {<<: [1]}\n").startswith(
        "f.yaml:2: << merges a mapping or a list of mappings")


# 3. Empty, missing and binary input


def invoke(*args: str, stdin: str | None = None) -> tuple[int, str]:
    result = runner.invoke(app, ["validate", *args], input=stdin)
    return result.exit_code, result.stderr


def test_an_empty_directory_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("not a manifest\n")
    code, err = invoke(str(tmp_path))
    assert code == 2 and err == (f"error: {tmp_path}: no manifests found (no .yaml, .yml or "
                                 ".json files) (hint: check the path; pass blueprints as .py "
                                 "files)\n")


@pytest.mark.parametrize("stdin", ["", "\n  \n", "# only a comment\n"])
def test_empty_stdin_is_an_error(stdin: str) -> None:
    code, err = invoke("-", stdin=stdin)
    assert code == 2 and err.startswith("error: <stdin>: no manifests: stdin is empty")


def test_only_empty_files_is_an_error_but_one_among_others_is_fine(tmp_path: Path) -> None:
    (tmp_path / "empty.yaml").write_text("")
    (tmp_path / "comments.yml").write_text("# nothing here yet\n\n")
    code, err = invoke(str(tmp_path))
    assert code == 2 and "no manifests found: the input is empty or only comments" in err
    (tmp_path / "cm.yaml").write_text(CONFIGMAP)
    assert [o.kind for o in manifests.load_manifests([str(tmp_path)])] == ["ConfigMap"]
    assert manifests.load_manifests([]) == []  # only blueprints were given


def test_dev_zero_on_stdin_and_as_a_file_stop_at_the_first_nul() -> None:
    with open("/dev/zero", "rb") as zero:
        proc = netkit_limited("validate", "-", "/dev/zero", stdin=zero)
    assert proc.returncode == 2
    assert proc.stderr == ("error: <stdin>:1: binary data (a NUL byte), not YAML text "
                           "(hint: pass YAML or JSON manifests saved as UTF-8)\n")
    code, err = invoke("/dev/zero")
    assert code == 2 and err.startswith("error: /dev/zero:1: binary data (a NUL byte)")


def test_binary_and_non_utf8_files_name_the_line(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_bytes(CONFIGMAP.encode() + b"data: {k: \x00}\n")
    (tmp_path / "b.yaml").write_bytes(CONFIGMAP.encode() + b"data: {k: caf\xe9}\n")
    assert invoke(str(tmp_path / "a.yaml"))[1].startswith(f"error: {tmp_path}/a.yaml:4: binary")
    assert invoke(str(tmp_path / "b.yaml"))[1].startswith(
        f"error: {tmp_path}/b.yaml:4: not UTF-8 text (byte 0xe9)")
    utf16 = tmp_path / "c.yaml"
    utf16.write_text(CONFIGMAP, encoding="utf-16")
    assert invoke(str(utf16))[1].startswith(f"error: {utf16}:1: binary data (a NUL byte)")


def test_json_files_are_walked_with_lines(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(CONFIGMAP)
    (tmp_path / "b.json").write_text(json.dumps(
        {"apiVersion": "v1", "kind": "List", "items": [
            {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"}}]}, indent="\t"))
    (tmp_path / "c.json").write_text('\n\n{"apiVersion": "v1", "kind": "Secret",'
                                     ' "metadata": {"name": "s\\/x"}}')
    loaded = manifests.load_manifests([str(tmp_path)])
    assert [(o.kind, Path(o.file or "").name, o.line) for o in loaded] == [
        ("ConfigMap", "a.yaml", 1), ("Service", "b.json", 5), ("Secret", "c.json", 3)]
    assert loaded[2].name == "s/x"


def test_crlf_files_read_as_before(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_bytes((CONFIGMAP + "data:\n  k: |\n    one\n    two\n").replace(
        "\n", "\r\n").encode())
    [obj] = manifests.load_manifests([str(path)])
    assert obj.obj["data"] == {"k": "one\ntwo\n"}


# 4. Kinds are looked up, never turned into paths


def test_a_kind_cannot_load_a_schema_from_outside_the_schema_folder(tmp_path: Path) -> None:
    schemas = CoreSchemas((1, 33))
    planted = tmp_path / "planted"
    planted.mkdir()
    (planted / "evil-v1.json").write_text(json.dumps(
        {"type": "object", "required": ["planted"], "properties": {"kind": {"type": "string"}}}))
    kind = os.path.relpath(planted, str(schemas._dir)) + "/evil"
    if kind != kind.lower():
        pytest.skip("kinds are looked up in lower case; the temporary path has upper case")
    assert (Path(str(schemas._dir)) / f"{kind}-v1.json").is_file()  # what a path would reach
    assert schemas.validator("v1", kind) is None
    manifest = tmp_path / "m.yaml"
    manifest.write_text(f"apiVersion: v1\nkind: {kind}\nmetadata: {{name: x}}\n")
    result = runner.invoke(app, ["validate", str(manifest)])
    assert "must contain ['planted']" not in result.stdout
    assert "NK002 no schema for v1" in result.stdout
    assert schemas.validator("apps/v1", "Deployment") is not None  # real kinds still found


# 6. Tags, odd scalars and keys


@pytest.mark.parametrize(("value", "message"), [
    ("!foo bar", "f.yaml:5: tag !foo is not supported"),
    ("!!binary aGVsbG8=", "f.yaml:5: tag !!binary is not supported"),
    ("!!set {a, b}", "f.yaml:5: tag !!set is not supported on a mapping"),
    ("!!omap [a: 1]", "f.yaml:5: tag !!omap is not supported on a sequence"),
    ("!!seq {a: 1}", "f.yaml:5: tag !!seq is not supported on a mapping"),
    ("!!str [a]", "f.yaml:5: tag !!str is not supported on a sequence"),
    ("!!python/name:os.system ''", "f.yaml:5: tag !!python/name:os.system is not supported"),
    ("!!int abc", "f.yaml:5: 'abc' is not a valid !!int"),
    ("!!int ''", "f.yaml:5: '' is not a valid !!int"),
    ("!!bool maybe", "f.yaml:5: 'maybe' is not a valid !!bool"),
    ("!!float x", "f.yaml:5: 'x' is not a valid !!float"),
    (".inf", "f.yaml:5: '.inf' is not a finite number"),
    (".NaN", "f.yaml:5: '.NaN' is not a finite number"),
    ("-1.0e+999", "f.yaml:5: '-1.0e+999' is not a finite number"),
])
def test_unsupported_tags_and_values(value: str, message: str) -> None:
    assert load_error(f"{CONFIGMAP}data:\n  k: {value}\n").startswith(message)


@pytest.mark.parametrize(("key", "message"), [
    ("80", "mapping key 80 is not a string (hint: quote it (\"80\"): "),
    ("on", "mapping key True is not a string"),
    ("~", "mapping key None is not a string"),
    ("1.5", "mapping key 1.5 is not a string"),
    ("[a]", "a mapping key is a mapping or list"),
    ("!!str [a]", "a mapping key is a mapping or list"),
])
def test_keys_must_be_strings(key: str, message: str) -> None:
    assert load_error(f"{CONFIGMAP}data:\n  {key}: v\n").startswith(f"f.yaml:5: {message}")


def test_scalars_read_as_kubectl_reads_them() -> None:
    text = (CONFIGMAP + "data:\n  date: 2001-12-14\n  stamp: !!timestamp 2001-12-14 21:59:43\n"
            "  eq: =\n  merge: <<\n---\nkind: X\nv: {hex: 0x1F, y: yes, none: ~, '80': !!str 80}\n")
    configmap, other = manifests.parse(text, "f.yaml")
    assert configmap.obj["data"] == {"date": "2001-12-14", "stamp": "2001-12-14 21:59:43",
                                     "eq": "=", "merge": "<<"}
    assert validate([configmap]) == []  # ConfigMap data: dates are the strings kubectl sends
    assert other.obj["v"] == {"hex": 31, "y": True, "none": None, "80": "80"}


# 5. Fuzz: any text either loads as JSON data within the node budget or is one LoadError

SCALARS = ["yes", "No", "on", "0x1F", "0o17", "017", "1_000", "190:20:30", ".inf", "-.nan",
           "~", "null", "", "2001-12-14", "2001-12-14t21:59:43.10-05:00", "=", "<<", "3.5e3",
           "'single'", '"double \\x41 \\u263a"', "true", "héllo", "☃", "x" * 3000,
           "kind", "ConfigMap", "v1", "apiVersion", "metadata", "name", "items", "List"]
PRINTABLE = st.characters(codec="utf-8", exclude_categories=["Cc", "Cs"])
TAGS = ["", "", "", "!!str ", "!!int ", "!!float ", "!!bool ", "!!null ", "!!binary ",
        "!!timestamp ", "!!set ", "!!omap ", "!!map ", "!!seq ", "!foo ", "!<tag:x.org,1:y> ",
        "!!python/object:os.system "]


@st.composite
def yaml_texts(draw: Any) -> str:
    """YAML text: directives, documents with anchors, aliases (defined, undefined, recursive,
    fanned out), tags, odd scalars, duplicate keys, flow and block styles, stray NULs."""
    anchors: list[str] = []

    def scalar() -> str:
        value = draw(st.sampled_from(SCALARS) | st.text(PRINTABLE, max_size=12))
        if draw(st.booleans()) and value and value[0] not in "'\"":
            value = json.dumps(value, ensure_ascii=False)
        return (draw(st.sampled_from(TAGS)) if draw(st.integers(0, 3)) == 0 else "") + value

    def node(depth: int) -> str:
        choice = draw(st.integers(0, 12 if depth < 4 else 6))
        if choice <= 2 and anchors:
            return "*" + draw(st.sampled_from(anchors))
        if choice == 3:
            return "*" + draw(st.sampled_from(["a0", "a1", "zz"]))  # maybe undefined
        if choice <= 6:
            return scalar()
        anchor = ""
        if draw(st.booleans()):
            name = f"a{len(anchors)}"
            anchors.append(name)  # visible inside its own node too: recursive aliases
            anchor = f"&{name} "
        tag = draw(st.sampled_from(["", "", "", "", "", "", "!!map ", "!!seq ", "!foo ",
                                    "!!set "]))
        children = [node(depth + 1) for _ in range(draw(st.integers(0, 4)))]
        if choice <= 9:
            return f"{anchor}{tag}[{', '.join(children)}]"
        keys = [draw(st.sampled_from([*SCALARS[:24], "a", "a", "b", "<<", "? [x]"]))
                for _ in children]
        pairs = ", ".join(f"{k}: {v}" for k, v in zip(keys, children, strict=True))
        return f"{anchor}{tag}{{{pairs}}}"

    def document() -> str:
        anchors.clear()
        kind = draw(st.integers(0, 3))
        if kind == 0:  # fan-out: size fan_out ** levels
            return bomb(draw(st.integers(1, 12)), draw(st.integers(1, 12)))
        head = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n" if kind == 1 else ""
        pairs = [(draw(st.sampled_from(["data", "spec", "items", "kind", "a", "<<"])),
                  node(0)) for _ in range(draw(st.integers(0, 4)))]
        if kind == 3:
            return head + "".join(f"{k}:\n  - {v}\n" for k, v in pairs)
        return head + "".join(f"{k}: {v}\n" for k, v in pairs)

    header = draw(st.sampled_from(["", "", "%YAML 1.1\n---\n", "%YAML 1.2\n---\n",
                                   "%TAG ! tag:example.com,2000:\n---\n", "--- !foo\n"]))
    text = header + "---\n".join(document() for _ in range(draw(st.integers(1, 3))))
    for _ in range(draw(st.integers(0, 2))):
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(st.sampled_from(["\0", "\t", ": ", "- ", "&a0 ", "*a0", "\n"
                                                 "\n", "'", "]", "\ufeff"])) + text[at:]
    return text


def nodes(value: Any) -> int:
    """Items and mapping values in ``value``; only JSON data is allowed."""
    if isinstance(value, dict):
        assert all(isinstance(k, str) for k in value)
        return sum(1 + nodes(v) for v in value.values())
    if isinstance(value, list):
        return sum(1 + nodes(v) for v in value)
    assert value is None or isinstance(value, str | bool | int | float), type(value)
    assert not isinstance(value, float) or math.isfinite(value)
    return 0


@given(yaml_texts())
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_fuzzed_yaml_loads_as_bounded_json_data_or_one_error(text: str) -> None:
    try:
        objs = manifests.parse(text, "f.yaml")
    except NetkitError as exc:
        assert isinstance(exc, LoadError)
        assert "\n" not in exc.line() and exc.line().startswith("f.yaml")
        return
    assert all(isinstance(o, KubeObject) and o.file == "f.yaml" for o in objs)
    assert sum(nodes(o.obj) for o in objs) <= node_limit(text)
