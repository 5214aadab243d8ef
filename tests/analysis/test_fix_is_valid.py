"""Every fix `why` suggests is an object kube-apiserver accepts, adds no error to its input,
and opens the flow."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from netkit import reachability
from netkit.analysis.explain import explain
from netkit.analysis.implied import ClusterParts
from netkit.validate import validate
from tests.analysis.test_semantics import namespace, np, pod

NAMES = ["web", "api", "a.b", "Z", "x" * 250, "db-0"]
LABELS = st.dictionaries(st.sampled_from(["app", "tier"]), st.sampled_from(["web", "x"]),
                         max_size=2)
DNS_PEER = {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "kube-system"}},
            "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}}}
PARTS = ClusterParts(api_server_addresses=("172.18.0.2",))


def deployment(name: str, ns: str, labels: dict[str, str]) -> dict[str, Any]:
    return {"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": name, "namespace": ns},
            "spec": {"selector": {"matchLabels": labels or {"app": "d"}}, "template": {
                "metadata": {"labels": labels or {"app": "d"}},
                "spec": {"containers": [{"name": "c", "image": "i"}]}}}}


@st.composite
def cluster(draw: Any) -> list[dict[str, Any]]:
    objs: list[dict[str, Any]] = [namespace("a", team="a"), namespace("b")]
    for i in range(draw(st.integers(1, 4))):
        name = draw(st.sampled_from(NAMES)).lower() if i else "web"
        ns = draw(st.sampled_from(["a", "b"]))
        if draw(st.booleans()):
            objs.append(pod(name, ns, ip=draw(st.sampled_from([None, "10.1.2.3"])),
                            **draw(LABELS)))
        else:
            objs.append(deployment(name, ns, draw(LABELS)))
    objs.append(np("deny", "a", policyTypes=["Ingress", "Egress"]))
    objs.append(np("dns", "a", policyTypes=["Egress"], egress=[{"to": [DNS_PEER]}]))
    if draw(st.booleans()):
        objs.append(np("out", "b", policyTypes=["Egress"], egress=[{"to": [
            {"ipBlock": {"cidr": "10.0.0.0/8", "except": ["10.1.0.0/16"]}},
            {"ipBlock": {"cidr": "2001:db8::/32"}}]}, {"to": [
            {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "c"}}}],
            "ports": [{"port": 443}]}]))
    return objs


OBJECT_RULES = {"NK001", "NK003", "NK010"}  # the object itself; other rules look across objects


def errors(objects: list[dict[str, Any]], rules: set[str] | None = None
           ) -> set[tuple[str, str, str]]:
    return {(f.rule, f.object, f.message) for f in validate(objects)
            if f.severity == "error" and (rules is None or f.rule in rules)}


@settings(max_examples=25, deadline=None)
@given(cluster(), st.sampled_from([53, 443, 6443, 65535]), st.sampled_from(["TCP", "UDP", "SCTP"]))
def test_every_suggested_fix_validates(objs: list[dict[str, Any]], port: int,
                                       protocol: str) -> None:
    r = reachability(objs, parts=PARTS)
    fixes: list[dict[str, Any]] = []
    for src in r.endpoints:
        for dst in r.endpoints:
            x = explain(r, src.id, dst.id, port, protocol, workloads={src.id})
            if x.allowed:
                continue
            assert x.fix, (src.id, dst.id)
            fixed = reachability([*objs, *x.fix], parts=PARTS)
            assert fixed.allowed(src.id, dst.id, port, protocol), x.fix_yaml()
            fixes += x.fix
    assert not errors(fixes, OBJECT_RULES), fixes
    unique = list({(f["metadata"]["namespace"], f["metadata"]["name"]): f for f in fixes}.values())
    assert errors([*objs, *unique]) <= errors(objs)


def test_a_fix_towards_unknown_pods_has_a_name() -> None:
    objs = [pod("web", "a", app="web"), np("deny", "a", policyTypes=["Egress"]),
            np("out", "a", policyTypes=["Egress"], egress=[{"to": [
                {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "c"}}}],
                "ports": [{"port": 9999}]}])]
    x = explain(reachability(objs), "a/web", "c/*", 80)
    assert [p["metadata"]["name"] for p in x.fix] == ["allow-egress-web-to-all-pods"]
    assert not errors(x.fix, OBJECT_RULES)


def test_fixes_for_kinds_sharing_a_name_have_their_own_names() -> None:
    objs = [pod("web", "a", app="web"), deployment("web", "a", {"app": "web2"}),
            pod("api", "a", app="api"), np("deny", "a", policyTypes=["Egress"])]
    r = reachability(objs)
    names = {explain(r, src, "a/api", 80).fix[0]["metadata"]["name"]
             for src in ("a/pod/web", "a/deployment/web")}
    assert names == {"allow-egress-pod-web-to-api", "allow-egress-deployment-web-to-api"}
