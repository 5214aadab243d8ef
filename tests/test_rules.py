"""The rule catalogue users learn from: every rule's example reports exactly that rule and its
fixed counterpart no longer does; `netkit rules` and `netkit explain`; findings as SARIF,
JUnit XML and GitHub annotations for CI; colour only where it belongs."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from netkit import Finding, read_manifests
from netkit.cli import app
from netkit.findings import DOCS_URL, RULES, Rule
from netkit.report.findings import github, junit, sarif
from netkit.testing import synth
from netkit.validate import validate
from tests.conftest import ROOT

runner = CliRunner()
LOAD_BALANCER = RULES["NK115"].example().text
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def cli(*args: str, **kwargs: Any) -> Any:
    return runner.invoke(app, list(args), **kwargs)


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty working directory outside any git repository and project."""
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def saved(rule: Rule, *, fixed: bool) -> list[str]:
    """Save the example as `netkit explain --example/--fixed` prints it; its validate args."""
    result = cli("explain", rule.id.lower(), "--fixed" if fixed else "--example")
    assert result.exit_code == 0, result.output
    example = rule.example(fixed=fixed)
    assert result.stdout == example.text
    Path(example.name).write_text(result.stdout, encoding="utf-8")
    for companion in rule.companion_files():
        Path(companion.name).write_text(companion.text, encoding="utf-8")
    return example.args


def reported(args: list[str]) -> list[dict[str, Any]]:
    result = cli(*args, "--format", "json")
    assert result.exit_code in (0, 1), result.output
    findings: list[dict[str, Any]] = json.loads(result.stdout)["findings"]
    return findings


# --- the catalogue -------------------------------------------------------------------------

def test_every_rule_explains_why_and_how_to_fix() -> None:
    for rule in RULES.values():
        assert re.fullmatch(r"NK\d{3}", rule.id)
        sentences = re.findall(r"[.!?](?:\s|$)", rule.rationale)
        assert 1 <= len(sentences) <= 3, rule.id
        assert rule.fix.endswith(".") and len(rule.fix) > 20, rule.id
        assert rule.help_uri == f"{DOCS_URL}#{rule.id.lower()}"


@pytest.mark.parametrize("rule", RULES.values(), ids=lambda r: r.id)
def test_example_reports_exactly_its_rule_and_the_fix_removes_it(rule: Rule,
                                                                workdir: Path) -> None:
    bad = reported(saved(rule, fixed=False))
    assert {f["rule"] for f in bad} == {rule.id}
    good = reported(saved(rule, fixed=True))
    assert rule.id not in {f["rule"] for f in good}
    assert [f for f in good if f["severity"] != "info"] == []


@pytest.mark.parametrize("rule", [r for r in RULES.values()
                                  if r.example().language == "yaml" and not r.fixed_options
                                  and r.verb == ("validate",)],
                         ids=lambda r: r.id)
def test_manifest_examples_through_the_library(rule: Rule, workdir: Path) -> None:
    for fixed in (False, True):
        example = rule.example(fixed=fixed)
        Path(example.name).write_text(example.text, encoding="utf-8")
        read = read_manifests([example.name])
        findings = read.findings + validate(read.objects)
        if fixed:
            assert [f.rule for f in findings if f.severity != "info"] == []
            assert rule.id not in {f.rule for f in findings}
        else:
            assert {f.rule for f in findings} == {rule.id}


@pytest.mark.parametrize("rule", [r for r in RULES.values() if r.example().language == "python"],
                         ids=lambda r: r.id)
def test_blueprint_examples_through_synthesis(rule: Rule, workdir: Path) -> None:
    for fixed in (False, True):
        example = rule.example(fixed=fixed)
        Path(example.name).write_text(example.text, encoding="utf-8")
        found = synth(example.name).rules()
        if fixed:
            assert rule.id not in found and synth(example.name).rules("warning") == []
        else:
            assert set(found) == {rule.id}


def test_construct_rules_are_shown_with_blueprints() -> None:
    blueprint_rules = {r.id for r in RULES.values() if r.example().language == "python"}
    assert {"NK123", "NK124", "NK125"} <= blueprint_rules


def test_examples_ship_as_package_data() -> None:
    listed = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    folder = ROOT / "netkit" / "rule_examples"
    suffixes = {p.suffix for p in folder.iterdir() if p.is_file()}
    for suffix in suffixes:
        assert f'"rule_examples/*{suffix}"' in listed
    names = {p.name for p in folder.iterdir() if p.is_file()}
    expected = {r.example(fixed=f).name for r in RULES.values() for f in (False, True)}
    expected |= {c.name for r in RULES.values() for c in r.companion_files()}
    assert names == expected  # no stray example for a rule that does not exist


# --- netkit rules / netkit explain ---------------------------------------------------------

def test_rules_lists_the_catalogue_in_each_format() -> None:
    lines = cli("rules").stdout.splitlines()
    assert len(lines) == len(RULES)
    assert lines[0].split(None, 2) == ["NK001", "error", RULES["NK001"].title]
    rows = json.loads(cli("rules", "--format", "json").stdout)["rules"]
    assert [r["id"] for r in rows] == list(RULES)
    assert rows[0]["rationale"] == RULES["NK001"].rationale
    table = cli("rules", "--format", "markdown").stdout.splitlines()
    assert table[2:] == [f"| `{r.id}` | {r.severity} | {r.title} |" for r in RULES.values()]
    bad = cli("rules", "--format", "xml")
    assert bad.exit_code == 2 and bad.stderr.startswith("error: --format: unknown format")


def _words(text: str) -> str:
    return " ".join(text.split())


def test_explain_shows_why_example_fix_and_fixed_example() -> None:
    rule = RULES["NK123"]
    result = cli("explain", "nk123")
    assert result.exit_code == 0
    out = result.stdout
    assert out.startswith("NK123 (warning): rate-limited Service has no entry point\n")
    assert _words(rule.rationale) in _words(out) and _words(rule.fix) in _words(out)
    bad, good = rule.example(), rule.example(fixed=True)
    indented = [re.sub(r"(?m)^(?=.)", "    ", e.text) for e in (bad, good)]
    assert out.index(indented[0]) < out.index("Fix:") < out.index(indented[1])
    assert f"`{bad.command}` reports NK123" in out
    assert f"`{good.command}` reports no NK123" in out
    assert rule.help_uri in out


def test_explain_unknown_rule_names_the_closest() -> None:
    result = cli("explain", "NK1155")
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith("error: NK1155: no such rule (hint: did you mean NK115")
    assert len(result.stderr.splitlines()) == 1
    far = cli("explain", "banana")
    assert far.exit_code == 2 and "`netkit rules` lists them" in far.stderr
    both = cli("explain", "NK115", "--example", "--fixed")
    assert both.exit_code == 2 and len(both.stderr.splitlines()) == 1


# --- SARIF ---------------------------------------------------------------------------------

def git_repo(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    subprocess.run(["git", "init", "-q", str(path)], check=True)
    return path


def sarif_of(*args: str, **kwargs: Any) -> dict[str, Any]:
    result = cli("validate", *args, "--format", "sarif", **kwargs)
    assert result.exit_code in (0, 1), result.output
    log: dict[str, Any] = json.loads(result.stdout)
    return log


def check_sarif_shape(log: dict[str, Any]) -> None:
    """What SARIF 2.1.0 requires and GitHub code scanning reads."""
    assert log["version"] == "2.1.0" and len(log["runs"]) == 1
    driver = log["runs"][0]["tool"]["driver"]
    assert driver["name"] == "netkit" and driver["version"]
    ids = [r["id"] for r in driver["rules"]]
    assert ids == sorted(set(ids))
    for rule in driver["rules"]:
        assert set(rule) >= {"id", "shortDescription", "fullDescription", "help", "helpUri"}
        assert urlparse(rule["helpUri"]).scheme == "https"
    for result in log["runs"][0]["results"]:
        assert result["ruleId"] in ids and result["message"]["text"]
        assert result["level"] in ("error", "warning", "note")
        for location in result.get("locations", []):
            physical = location.get("physicalLocation")
            if physical:
                assert physical["artifactLocation"]["uri"]
                assert physical.get("region", {"startLine": 1})["startLine"] >= 1


def test_sarif_rules_carry_rationale_fix_and_docs_link(workdir: Path) -> None:
    Path("lb.yaml").write_text(LOAD_BALANCER, encoding="utf-8")
    log = sarif_of("lb.yaml")
    check_sarif_shape(log)
    (rule,) = log["runs"][0]["tool"]["driver"]["rules"]
    nk115 = RULES["NK115"]
    assert rule["fullDescription"]["text"] == nk115.rationale
    assert rule["help"]["text"] == nk115.fix
    assert rule["helpUri"] == "https://netkit.dev/reference/rules/#nk115"
    assert nk115.example(fixed=True).text.rstrip() in rule["help"]["markdown"]


def test_sarif_paths_are_relative_to_the_repository_root(workdir: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    repo = git_repo(workdir / "repo")
    folder = repo / "deploy #2" / "100% ready"
    folder.mkdir(parents=True)
    (folder / "load balancer.yaml").write_text(LOAD_BALANCER, encoding="utf-8")
    monkeypatch.chdir(repo / "deploy #2")  # a subdirectory: still relative to the root
    log = sarif_of("100% ready/load balancer.yaml")
    check_sarif_shape(log)
    artifact = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"][
        "artifactLocation"]
    assert artifact == {"uri": "deploy%20%232/100%25%20ready/load%20balancer.yaml",
                        "uriBaseId": "%SRCROOT%"}
    assert unquote(artifact["uri"]) == "deploy #2/100% ready/load balancer.yaml"


def test_sarif_paths_outside_the_repository_and_without_git(workdir: Path,
                                                            monkeypatch: pytest.MonkeyPatch
                                                            ) -> None:
    outside = workdir / "elsewhere" / "lb.yaml"
    outside.parent.mkdir()
    outside.write_text(LOAD_BALANCER, encoding="utf-8")
    monkeypatch.chdir(git_repo(workdir / "repo"))
    artifact = sarif_of(str(outside))["runs"][0]["results"][0]["locations"][0][
        "physicalLocation"]["artifactLocation"]
    assert artifact == {"uri": outside.as_uri()}
    monkeypatch.chdir(workdir)  # no repository at all: relative to the working directory
    artifact = sarif_of("elsewhere/lb.yaml")["runs"][0]["results"][0]["locations"][0][
        "physicalLocation"]["artifactLocation"]
    assert artifact == {"uri": "elsewhere/lb.yaml", "uriBaseId": "%SRCROOT%"}


def test_sarif_stdin_findings_have_only_a_logical_location(workdir: Path) -> None:
    log = sarif_of("-", input=LOAD_BALANCER)
    check_sarif_shape(log)
    (location,) = log["runs"][0]["results"][0]["locations"]
    assert "physicalLocation" not in location
    assert location["logicalLocations"][0]["fullyQualifiedName"] == (
        "Service/shop/web.spec.loadBalancerSourceRanges")


def test_blueprint_findings_point_at_the_line_that_made_the_construct(workdir: Path) -> None:
    example = RULES["NK125"].example()
    Path(example.name).write_text(example.text, encoding="utf-8")
    made_at = example.text.splitlines().index(
        next(line for line in example.text.splitlines() if line.startswith("stable ="))) + 1
    (location,) = sarif_of(example.name)["runs"][0]["results"][0]["locations"]
    assert location == {
        "physicalLocation": {"artifactLocation": {"uri": example.name,
                                                  "uriBaseId": "%SRCROOT%"},
                             "region": {"startLine": made_at}},
        "logicalLocations": [{"fullyQualifiedName": "shop/workloads/web", "kind": "object"}]}
    annotations = cli("validate", example.name, "--format", "github").stdout
    assert f"file={example.name},line={made_at}," in annotations


names = st.text(st.characters(codec="utf-8", exclude_characters="/\\\0"), min_size=1,
                max_size=12).filter(lambda s: s not in (".", ".."))


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(folder=names, name=names)
def test_sarif_uri_is_the_percent_encoded_relative_path(workdir: Path, folder: str,
                                                        name: str) -> None:
    finding = Finding("NK115", "open", object="Service/a/b", file=f"{folder}/{name}", line=3)
    artifact = json.loads(sarif([finding]))["runs"][0]["results"][0]["locations"][0][
        "physicalLocation"]["artifactLocation"]
    assert artifact["uriBaseId"] == "%SRCROOT%"
    assert unquote(artifact["uri"]) == f"{folder}/{name}"
    assert re.fullmatch(r"[A-Za-z0-9_.~/%-]+", artifact["uri"]), artifact["uri"]


# --- JUnit XML -----------------------------------------------------------------------------

def test_junit_one_suite_one_case_per_object_errors_fail(workdir: Path) -> None:
    Path("bad.yaml").write_text(RULES["NK010"].example().text + "---\n" + LOAD_BALANCER.replace(
        "name: web", "name: lb"), encoding="utf-8")
    result = cli("validate", "bad.yaml", "--format", "junit")
    assert result.exit_code == 1
    root = ET.fromstring(result.stdout)
    (suite,) = root.iter("testsuite")
    cases = suite.findall("testcase")
    assert [(c.get("classname"), c.get("name")) for c in cases] == [
        ("bad.yaml", "Service/shop/web"), ("bad.yaml", "Service/shop/lb")]
    assert suite.get("tests") == "2" and suite.get("failures") == "1"
    failure = cases[0].find("failure")
    assert failure is not None and failure.get("type") == "NK010"
    assert failure.get("message") == "[NK010] Required value (and 1 more)"
    assert len((failure.text or "").splitlines()) == 2
    assert cases[1].find("failure") is None
    assert "[NK115]" in (cases[1].findtext("system-out") or "")


def test_junit_without_findings_has_one_passing_case() -> None:
    root = ET.fromstring(junit([]))
    cases = list(root.iter("testcase"))
    assert len(cases) == 1 and list(cases[0]) == []


@settings(max_examples=60, deadline=None)
@given(message=st.text(max_size=40), obj=st.text(max_size=15))
def test_junit_is_well_formed_whatever_the_text(message: str, obj: str) -> None:
    findings = [Finding("NK010", message, object=obj, file="a.yaml", line=1),
                Finding("NK115", message, object=obj, file="a.yaml", line=1)]
    case = ET.fromstring(junit(findings)).find("testsuite/testcase")
    assert case is not None
    failure = case.find("failure")
    assert failure is not None
    kept = re.sub("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]", "\ufffd", message)
    assert failure.get("message") == f"[NK010] {kept}"
    assert kept.replace("\r\n", "\n").replace("\r", "\n") in (failure.text or "")


# --- GitHub annotations --------------------------------------------------------------------

def _unescape(s: str) -> str:
    return (s.replace("%0D", "\r").replace("%0A", "\n").replace("%3A", ":")
            .replace("%2C", ",").replace("%25", "%"))


def parse_command(line: str) -> tuple[str, dict[str, str], str]:
    match = re.fullmatch(r"::(\w+) ([^:]*)::(.*)", line)
    assert match, line
    props = dict(p.split("=", 1) for p in match[2].split(","))
    return match[1], {k: _unescape(v) for k, v in props.items()}, _unescape(match[3])


def test_github_annotations(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = git_repo(workdir / "repo")
    (repo / "k8s").mkdir()
    (repo / "k8s" / "lb.yaml").write_text(LOAD_BALANCER, encoding="utf-8")
    monkeypatch.chdir(repo / "k8s")
    result = cli("validate", "lb.yaml", "--format", "github")
    command, props, message = parse_command(result.stdout.splitlines()[0])
    assert command == "warning"
    assert props == {"file": "k8s/lb.yaml", "line": "6",
                     "title": "NK115 LoadBalancer without source ranges"}
    assert message.startswith("Service/shop/web: spec.loadBalancerSourceRanges: LoadBalancer")
    assert result.stdout.splitlines()[-1] == "0 errors, 1 warning, 0 info"
    stdin = cli("validate", "-", "--format", "github", input=LOAD_BALANCER)
    assert "file=" not in stdin.stdout


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(message=st.text(min_size=1, max_size=30), file=names)
def test_github_escaping_round_trips(workdir: Path, message: str, file: str) -> None:
    findings = [Finding("NK010", message, object="Service/a/b", file=file, line=2),
                Finding("NK121", message)]
    first, second, summary = github(findings).split("\n")[:3]
    command, props, text = parse_command(first)
    assert (command, props["file"], props["line"]) == ("error", file, "2")
    assert text == f"Service/a/b: {message}"
    command, props, text = parse_command(second)
    assert command == "notice" and "file" not in props and text == message
    assert summary == "1 error, 0 warnings, 1 info"


# --- colour --------------------------------------------------------------------------------

def run_netkit(args: list[str], env: dict[str, str], tty: bool) -> str:
    """stdout of a real `netkit` process, on a pseudo-terminal or a pipe."""
    base = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    command = [sys.executable, "-c", "from netkit.cli import main; main()", *args]
    if not tty:
        return subprocess.run(command, env={**base, **env}, capture_output=True, text=True,
                              timeout=120).stdout
    primary, secondary = os.openpty()
    try:
        proc = subprocess.Popen(command, env={**base, **env}, stdout=secondary,
                                stderr=subprocess.DEVNULL)
        os.close(secondary)
        return b"".join(_read_all(primary)).decode()
    finally:
        proc.wait(timeout=120)
        os.close(primary)


def _read_all(fd: int) -> Iterator[bytes]:
    while True:
        try:
            chunk = os.read(fd, 4096)
        except OSError:  # EIO: the child closed the terminal
            return
        if not chunk:
            return
        yield chunk


def test_colour_only_on_a_terminal_and_never_with_no_color(tmp_path: Path) -> None:
    path = tmp_path / "lb.yaml"
    path.write_text(LOAD_BALANCER, encoding="utf-8")
    args = ["validate", str(path)]
    terminal = run_netkit(args, {}, tty=True)
    assert "\x1b[33mwarning" in terminal
    assert ANSI.search(run_netkit(args, {"NO_COLOR": "1"}, tty=True)) is None
    forced = run_netkit(args, {"FORCE_COLOR": "1"}, tty=False)
    assert "\x1b[33mwarning" in forced
    assert ANSI.search(run_netkit(args, {"FORCE_COLOR": "1", "NO_COLOR": "x"}, tty=False)
                       ) is None
    plain = cli(*args).stdout
    assert ANSI.sub("", forced) == plain  # colour changes nothing else
    assert ANSI.sub("", terminal).replace("\r\n", "\n") == plain


# --- the docs page -------------------------------------------------------------------------

def test_rules_page_shows_rationale_fix_and_examples() -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("netkit_docs_hooks_rules",
                                                  ROOT / "docs" / "hooks.py")
    assert spec is not None and spec.loader is not None
    hooks = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(hooks)
    except ImportError:
        pytest.skip("mkdocs is not installed")
    page = hooks.rules_page()
    for rule in RULES.values():
        section = page[page.index(f"## {rule.id}: {rule.title} {{#{rule.id.lower()}}}"):]
        section = section[:section.find("\n## ", 1) if "\n## " in section[1:] else None]
        assert rule.rationale in section and rule.fix in section
        for fixed in (False, True):
            example = rule.example(fixed=fixed)
            assert example.command in section
            assert re.sub(r"(?m)^(?=.)", "    ", example.text.rstrip()) in section
