"""Verdicts on observed flows as a table, JSON (a documented contract), Markdown for a pull
request comment, or an HTML report section."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any, TextIO

from markupsafe import Markup

from netkit.flows.verdicts import DENIED, FlowAudit, Verdict
from netkit.report import Writer, html, write_table, writing
from netkit.report.findings import finding_json

CONTRACT = 1  # the "version" of `netkit audit --flows --format json`


def label(v: Verdict) -> str:
    """``allowed``, ``WOULD BE DENIED``, ``denied (dropped today)`` or ``exempt``."""
    if v.verdict == DENIED:
        return "WOULD BE DENIED" if v.breaks else "denied (dropped today)"
    return v.verdict


def summary(a: FlowAudit) -> str:
    """One sentence: records read, flows, verdict counts, never-seen allows, bad lines."""
    counts = Counter(v.verdict for v in a.verdicts)
    o = a.observed
    dropped = counts["denied"] - len(a.denied)
    return (f"{o.records} record(s) from {o.source} in {len(a.verdicts)} flow(s): "
            f"{counts['allowed']} allowed, {len(a.denied)} would be denied, "
            f"{dropped} denied and dropped today, "
            f"{counts['exempt']} exempt; {o.skipped} line(s) left out (replies, ICMP, "
            f"other events); {len(a.unused)} allow(s) never seen; "
            f"{o.malformed_total} malformed line(s)")


def shown(a: FlowAudit, peer_id: str) -> str:
    """An endpoint as the reports show it: an address with the DNS names the log knew."""
    names = a.observed.names.get(peer_id)
    return f"{peer_id} ({', '.join(sorted(names))})" if names else peer_id


def _rows(a: FlowAudit) -> list[tuple[str, ...]]:
    return [(shown(a, v.flow.src), shown(a, v.flow.dst), f"{v.flow.protocol}/{v.flow.port}",
             str(v.flow.count), label(v), v.reason) for v in a.verdicts]


HEADERS = ("FROM", "TO", "PORT", "RECORDS", "VERDICT", "DECIDED BY")


def _findings_text(a: FlowAudit) -> list[str]:
    return [f.line_text() for f in a.findings]


def table(a: FlowAudit) -> str:
    """Aligned columns, then the summary and the NK401/NK402 findings."""
    rows = [HEADERS, *_rows(a)]
    widths = [max(len(r[i]) for r in rows) for i in range(len(HEADERS) - 1)]
    lines = ["  ".join(f"{c:<{w}}" for c, w in zip(r, widths, strict=False)) + "  " + r[-1]
             for r in rows]
    return "\n".join([*lines, summary(a), *_findings_text(a)]) + "\n"


def _table(a: FlowAudit, out: TextIO) -> None:
    write_table(out, HEADERS, _rows(a), summary(a) + "".join(
        "\n" + line for line in _findings_text(a)), table(a))


def to_json(a: FlowAudit) -> dict[str, Any]:
    """The contract: ``{"version", "input", "summary", "endpoints", "flows", "findings"}``."""
    counts = Counter(v.verdict for v in a.verdicts)
    o = a.observed
    endpoints = [{**p.to_json(), "names": sorted(o.names.get(p.id, ()))}
                 for p in sorted(o.peers.values(), key=lambda p: p.id)]
    return {"version": CONTRACT,
            "input": {"file": o.source, "records": o.records, "skipped": o.skipped,
                      "malformed": o.malformed_total},
            "summary": {"flows": len(a.verdicts), "allowed": counts["allowed"],
                        "denied": counts["denied"], "breaking": len(a.denied),
                        "exempt": counts["exempt"], "never_seen": len(a.unused)},
            "endpoints": endpoints,
            "flows": [v.to_json() for v in a.verdicts],
            "findings": [finding_json(f) for f in a.findings]}


def _json(a: FlowAudit, out: TextIO) -> None:
    json.dump(to_json(a), out, indent=2)
    out.write("\n")


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def markdown(a: FlowAudit) -> str:
    """A PR comment: the flows that would be denied first, then the rest folded away."""
    denied = a.denied
    head = "| from | to | port | records | deciding policy |"
    rule = "| --- | --- | --- | --- | --- |"

    def rows(vs: list[Verdict]) -> list[str]:
        return [f"| `{shown(a, v.flow.src)}` | `{shown(a, v.flow.dst)}` | "
                f"{v.flow.protocol}/{v.flow.port} | {v.flow.count} | {_cell(v.reason)} |"
                for v in vs]

    lines = [f"### Observed flows: {a.title}" if a.title else "### Observed flows", "",
             summary(a) + ".", ""]
    if denied:
        lines += [f"**{len(denied)} observed flow(s) would be denied:**", "", head, rule,
                  *rows(denied), ""]
    else:
        lines += ["No observed flow would be denied.", ""]
    rest = [v for v in a.verdicts if not v.breaks]
    if rest:
        lines += ["<details><summary>Other flows</summary>", "",
                  "| from | to | port | records | verdict | deciding policy |",
                  "| --- | --- | --- | --- | --- | --- |",
                  *[f"| `{shown(a, v.flow.src)}` | `{shown(a, v.flow.dst)}` | "
                    f"{v.flow.protocol}/{v.flow.port} | {v.flow.count} | {label(v)} | "
                    f"{_cell(v.reason)} |" for v in rest],
                  "", "</details>", ""]
    if a.findings:
        lines += ["<details><summary>Findings</summary>", "",
                  *[f"- `{f.rule}` {f.where}: {_cell(f.message)}" for f in a.findings],
                  "", "</details>", ""]
    return "\n".join(lines)


def section(a: FlowAudit) -> Markup:
    """The observed-flows section of the HTML report."""
    return Markup(html.environment().get_template("flows.html.j2").render(
        summary=summary(a), verdicts=a.verdicts, label=label, shown=lambda i: shown(a, i)))


def _html(a: FlowAudit, out: TextIO) -> None:
    r = a.matrix() if a.matrix is not None else None
    if r is None:
        raise ValueError("an HTML flow report needs the input's reachability")
    out.write(html.render(r, a.findings, a.title, sections=[section(a)]))


FORMATS: dict[str, Writer[FlowAudit]] = {
    "table": _table, "json": _json, "markdown": writing(markdown), "html": _html}
