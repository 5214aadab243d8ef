"""Findings as grouped text, JSON, or SARIF 2.1.0 for code-scanning UIs."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any, TextIO

from netkit import __version__
from netkit.findings import RULES, Finding
from netkit.report import Writer, writing

_COLORS = {"error": "\x1b[31m", "warning": "\x1b[33m", "info": "\x1b[36m"}
_RESET = "\x1b[0m"
_SARIF_LEVEL = {"error": "error", "warning": "warning", "info": "note"}


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


def to_json(findings: Sequence[Finding]) -> str:
    """``{"findings": [{"rule", "severity", "object", "field", "message", "hint", "file",
    "line"}]}`` (plus ``origin`` for blueprint input)."""
    keys = ("rule", "severity", "object", "field", "message", "hint", "file", "line", "origin")
    rows = [{k: getattr(f, k) for k in keys} for f in findings]
    return json.dumps({"findings": rows}, indent=2) + "\n"


def sarif(findings: Sequence[Finding]) -> str:
    """A SARIF 2.1.0 log with one run."""
    used = sorted({f.rule for f in findings})
    rules = [{"id": r, "name": r, "shortDescription": {"text": RULES[r].title},
              "defaultConfiguration": {"level": _SARIF_LEVEL[RULES[r].severity]}}
             for r in used if r in RULES]
    results = []
    for f in findings:
        result: dict[str, Any] = {
            "ruleId": f.rule, "level": _SARIF_LEVEL[f.severity],
            "message": {"text": f.message + (f" (hint: {f.hint})" if f.hint else "")}}
        location: dict[str, Any] = {}
        if f.file:
            physical: dict[str, Any] = {"artifactLocation": {"uri": f.file}}
            if f.line:
                physical["region"] = {"startLine": f.line}
            location["physicalLocation"] = physical
        name = f"{f.object}{'.' + f.field if f.field else ''}" or f.origin or ""
        if name:
            location["logicalLocations"] = [{"fullyQualifiedName": name, "kind": "object"}]
        if location:
            result["locations"] = [location]
        results.append(result)
    log = {"$schema": "https://json.schemastore.org/sarif-2.1.0.json", "version": "2.1.0",
           "runs": [{"tool": {"driver": {"name": "netkit", "version": __version__,
                                         "rules": rules}}, "results": results}]}
    return json.dumps(log, indent=2) + "\n"


def write_text(findings: Sequence[Finding], out: TextIO) -> None:
    """The text form, in colour on a terminal."""
    out.write(text(findings, color=out.isatty()))


FORMATS: dict[str, Writer[Sequence[Finding]]] = {
    "text": write_text, "json": writing(to_json), "sarif": writing(sarif)}
