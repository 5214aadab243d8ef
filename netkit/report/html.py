"""The audit as one self-contained HTML page: matrix, graph of flows, findings."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from netkit.analysis.engine import Reachability
from netkit.analysis.ports import ALL
from netkit.findings import Finding


def _graph(r: Reachability, flows: list[Any]) -> dict[str, Any]:
    endpoints = r.endpoints
    margin = 30 + 7 * max((len(e.id) for e in endpoints), default=10)  # room for labels
    size = max(480, 40 * len(endpoints) + 2 * margin)
    center, radius = size / 2, size / 2 - margin
    nodes, pos = [], {}
    for i, e in enumerate(endpoints):
        angle = 2 * math.pi * i / max(1, len(endpoints)) - math.pi / 2
        x, y = center + radius * math.cos(angle), center + radius * math.sin(angle)
        pos[e.id] = (x, y)
        right = math.cos(angle) >= 0
        nodes.append({"id": e.id, "external": e.external, "x": round(x, 1), "y": round(y, 1),
                      "tx": round(x + (12 if right else -12), 1), "ty": round(y + 4, 1),
                      "anchor": "start" if right else "end"})
    edges = []
    for f in flows:
        (x1, y1), (x2, y2) = pos[f.src.id], pos[f.dst.id]
        length = math.hypot(x2 - x1, y2 - y1) or 1
        x2, y2 = x2 - 9 * (x2 - x1) / length, y2 - 9 * (y2 - y1) / length
        edges.append({"x1": round(x1, 1), "y1": round(y1, 1), "x2": round(x2, 1),
                      "y2": round(y2, 1), "cx": round((x1 + x2) / 2 * 0.8 + center * 0.2, 1),
                      "cy": round((y1 + y2) / 2 * 0.8 + center * 0.2, 1),
                      "title": f"{f.src.id} → {f.dst.id}: {f.ports.describe()}"})
    return {"size": int(size), "nodes": nodes, "edges": edges}


def environment() -> Environment:
    """The Jinja environment of the report templates (HTML autoescaped)."""
    return Environment(loader=PackageLoader("netkit.report", "templates"),
                       autoescape=select_autoescape(["html", "j2"]), trim_blocks=True,
                       lstrip_blocks=True, keep_trailing_newline=True)


def render(r: Reachability, findings: Sequence[Finding], title: str,
           sections: Sequence[Markup] = ()) -> str:
    """The HTML page (inline CSS and SVG, no external resources); ``sections`` are more
    report sections, placed before the findings."""
    env = environment()
    flows = list(r.flows())
    matrix = {(f.src.id, f.dst.id): {"all": f.ports == ALL, "text": f.ports.describe(),
                                     "short": "all" if f.ports == ALL else "✓"}
              for f in flows}
    counts = Counter(f.severity for f in findings)
    rows = [{"src": f.src.id, "dst": f.dst.id, "text": f.ports.describe()} for f in flows]
    return env.get_template("audit.html.j2").render(
        title=title, endpoints=r.endpoints, flows=rows, matrix=matrix,
        graph=_graph(r, flows), findings=list(findings), sections=list(sections),
        counts={"error": counts["error"], "warning": counts["warning"]})
