"""Findings as grouped text, JSON, SARIF 2.1.0 for code-scanning UIs, JUnit XML for CI test
reports, or GitHub workflow annotations."""

from __future__ import annotations

import json
import os
import re
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import quote

from netkit import __version__
from netkit.findings import RULES, Finding
from netkit.inputs.manifests import STDIN
from netkit.report import Writer, use_color, writing

_COLORS = {"error": "\x1b[31m", "warning": "\x1b[33m", "info": "\x1b[36m"}
_RESET = "\x1b[0m"
_SARIF_LEVEL = {"error": "error", "warning": "warning", "info": "note"}
_GITHUB_COMMAND = {"error": "error", "warning": "warning", "info": "notice"}
SRCROOT = "%SRCROOT%"
# Characters XML 1.0 cannot carry at all, not even escaped.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def summary(findings: Sequence[Finding]) -> str:
    """``2 errors, 1 warning, 0 info``."""
    counts = Counter(f.severity for f in findings)
    errors, warnings = counts["error"], counts["warning"]
    return (f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}, "
            f"{counts['info']} info")


def text(findings: Sequence[Finding], *, color: bool = False) -> str:
    """Findings grouped by location, one line each with rule, field and hint."""
    paint: Callable[[str], str] = (lambda s: f"{_COLORS[s]}{s:<7}{_RESET}") if color else (
        lambda s: f"{s:<7}")
    lines: list[str] = []
    group = None
    for f in findings:
        key = (f.where, f.object)
        if key != group:
            group = key
            obj = f" {f.object}" if f.object and f.object != f.where else ""
            lines.append(f"{f.where}{obj}")
        field = f" {f.field}:" if f.field else ""
        lines.append(f"  {paint(f.severity)} {f.rule}{field} {f.message}")
        if f.hint:
            lines.append(f"          hint: {f.hint}")
    lines.append(summary(findings))
    return "\n".join(lines) + "\n"


def write_text(findings: Sequence[Finding], out: TextIO) -> None:
    """The text form, in colour where ``use_color`` says."""
    out.write(text(findings, color=use_color(out)))


def finding_json(f: Finding) -> dict[str, Any]:
    """``{"rule", "severity", "object", "field", "message", "hint", "file", "line",
    "origin", "scope"}``."""
    keys = ("rule", "severity", "object", "field", "message", "hint", "file", "line", "origin",
            "scope")
    return {k: getattr(f, k) for k in keys}


def to_json(findings: Sequence[Finding]) -> str:
    """``{"findings": [{"rule", "severity", "object", "field", "message", "hint", "file",
    "line", "origin", "scope"}]}``: ``origin`` for blueprint input, ``scope`` what the
    verdict considered (``object``, or the objects of one ``file``, ``dir`` or ``all``)."""
    return json.dumps({"findings": [finding_json(f) for f in findings]}, indent=2) + "\n"


# --- paths as CI systems want them -----------------------------------------------------------

def repository_root() -> Path:
    """The top of the git work tree around the working directory, else the directory."""
    from netkit.errors import ConfigError
    from netkit.inputs.git import repo_root

    try:
        return repo_root(Path.cwd())
    except ConfigError:
        return Path.cwd()


def in_repository(file: str, root: Path) -> str | None:
    """``file`` as a POSIX path relative to ``root``; None when it lies outside."""
    for path in (Path(os.path.abspath(file)), Path(file).resolve()):
        if path.is_relative_to(root):
            return path.relative_to(root).as_posix()
    return None


def _message(f: Finding) -> str:
    return f.message + (f" (hint: {f.hint})" if f.hint else "")


def _place(f: Finding) -> tuple[str | None, int | None]:
    """The file and line a finding points at: its manifest's, or for a construct where its
    blueprint made it; no file for stdin."""
    if f.site is not None:
        return f.site
    return (f.file if f.file and f.file != STDIN else None), f.line


def _logical_name(f: Finding) -> str:
    """The object (and field) a finding is about, else its construct path."""
    if f.object:
        return f"{f.object}.{f.field}" if f.field else f.object
    return f.origin or ""


def _sarif_rule(rule_id: str) -> dict[str, Any]:
    rule = RULES[rule_id]
    fixed = rule.example(fixed=True)
    markdown = (f"{rule.fix}\n\nFixed example (`{fixed.command}` reports no {rule.id}):\n\n"
                f"```{fixed.language}\n{fixed.text.rstrip()}\n```\n\n"
                f"[{rule.id} in the netkit documentation]({rule.help_uri})")
    return {"id": rule.id, "name": rule.id, "shortDescription": {"text": rule.title},
            "fullDescription": {"text": rule.rationale},
            "help": {"text": rule.fix, "markdown": markdown}, "helpUri": rule.help_uri,
            "defaultConfiguration": {"level": _SARIF_LEVEL[rule.severity]}}


def _artifact(file: str, root: Path) -> dict[str, Any]:
    """A repository file relative to ``%SRCROOT%``, any other as an absolute file URI."""
    relative = in_repository(file, root)
    if relative is None:
        return {"uri": Path(os.path.abspath(file)).as_uri()}
    return {"uri": quote(relative, safe="/"), "uriBaseId": SRCROOT}


def sarif(findings: Sequence[Finding]) -> str:
    """A SARIF 2.1.0 log with one run; files are relative to the repository root
    (``%SRCROOT%``, given in ``originalUriBaseIds``), a construct's finding points at the
    blueprint line that made it, one on stdin has only a logical location, and a finding's
    scope is a result property."""
    root = repository_root()
    rules = [_sarif_rule(r) for r in sorted({f.rule for f in findings}) if r in RULES]
    results = []
    for f in findings:
        result: dict[str, Any] = {"ruleId": f.rule, "level": _SARIF_LEVEL[f.severity],
                                  "message": {"text": _message(f)}}
        location: dict[str, Any] = {}
        file, line = _place(f)
        if file:
            physical: dict[str, Any] = {"artifactLocation": _artifact(file, root)}
            if line:
                physical["region"] = {"startLine": line}
            location["physicalLocation"] = physical
        name = _logical_name(f)
        if name:
            location["logicalLocations"] = [{"fullyQualifiedName": name, "kind": "object"}]
        if location:
            result["locations"] = [location]
        if f.scope:
            result["properties"] = {"scope": f.scope}
        results.append(result)
    driver = {"name": "netkit", "version": __version__, "semanticVersion": __version__,
              "rules": rules}
    run = {"tool": {"driver": driver},
           "originalUriBaseIds": {SRCROOT: {"uri": root.as_uri().rstrip("/") + "/"}},
           "results": results}
    log = {"$schema": "https://json.schemastore.org/sarif-2.1.0.json", "version": "2.1.0",
           "runs": [run]}
    return json.dumps(log, indent=2) + "\n"


# --- JUnit XML ---------------------------------------------------------------------------------

def _xml_text(s: str) -> str:
    return _NOT_XML.sub("\ufffd", s)


def _case_name(f: Finding) -> tuple[str, str]:
    """(classname, name) of a finding's test case: its file (or blueprint) and object."""
    if f.file:
        return f.file, f.object or f.where
    blueprint, _, path = (f.origin or "").rpartition(":")
    return blueprint or "netkit", f.object or path or f.where


def junit(findings: Sequence[Finding]) -> str:
    """JUnit XML: one test suite, one test case per object with findings (a single passing
    case when there are none); errors fail their case, warnings and info go to its
    ``system-out``."""
    cases: dict[tuple[str, str], list[Finding]] = {}
    for f in findings:
        cases.setdefault(_case_name(f), []).append(f)
    failed = sum(any(f.severity == "error" for f in fs) for fs in cases.values())
    total = max(1, len(cases))
    counts = {"tests": str(total), "failures": str(failed), "errors": "0", "skipped": "0"}
    suites = ET.Element("testsuites", {"name": "netkit validate", **counts})
    suite = ET.SubElement(suites, "testsuite", {"name": "netkit validate", **counts})
    if not cases:
        ET.SubElement(suite, "testcase", {"classname": "netkit", "name": "no findings"})
    for (classname, name), fs in cases.items():
        case = ET.SubElement(suite, "testcase", {"classname": _xml_text(classname),
                                                 "name": _xml_text(name)})
        errors = [f for f in fs if f.severity == "error"]
        if errors:
            first = errors[0]
            more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
            failure = ET.SubElement(case, "failure", {
                "type": first.rule, "message": _xml_text(f"[{first.rule}] {first.message}{more}")})
            failure.text = _xml_text("\n".join(f.line_text() for f in errors))
        others = [f for f in fs if f.severity != "error"]
        if others:
            ET.SubElement(case, "system-out").text = _xml_text(
                "\n".join(f.line_text() for f in others))
    ET.indent(suites)
    return ET.tostring(suites, encoding="unicode", xml_declaration=True) + "\n"


# --- GitHub workflow annotations ---------------------------------------------------------------

def _escape_data(s: str) -> str:
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(s: str) -> str:
    return _escape_data(s).replace(":", "%3A").replace(",", "%2C")


def github(findings: Sequence[Finding]) -> str:
    """``::error file=PATH,line=N,title=NK010 ...::message`` workflow commands, one per
    finding, then the summary; paths are relative to the repository root."""
    root = repository_root()
    lines = []
    for f in findings:
        props: dict[str, str] = {}
        file, line = _place(f)
        if file:
            props["file"] = in_repository(file, root) or os.path.abspath(file)
            if line:
                props["line"] = str(line)
        props["title"] = f"{f.rule} {RULES[f.rule].title}"
        where = f.object or f.origin or ""
        field = f" {f.field}:" if f.field else ""
        message = f"{where}:{field} {_message(f)}" if where else _message(f)
        shown = ",".join(f"{k}={_escape_property(v)}" for k, v in props.items())
        lines.append(f"::{_GITHUB_COMMAND[f.severity]} {shown}::{_escape_data(message)}")
    lines.append(summary(findings))
    return "\n".join(lines) + "\n"


FORMATS: dict[str, Writer[Sequence[Finding]]] = {
    "text": write_text, "json": writing(to_json), "sarif": writing(sarif),
    "junit": writing(junit), "github": writing(github)}
