"""Reachability as a table, JSON, CSV, Markdown, Graphviz dot, Mermaid or an HTML page."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TextIO

from netkit.analysis.engine import Flow, Reachability
from netkit.analysis.model import Endpoint
from netkit.findings import Finding
from netkit.report import Writer, jsondoc, write_table


def _no_findings() -> Sequence[Finding]:
    return ()


@dataclass
class Audit:
    """What an audit shows: the reachability of ``title``'s inputs and, for the formats
    that list them, the findings (computed only when a format asks)."""

    reach: Reachability
    title: str = ""
    findings: Callable[[], Sequence[Finding]] = field(default=_no_findings)


IMPLIED = "(implied)"


def shown(e: Endpoint) -> str:
    """An endpoint's id, marked ``(implied)`` when the input omits that part of the cluster."""
    return f"{e.id} {IMPLIED}" if e.implied else e.id


def _rows(r: Reachability) -> list[tuple[str, str, str]]:
    return [(shown(f.src), shown(f.dst), f.ports.describe()) for f in r.flows()]


def _caption(r: Reachability, flows: int) -> str:
    implied = sum(e.implied for e in r.endpoints)
    return f"{flows} flows between {len(r.endpoints)} endpoints" + (
        f" ({implied} implied: the cluster has them, the input omits them)" if implied else "")


def table(r: Reachability) -> str:
    """Aligned FROM / TO / ALLOWED columns."""
    rows = [("FROM", "TO", "ALLOWED"), *_rows(r)]
    widths = [max(len(row[i]) for row in rows) for i in range(2)]
    lines = [f"{a:<{widths[0]}}  {b:<{widths[1]}}  {c}" for a, b, c in rows]
    lines.append(_caption(r, len(rows) - 1))
    return "\n".join(lines) + "\n"


def to_csv(r: Reachability) -> str:
    """``from,to,protocol,ports`` with ports as ``lo-hi`` ranges joined by spaces."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["from", "to", "protocol", "ports"])
    for f in r.flows():
        for proto, ranges in f.ports.ranges.items():
            writer.writerow([f.src.id, f.dst.id, proto,
                             " ".join(f"{lo}-{hi}" if lo != hi else str(lo) for lo, hi in ranges)])
    return buf.getvalue()


def code(e: Endpoint) -> str:
    """An endpoint's id as Markdown code, marked ``(implied)`` as in ``shown``."""
    return f"`{e.id}` {IMPLIED}" if e.implied else f"`{e.id}`"


def markdown(r: Reachability) -> str:
    """A Markdown table of flows."""
    lines = ["| from | to | allowed |", "| --- | --- | --- |"]
    lines += [f"| {code(f.src)} | {code(f.dst)} | {f.ports.describe()} |" for f in r.flows()]
    return "\n".join(lines) + "\n"


def _label(f: Flow) -> str:
    return f.ports.describe().replace('"', "'")


def dot(r: Reachability) -> str:
    """A Graphviz digraph, namespaces as clusters."""
    lines = ["digraph reachability {", "  rankdir=LR;", "  node [shape=box];"]
    by_ns: dict[str, list[Endpoint]] = {}
    for e in r.endpoints:
        by_ns.setdefault(e.namespace or "external", []).append(e)
    for i, (ns, ids) in enumerate(sorted(by_ns.items())):
        lines.append(f"  subgraph cluster_{i} {{ label={json.dumps(ns)};")
        lines += [f"    {json.dumps(e.id)}{' [style=dashed]' if e.implied else ''};" for e in ids]
        lines.append("  }")
    lines += [f"  {json.dumps(f.src.id)} -> {json.dumps(f.dst.id)} [label={json.dumps(_label(f))}];"
              for f in r.flows()]
    lines.append("}")
    return "\n".join(lines) + "\n"


def mermaid(r: Reachability) -> str:
    """A Mermaid flowchart."""
    ids = {e.id: f"n{i}" for i, e in enumerate(r.endpoints)}
    lines = ["flowchart LR"]
    lines += [f'  {ids[e.id]}["{shown(e)}"]' for e in r.endpoints]
    lines += [f'  {ids[f.src.id]} -->|"{_label(f)}"| {ids[f.dst.id]}' for f in r.flows()]
    return "\n".join(lines) + "\n"


def write_json(r: Reachability, out: TextIO) -> None:
    """The JSON contract of `netkit audit --format json`, streamed flow by flow."""
    jsondoc.write(out, {"endpoints": (e.to_json() for e in r.endpoints),
                        "flows": (f.to_json() for f in r.flows())})


def _text(fn: Callable[[Reachability], str]) -> Writer[Audit]:
    def write(audit: Audit, out: TextIO) -> None:
        out.write(fn(audit.reach))
    return write


def _json(audit: Audit, out: TextIO) -> None:
    write_json(audit.reach, out)


def _html(audit: Audit, out: TextIO) -> None:
    from netkit.report import html  # jinja2, only for this format

    out.write(html.render(audit.reach, audit.findings(), audit.title))


def _table(audit: Audit, out: TextIO) -> None:
    flows = _rows(audit.reach)
    write_table(out, ("FROM", "TO", "ALLOWED"), flows, _caption(audit.reach, len(flows)),
                table(audit.reach))


FORMATS: dict[str, Writer[Audit]] = {
    "table": _table, "json": _json,
    "csv": _text(to_csv), "markdown": _text(markdown), "dot": _text(dot),
    "mermaid": _text(mermaid), "html": _html,
}
