"""The rule catalogue as text, JSON or a Markdown table, and one rule explained."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Sequence
from typing import TextIO

from netkit.findings import Rule
from netkit.report import Writer, write_table, writing

WIDTH = 88


def text(rules: Sequence[Rule]) -> str:
    """``NK115  warning  LoadBalancer without source ranges`` lines."""
    return "".join(f"{r.id}  {r.severity:<7}  {r.title}\n" for r in rules)


def to_json(rules: Sequence[Rule]) -> str:
    """``{"rules": [{"id", "severity", "title", "rationale", "fix", "help_uri"}]}``."""
    rows = [{"id": r.id, "severity": r.severity, "title": r.title, "rationale": r.rationale,
             "fix": r.fix, "help_uri": r.help_uri} for r in rules]
    return json.dumps({"rules": rows}, indent=2) + "\n"


def markdown(rules: Sequence[Rule]) -> str:
    """A Markdown table: rule, default severity, what."""
    lines = ["| rule | default | what |", "| --- | --- | --- |"]
    lines += [f"| `{r.id}` | {r.severity} | {r.title} |" for r in rules]
    return "\n".join(lines) + "\n"


def _paragraph(label: str, body: str) -> list[str]:
    return [f"{label}:", textwrap.fill(body, WIDTH, initial_indent="  ",
                                       subsequent_indent="  "), ""]


def _example(rule: Rule, *, fixed: bool) -> list[str]:
    example = rule.example(fixed=fixed)
    label, verdict = ("Fixed", "reports no") if fixed else ("Example", "reports")
    return [f"{label} (`{example.command}` {verdict} {rule.id}):", "",
            textwrap.indent(example.text.rstrip(), "    "), ""]


def explanation(rule: Rule) -> str:
    """The rule's title and severity, why it matters, an example that triggers it, the fix
    and the fixed example, and how to save the examples as files."""
    bad, good = rule.example(), rule.example(fixed=True)
    lines = [f"{rule.id} ({rule.severity}): {rule.title}", ""]
    lines += _paragraph("Why it matters", rule.rationale)
    lines += _example(rule, fixed=False)
    for companion in rule.companion_files():
        lines += [f"The command also reads {companion.name}:", "",
                  textwrap.indent(companion.text.rstrip(), "    "), ""]
    lines += _paragraph("Fix", rule.fix)
    lines += _example(rule, fixed=True)
    lines += [f"Save them: netkit explain {rule.id} --example > {bad.name}",
              f"           netkit explain {rule.id} --fixed > {good.name}",
              f"More: {rule.help_uri}"]
    return "\n".join(lines) + "\n"


def _text(rules: Sequence[Rule], out: TextIO) -> None:
    write_table(out, ("RULE", "SEVERITY", "TITLE"), [(r.id, r.severity, r.title) for r in rules],
                f"{len(rules)} rules; netkit explain RULE tells why and how to fix",
                text(rules))


FORMATS: dict[str, Writer[Sequence[Rule]]] = {
    "text": _text, "json": writing(to_json), "markdown": writing(markdown)}
