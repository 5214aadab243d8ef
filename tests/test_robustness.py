"""Malformed input is reported, never a crash: validate and reachability on arbitrary
objects of the kinds they know."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netkit.analysis import reachability
from netkit.analysis.model import MalformedInput
from netkit.validate import validate

KINDS = [("v1", "Service"), ("v1", "Namespace"), ("v1", "Pod"),
         ("networking.k8s.io/v1", "NetworkPolicy"), ("networking.k8s.io/v1", "Ingress"),
         ("networking.k8s.io/v1", "IngressClass"), ("apps/v1", "Deployment"),
         ("batch/v1", "CronJob"), ("gateway.networking.k8s.io/v1", "HTTPRoute"),
         ("gateway.envoyproxy.io/v1alpha1", "BackendTrafficPolicy"),
         ("cert-manager.io/v1", "Certificate")]
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


@given(objects())
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_validate_and_reachability_never_crash(objs: list[dict[str, Any]]) -> None:
    findings = validate(objs)
    assert all(f.rule and f.severity for f in findings)
    try:
        r = reachability(objs)
    except MalformedInput as exc:
        assert "\n" not in exc.line() and "is malformed" in exc.line()
        assert any(f.rule == "NK001" for f in findings)  # validate reports the same object
        return
    list(r.flows())
