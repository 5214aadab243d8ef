"""The engine agrees with the brute-force evaluator on random clusters and policies."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from netkit import reachability
from tests.analysis.reference import allowed

NAMESPACES = ["a", "b", "c"]
KEYS = ["app", "tier", "team"]
VALUES = ["x", "y", "z"]
PORT_NAMES = ["http", "dns", "metrics"]
PROTOCOLS = ["TCP", "UDP", "SCTP"]
PORTS = [53, 80, 443, 8080, 9000, 9005]
CIDRS = ["10.0.0.0/8", "10.1.0.0/16", "10.1.2.0/24", "192.168.0.0/16", "0.0.0.0/0",
         "10.1.2.3/8", "2001:db8::/32"]
IPS = [None, "10.1.2.5", "10.9.0.1", "192.168.1.1", "172.16.0.1"]

labels = st.dictionaries(st.sampled_from(KEYS), st.sampled_from(VALUES), max_size=2)
expression = st.builds(lambda k, op, vs: {"key": k, "operator": op, "values": vs},
                       st.sampled_from(KEYS), st.sampled_from(["In", "NotIn"]),
                       st.lists(st.sampled_from(VALUES), min_size=1, max_size=2)) | st.builds(
    lambda k, op: {"key": k, "operator": op}, st.sampled_from(KEYS),
    st.sampled_from(["Exists", "DoesNotExist"]))
selector = st.one_of(
    st.just({}), st.builds(lambda m: {"matchLabels": m}, labels),
    st.builds(lambda m, e: {"matchLabels": m, "matchExpressions": e}, labels,
              st.lists(expression, max_size=2)))
ip_block = st.builds(lambda c, x: {"cidr": c, "except": x} if x else {"cidr": c},
                     st.sampled_from(CIDRS), st.lists(st.sampled_from(CIDRS[1:4]), max_size=2))
peer = st.one_of(
    st.builds(lambda s: {"podSelector": s}, selector),
    st.builds(lambda s: {"namespaceSelector": s}, selector),
    st.builds(lambda s, n: {"podSelector": s, "namespaceSelector": n}, selector, selector),
    st.builds(lambda b: {"ipBlock": b}, ip_block))
port = st.one_of(
    st.builds(lambda p: {"protocol": p}, st.sampled_from(PROTOCOLS)),
    st.builds(lambda n: {"port": n}, st.sampled_from(PORTS)),
    st.builds(lambda n, p: {"port": n, "protocol": p}, st.sampled_from(PORT_NAMES),
              st.sampled_from(PROTOCOLS)),
    st.builds(lambda n, p: {"port": n, "endPort": n + 10, "protocol": p},
              st.sampled_from(PORTS), st.sampled_from(PROTOCOLS)))


@st.composite
def rule(draw: Any, key: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if draw(st.booleans()):
        out[key] = draw(st.lists(peer, max_size=3))
    if draw(st.booleans()):
        out["ports"] = draw(st.lists(port, max_size=3))
    return out


@st.composite
def policy(draw: Any, i: int) -> dict[str, Any]:
    spec: dict[str, Any] = {"podSelector": draw(selector)}
    if draw(st.booleans()):
        spec["ingress"] = draw(st.lists(rule("from"), max_size=2))
    if draw(st.booleans()):
        spec["egress"] = draw(st.lists(rule("to"), max_size=2))
    types = draw(st.sampled_from([None, ["Ingress"], ["Egress"], ["Ingress", "Egress"]]))
    if types:
        spec["policyTypes"] = types
    return {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
            "metadata": {"name": f"p{i}", "namespace": draw(st.sampled_from(NAMESPACES))},
            "spec": spec}


@st.composite
def pod(draw: Any, i: int) -> dict[str, Any]:
    ports = draw(st.lists(st.tuples(st.sampled_from(PORT_NAMES), st.sampled_from(PORTS),
                                    st.sampled_from(PROTOCOLS)),
                          max_size=3, unique_by=lambda t: t[0]))
    obj: dict[str, Any] = {
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": f"pod{i}", "namespace": draw(st.sampled_from(NAMESPACES)),
                     "labels": draw(labels)},
        "spec": {"containers": [{"name": "c", "ports": [
            {"name": n, "containerPort": p, "protocol": proto} for n, p, proto in ports]}]}}
    ip = draw(st.sampled_from(IPS))
    if ip:
        obj["status"] = {"podIP": ip}
    return obj


@st.composite
def cluster(draw: Any) -> list[dict[str, Any]]:
    objs = []
    for ns in NAMESPACES:
        if draw(st.booleans()):
            objs.append({"apiVersion": "v1", "kind": "Namespace",
                         "metadata": {"name": ns, "labels": draw(labels)}})
    objs += [draw(pod(i)) for i in range(draw(st.integers(1, 5)))]
    objs += [draw(policy(i)) for i in range(draw(st.integers(0, 5)))]
    return objs


@given(cluster())
@settings(max_examples=300, deadline=None)
def test_engine_matches_brute_force(objs: list[dict[str, Any]]) -> None:
    result = reachability(objs)
    policies = [o for o in objs if o["kind"] == "NetworkPolicy"]
    namespaces = {o["metadata"]["name"]: {**o["metadata"].get("labels", {}),
                                          "kubernetes.io/metadata.name": o["metadata"]["name"]}
                  for o in objs if o["kind"] == "Namespace"}
    probe_ports = sorted({p + d for p in PORTS for d in (0, 5, 10, 11)} | {1, 65535})
    for src in result.endpoints:
        for dst in result.endpoints:
            ports = result.ports(src.id, dst.id)
            for protocol in PROTOCOLS:
                for number in probe_ports:
                    expected = allowed(policies, namespaces, src, dst, number, protocol)
                    assert ports.contains(number, protocol) == expected, (
                        src.id, dst.id, protocol, number)
