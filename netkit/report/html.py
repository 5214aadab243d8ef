"""The audit as one self-contained HTML page: matrix, graph of flows grouped by namespace,
flows and findings; a checkbox (CSS only, no script) hides the unconstrained flows."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from netkit.analysis.engine import Flow, Reachability
from netkit.analysis.model import Endpoint
from netkit.analysis.ports import ALL
from netkit.findings import Finding

OUTSIDE = "outside the cluster"
CHAR_W = 6.6  # px per character of an 11px label
NODE_H, NODE_R, PAD, HEADER = 40, 7, 18, 30
MAX_ROWS = 8  # nodes per column inside a namespace box
DENSE = 120  # edges past which lines are drawn fainter
MAX_WIDTH = 1180  # boxes wrap onto a new shelf past this width


def node_class(e: Endpoint) -> str:
    """CSS classes of an endpoint: its kind of node, and ``implied``."""
    kind = "external" if e.external else "namespace" if e.name == "*" else "pod"
    return f"{kind} implied" if e.implied else kind


@dataclass
class Box:
    """One namespace (or the world outside) and its nodes, placed in the graph."""

    label: str
    members: list[Endpoint]
    x: float = 0
    y: float = 0
    columns: int = 1
    cell: float = 0
    nodes: list[dict[str, Any]] = field(default_factory=list)

    @property
    def width(self) -> float:
        return max(self.columns * self.cell + PAD, CHAR_W * len(self.label) + 2 * PAD)

    @property
    def rows(self) -> int:
        return math.ceil(len(self.members) / self.columns)

    @property
    def height(self) -> float:
        return HEADER + self.rows * NODE_H + PAD / 2


def _boxes(endpoints: Sequence[Endpoint]) -> list[Box]:
    by_ns: dict[str, list[Endpoint]] = {}
    for e in endpoints:
        key = OUTSIDE if e.external and not e.implied else e.namespace
        by_ns.setdefault(key, []).append(e)
    order = sorted(by_ns, key=lambda ns: (ns == OUTSIDE, ns))
    boxes = []
    for ns in order:
        members = by_ns[ns]
        longest = max(len(e.name) for e in members)
        box = Box(ns, members, columns=math.ceil(len(members) / MAX_ROWS),
                  cell=max(110.0, 2 * NODE_R + 14 + CHAR_W * min(longest, 40)))
        box.columns = max(1, min(box.columns, int((MAX_WIDTH - PAD) // box.cell)))
        boxes.append(box)
    return boxes


def _place(boxes: list[Box]) -> tuple[float, float]:
    """Shelf packing: boxes left to right, a new shelf when the next would not fit; inside a
    box, nodes fill columns top to bottom, so flows between boxes run mostly sideways."""
    x = y = shelf = width = 0.0
    for box in boxes:
        if x > 0 and x + box.width > MAX_WIDTH:
            x, y, shelf = 0.0, y + shelf + PAD, 0.0
        box.x, box.y = x + PAD, y + PAD
        x += box.width + PAD
        shelf = max(shelf, box.height)
        width = max(width, x)
        for i, e in enumerate(box.members):
            cx = box.x + PAD + NODE_R + (i // box.rows) * box.cell
            cy = box.y + HEADER + NODE_H / 2 + (i % box.rows) * NODE_H
            box.nodes.append({"id": e.id, "name": "any pod" if e.name == "*" else e.name,
                              "cls": node_class(e),
                              "x": round(cx, 1), "y": round(cy, 1)})
    return width + PAD, y + shelf + 2 * PAD


def _edge(f: Flow, a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    (x1, y1), (x2, y2) = (a["x"], a["y"]), (b["x"], b["y"])
    length = math.hypot(x2 - x1, y2 - y1) or 1
    # bend to the right of the direction of travel, so a -> b and b -> a do not overlap
    bend = min(60.0, 0.2 * length + 12)
    cx, cy = (x1 + x2) / 2 + bend * (y2 - y1) / length, (y1 + y2) / 2 - bend * (x2 - x1) / length
    tail = math.hypot(x2 - cx, y2 - cy) or 1
    x2, y2 = x2 - (NODE_R + 2) * (x2 - cx) / tail, y2 - (NODE_R + 2) * (y2 - cy) / tail
    return {"d": f"M {x1:.1f} {y1:.1f} Q {cx:.1f} {cy:.1f} {x2:.1f} {y2:.1f}",
            "open": f.ports == ALL, "title": f"{f.src.id} → {f.dst.id}: {f.ports.describe()}"}


def _graph(r: Reachability, flows: list[Flow]) -> dict[str, Any]:
    boxes = _boxes(r.endpoints)
    width, height = _place(boxes)
    pos = {n["id"]: n for box in boxes for n in box.nodes}
    edges = [_edge(f, pos[f.src.id], pos[f.dst.id]) for f in flows]
    edges.sort(key=lambda e: not e["open"])  # application flows drawn last, on top
    return {"width": math.ceil(width), "height": math.ceil(height), "edges": edges,
            "dense": len(edges) > DENSE,
            "boxes": [{"label": b.label, "x": round(b.x, 1), "y": round(b.y, 1),
                       "w": round(b.width, 1), "h": round(b.height, 1), "nodes": b.nodes,
                       "outside": b.label == OUTSIDE} for b in boxes]}


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
    rows = [{"src": f.src.id, "dst": f.dst.id, "text": f.ports.describe(),
             "open": f.ports == ALL} for f in flows]
    return env.get_template("audit.html.j2").render(
        title=title, endpoints=r.endpoints, flows=rows, matrix=matrix,
        graph=_graph(r, flows), findings=list(findings), sections=list(sections),
        open_flows=sum(row["open"] for row in rows),
        implied=[e for e in r.endpoints if e.implied],
        counts={"error": counts["error"], "warning": counts["warning"]})
