"""Reachability as a table, CSV, Markdown, Graphviz dot or Mermaid."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from typing import TextIO

from netkit.analysis.engine import Flow, Reachability
from netkit.report import jsondoc


def table(r: Reachability) -> str:
    """Aligned FROM / TO / ALLOWED columns."""
    rows = [("FROM", "TO", "ALLOWED")] + [(f.src.id, f.dst.id, f.ports.describe())
                                          for f in r.flows()]
    widths = [max(len(row[i]) for row in rows) for i in range(2)]
    lines = [f"{a:<{widths[0]}}  {b:<{widths[1]}}  {c}" for a, b, c in rows]
    lines.append(f"{len(rows) - 1} flows between {len(r.endpoints)} endpoints")
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


def markdown(r: Reachability) -> str:
    """A Markdown table of flows."""
    lines = ["| from | to | allowed |", "| --- | --- | --- |"]
    lines += [f"| `{f.src.id}` | `{f.dst.id}` | {f.ports.describe()} |" for f in r.flows()]
    return "\n".join(lines) + "\n"


def _label(f: Flow) -> str:
    return f.ports.describe().replace('"', "'")


def dot(r: Reachability) -> str:
    """A Graphviz digraph, namespaces as clusters."""
    lines = ["digraph reachability {", "  rankdir=LR;", "  node [shape=box];"]
    by_ns: dict[str, list[str]] = {}
    for e in r.endpoints:
        by_ns.setdefault(e.namespace or "external", []).append(e.id)
    for i, (ns, ids) in enumerate(sorted(by_ns.items())):
        lines.append(f"  subgraph cluster_{i} {{ label={json.dumps(ns)};")
        lines += [f"    {json.dumps(node)};" for node in ids]
        lines.append("  }")
    lines += [f"  {json.dumps(f.src.id)} -> {json.dumps(f.dst.id)} [label={json.dumps(_label(f))}];"
              for f in r.flows()]
    lines.append("}")
    return "\n".join(lines) + "\n"


def mermaid(r: Reachability) -> str:
    """A Mermaid flowchart."""
    ids = {e.id: f"n{i}" for i, e in enumerate(r.endpoints)}
    lines = ["flowchart LR"]
    lines += [f'  {ids[e.id]}["{e.id}"]' for e in r.endpoints]
    lines += [f'  {ids[f.src.id]} -->|"{_label(f)}"| {ids[f.dst.id]}' for f in r.flows()]
    return "\n".join(lines) + "\n"


def write_json(r: Reachability, out: TextIO) -> None:
    """The JSON contract of `netkit audit --format json`, streamed flow by flow."""
    jsondoc.write(out, {"endpoints": (e.to_json() for e in r.endpoints),
                        "flows": (f.to_json() for f in r.flows())})


def to_json(r: Reachability) -> str:
    """The JSON contract as a string."""
    buf = io.StringIO()
    write_json(r, buf)
    return buf.getvalue()


FORMATS: dict[str, Callable[[Reachability], str]] = {
    "table": table, "json": to_json, "csv": to_csv, "markdown": markdown, "dot": dot,
    "mermaid": mermaid,
}
