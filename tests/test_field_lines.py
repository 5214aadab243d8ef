"""Findings point at the line of the offending field, as written, in the file it came from."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from netkit import load_manifests
from netkit.inputs.field_lines import FieldLines
from netkit.validate import validate

TEXT = """\
# header
---
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: shop
  annotations:
    netkit.dev/owner: team-a
spec:
  ports:
  - name: http
    port: 80
  - name: bad
    port: 0
"""


@pytest.mark.parametrize(("field", "line"), [
    ("spec.ports[1].port", 15),
    ("spec.ports[1]", 14),
    ("spec.ports[0].name", 12),
    ("metadata.annotations.netkit.dev/owner", 9),
    ("metadata.annotations[netkit.dev/owner]", 9),
    ("spec.ports[5].port", 11),           # no such item: the nearest field written
    ("spec.selector", 10),                # missing field: its parent
    ("metadata.name", 6),
])
def test_lines_of_fields(tmp_path: Path, field: str, line: int) -> None:
    path = tmp_path / "svc.yaml"
    path.write_text(TEXT)
    assert FieldLines().line(str(path), 3, field) == line


def test_validate_points_at_the_field(tmp_path: Path) -> None:
    path = tmp_path / "svc.yaml"
    path.write_text(TEXT)
    found = [(f.rule, f.field, f.line) for f in validate(load_manifests([str(path)]))
             if f.rule == "NK010"]
    assert found == [("NK010", "spec.ports[1].port", 15)]


def test_json_files_too(tmp_path: Path) -> None:
    obj = {"apiVersion": "v1", "kind": "Service",
           "metadata": {"name": "web", "namespace": "shop"},
           "spec": {"ports": [{"port": 0}]}}
    path = tmp_path / "svc.json"
    path.write_text(json.dumps(obj, indent=2))
    found = [f.line for f in validate(load_manifests([str(path)])) if f.rule == "NK010"]
    assert found == [json.dumps(obj, indent=2).splitlines().index('        "port": 0') + 1]


def test_list_items_point_at_their_field_and_unreadable_sources_at_nothing(
        tmp_path: Path) -> None:
    lst = {"apiVersion": "v1", "kind": "List", "items": [
        {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "a", "namespace": "x"},
         "spec": {"ports": [{"port": 0}]}}]}
    path = tmp_path / "list.json"
    path.write_text(json.dumps(lst, indent=1))
    assert [f.line for f in validate(load_manifests([str(path)]))
            if f.rule == "NK010"] == [15]
    exported = tmp_path / "export.yaml"  # kubectl get -o yaml: items at column 0
    exported.write_text("apiVersion: v1\nitems:\n- kind: Service\n  apiVersion: v1\n"
                        "  metadata: {name: a}\n  spec:\n    ports:\n    - port: 80\n"
                        "- kind: Service\n  apiVersion: v1\n  metadata: {name: b}\n"
                        "  spec:\n    ports:\n    - port: 0\nkind: List\n")
    assert [(f.object, f.line) for f in validate(load_manifests([str(exported)]))
            if f.rule == "NK010"] == [("Service/default/b", 14)]
    lines = FieldLines()
    assert lines.line("<stdin>", 3, "spec.ports") is None
    assert lines.line(str(tmp_path / "gone.yaml"), 3, "spec.ports") is None
