"""The HTML graph stays readable from a handful of endpoints to many: namespace boxes never
overlap, every node sits in its box, and the page keeps a bounded width."""

from __future__ import annotations

import re

import pytest

from netkit import reachability
from netkit.report.html import render
from tests.analysis.test_semantics import np, pod


def boxes_and_nodes(page: str) -> tuple[list[tuple[float, ...]], list[tuple[float, float]]]:
    boxes = [tuple(map(float, m)) for m in re.findall(
        r'<g class="box[^"]*"><rect x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" '
        r'height="([\d.]+)"', page)]
    nodes = [(float(x), float(y)) for x, y in re.findall(
        r'<circle class="shape" cx="([\d.]+)" cy="([\d.]+)"', page)]
    nodes += [(float(x) + 6, float(y) + 6) for x, y in re.findall(
        r'<rect class="shape" x="([\d.]+)" y="([\d.]+)"', page)]
    return boxes, nodes


@pytest.mark.parametrize("namespaces,pods", [(1, 3), (3, 7), (9, 60), (2, 120)])
def test_boxes_do_not_overlap_and_hold_their_nodes(namespaces: int, pods: int) -> None:
    objs = [pod(f"app-{i}", f"team-{i % namespaces}", app=f"a{i}") for i in range(pods)]
    objs.append(np("out", "team-0", policyTypes=["Egress"], egress=[
        {"to": [{"ipBlock": {"cidr": "203.0.113.0/24"}}]}]))
    page = render(reachability(objs), [], "many")
    boxes, nodes = boxes_and_nodes(page)
    assert len(boxes) == namespaces + 1 and len(nodes) == pods + 1
    for i, (x, y, w, h) in enumerate(boxes):
        for x2, y2, w2, h2 in boxes[i + 1:]:
            assert x + w <= x2 or x2 + w2 <= x or y + h <= y2 or y2 + h2 <= y
    for nx, ny in nodes:
        assert any(x < nx < x + w and y < ny < y + h for x, y, w, h in boxes)
    width = int(re.search(r'<svg[^>]* width="(\d+)"', page).group(1))  # type: ignore[union-attr]
    assert width <= 1300
    assert render(reachability(objs), [], "many") == page  # same input, same bytes
