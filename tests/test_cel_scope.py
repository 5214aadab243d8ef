"""CEL rules: verdicts are the same on every evaluation, and synth evaluates them for the
objects a user wrote (netkit's renderers are held to them by tests)."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from netkit import Blueprint, KubeObject, Manifest
from netkit.testing import synth
from netkit.validate import validate
from netkit.validate.engine import Validator

ROUTE: dict[str, Any] = {
    "apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute",
    "metadata": {"name": "r", "namespace": "a"},
    "spec": {"rules": [{"matches": [{"path": {"type": "PathPrefix", "value": "foo"}}]}]}}
RELATIVE = "value must be an absolute path and start with '/'"


def with_path(value: str, kind: str = "PathPrefix") -> dict[str, Any]:
    route = copy.deepcopy(ROUTE)
    route["spec"]["rules"][0]["matches"][0]["path"] = {"type": kind, "value": value}
    return route


def cel_messages(objects: list[Any]) -> list[str]:
    return [f.message for f in validate(objects) if f.rule == "NK001"]


@given(st.lists(st.tuples(st.sampled_from(["/", "/a", "foo", "a/b", "/a b"]),
                          st.sampled_from(["PathPrefix", "Exact", "RegularExpression"])),
                min_size=1, max_size=6))
@settings(max_examples=40, deadline=None)
def test_verdicts_are_stable_and_right(paths: list[tuple[str, str]]) -> None:
    first = [cel_messages([with_path(v, k)]) for v, k in paths]
    again = [cel_messages([with_path(v, k)]) for v, k in paths]
    assert first == again
    for (value, kind), messages in zip(paths, first, strict=True):
        relative = kind != "RegularExpression" and not value.startswith("/")
        assert any(RELATIVE in m for m in messages) is relative


def test_a_predicate_chooses_whose_cel_rules_run() -> None:
    route = KubeObject(with_path("foo"), origin="mine")
    assert [f.rule for f in Validator().validate([route])] == ["NK001"]
    assert [f.rule for f in Validator().validate([route], cel=lambda o: False)] == []


def test_synth_evaluates_cel_for_objects_a_user_wrote() -> None:
    bp = Blueprint("x")
    Manifest(bp, "route", with_path("foo"))
    result = synth(bp)
    assert [(f.rule, f.origin) for f in result.findings if f.rule == "NK001"] == [
        ("NK001", "x:route")]
