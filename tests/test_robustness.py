"""Malformed input is reported, never a crash: validate and reachability on arbitrary
objects of the kinds they know, given as dicts or as (perturbed) YAML text."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netkit import KubeObject, reachability
from netkit.analysis import model
from netkit.analysis.model import MalformedInput
from netkit.findings import RULES
from netkit.inputs import manifests
from netkit.objects import as_objects
from netkit.serialize import dump_all
from netkit.validate import validate
from netkit.workspace import analysable

KINDS = [("v1", "Service"), ("v1", "Namespace"), ("v1", "Pod"),
         ("networking.k8s.io/v1", "NetworkPolicy"), ("networking.k8s.io/v1", "Ingress"),
         ("networking.k8s.io/v1", "IngressClass"), ("apps/v1", "Deployment"),
         ("batch/v1", "CronJob"), ("gateway.networking.k8s.io/v1", "HTTPRoute"),
         ("gateway.envoyproxy.io/v1alpha1", "BackendTrafficPolicy"),
         ("cert-manager.io/v1", "Certificate"),
         # Built-in kinds at versions no cluster serves, and Calico's own NetworkPolicy: not
         # the kinds lint and the engine read, whatever their shape.
         ("apps/v1x", "Deployment"), ("networking.k8s.io/v2", "NetworkPolicy"), ("v2", "Namespace"),
         ("crd.projectcalico.org/v1", "NetworkPolicy")]
KEYS = ["metadata", "spec", "name", "namespace", "labels", "annotations", "ports", "port",
        "selector", "podSelector", "ingress", "egress", "from", "to", "ipBlock", "cidr",
        "except", "rules", "http", "paths", "backend", "service", "tls", "hosts", "template",
        "containers", "matchLabels", "matchExpressions", "policyTypes", "endPort", "protocol",
        "host", "path", "pathType", "type", "targetPort", "hostnames", "backendRefs",
        "parentRefs", "status", "podIP", "rateLimit", "secretName", "ownerReferences"]
leaf = (st.none() | st.booleans() | st.integers(-5, 70000) | st.sampled_from(
    ["", "x", "10.0.0.0/8", "bad/cidr", "TCP", "UDP", "In", "Exists", "*.a.b", "a b", "Ingress",
     "http", "nginx", "Local", "None", "/"]))
value = st.recursive(leaf, lambda inner: st.lists(inner, max_size=3)
                     | st.dictionaries(st.sampled_from(KEYS), inner, max_size=4), max_leaves=25)


@st.composite
def objects(draw: Any) -> list[dict[str, Any]]:
    out = []
    for _ in range(draw(st.integers(1, 4))):
        api, kind = draw(st.sampled_from(KINDS))
        obj = {"apiVersion": api, "kind": kind, **draw(st.dictionaries(
            st.sampled_from(["metadata", "spec", "status"]), value, max_size=3))}
        out.append(obj)
    return out


def check(objs: list[KubeObject]) -> None:
    """Findings name a catalogued rule, an input object and its source, the same on a second
    run; reachability either works or names a malformed object."""
    findings = validate(objs)
    refs = {o.ref for o in objs}
    sources = {(o.file, o.line) for o in objs}
    for f in findings:
        assert f.rule in RULES and f.object in refs and (f.file, f.line) in sources, f
    assert validate(objs) == findings
    try:
        r = reachability(objs)
    except MalformedInput as exc:
        assert "\n" not in exc.line() and "is malformed" in exc.line()
        assert any(f.rule == "NK001" for f in findings)  # validate reports the same object
        return
    list(r.flows())


@given(objects())
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_validate_and_reachability_never_crash(objs: list[dict[str, Any]]) -> None:
    check(as_objects(objs))


EDITS = [":", "- ", "&a ", "*a", "[", "{", "'", "\t", "!foo ", "\0", "<<: *a\n", "---\n", "~",
         "\n  ", "a: 1\n", "spec: x\n", "kind: List\nitems: [*a]\n", "\ufeff", " 2001-12-14",
         " .inf", " !!binary aGk=", " !!int x"]


@given(objects(), st.lists(st.tuples(st.integers(0, 1 << 16), st.sampled_from(EDITS)),
                           max_size=3))
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_loaded_text_validates_without_crashing(objs: list[dict[str, Any]],
                                                edits: list[tuple[int, str]]) -> None:
    text = dump_all(objs)
    for at, insert in edits:
        at %= len(text) + 1
        text = text[:at] + insert + text[at:]
    try:
        loaded = manifests.parse(text, "in.yaml")
    except manifests.LoadError as exc:
        assert "\n" not in exc.line() and exc.line().startswith("in.yaml:")
        return
    json.dumps([o.obj for o in loaded], allow_nan=False)  # JSON data, as kubectl would send
    check(loaded)


GOOD = [{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "a"}},
        {"apiVersion": "apps/v1", "kind": "Deployment",
         "metadata": {"name": "web", "namespace": "a"},
         "spec": {"selector": {"matchLabels": {"app": "web"}}, "template": {
             "metadata": {"labels": {"app": "web"}},
             "spec": {"containers": [{"name": "web", "image": "nginx"}]}}}},
        {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
         "metadata": {"name": "deny", "namespace": "a"}, "spec": {"podSelector": {}}}]
BAD = {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
       "metadata": {"name": "bad", "namespace": "a"}, "spec": {"podSelector": {}, "egress": 7}}


def test_what_analysable_checked_is_not_checked_again(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[Any] = []
    real = model.schema_errors
    monkeypatch.setattr(model, "schema_errors", lambda obj: calls.append(obj) or real(obj))
    kept = analysable(as_objects([*GOOD, BAD]))
    assert [f.rule for f in kept.findings] == ["NK001"] and len(kept.objects) == 3
    assert len(calls) == 4
    reachability(kept.objects)
    assert len(calls) == 4
    reachability(GOOD)  # a library caller's objects are checked
    assert len(calls) == 7


def test_malformed_input_is_refused_unless_analysable_checked_it() -> None:
    for given_as in (BAD, KubeObject(BAD, "f.yaml", 3)):
        with pytest.raises(MalformedInput, match=r"NetworkPolicy bad is malformed: "
                                                 r"spec\.egress"):
            reachability([*GOOD, given_as])
    kept = analysable(as_objects(GOOD)).objects
    with pytest.raises(MalformedInput):  # a checked object given another obj: checked again
        reachability([*kept[:2], replace(kept[2], obj=BAD)])
    kept[2].obj = BAD
    with pytest.raises(MalformedInput):
        reachability(kept)
