"""The engine agrees with the brute-force evaluator on random clusters and policies."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from netkit import reachability
from tests.analysis.reference import allowed
from tests.analysis.reference_tiers import verdict

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


# -- policy tiers and Cilium ------------------------------------------------------------------

ACTIONS = ["Accept", "Deny", "Pass"]
ENTITIES = ["world", "cluster", "all", "host"]
DOMAINS = ["api.example.com", "*.example.com", "example.org"]
ns_selector = st.one_of(st.just({}), st.builds(
    lambda n: {"matchLabels": {"kubernetes.io/metadata.name": n}}, st.sampled_from(NAMESPACES)),
    selector)
pods_peer = st.builds(lambda n, p: {"namespaceSelector": n, "podSelector": p}, ns_selector,
                      selector)
subject = st.one_of(st.builds(lambda n: {"namespaces": n}, ns_selector),
                    st.builds(lambda p: {"pods": p}, pods_peer))
destination_port = st.one_of(
    st.just({}), st.builds(lambda n: {"destinationPort": {"number": n}}, st.sampled_from(PORTS)),
    st.builds(lambda n: {"destinationPort": {"range": {"start": n, "end": n + 10}}},
              st.sampled_from(PORTS)))
protocol_match = st.one_of(
    st.builds(lambda p, d: {p.lower(): d}, st.sampled_from(PROTOCOLS), destination_port),
    st.builds(lambda n: {"destinationNamedPort": n}, st.sampled_from(PORT_NAMES)))
v1alpha1_port = st.one_of(
    st.builds(lambda n, p: {"portNumber": {"port": n, "protocol": p}}, st.sampled_from(PORTS),
              st.sampled_from(PROTOCOLS)),
    st.builds(lambda n, p: {"portRange": {"start": n, "end": n + 10, "protocol": p}},
              st.sampled_from(PORTS), st.sampled_from(PROTOCOLS)),
    st.builds(lambda n: {"namedPort": n}, st.sampled_from(PORT_NAMES)))


@st.composite
def tier_peer(draw: Any, direction: str) -> dict[str, Any]:
    choices = [st.builds(lambda n: {"namespaces": n}, ns_selector),
               st.builds(lambda p: {"pods": p}, pods_peer)]
    if direction == "egress":
        choices += [st.builds(lambda c: {"networks": c}, st.lists(st.sampled_from(CIDRS),
                                                                  min_size=1, max_size=2)),
                    st.builds(lambda d: {"domainNames": d}, st.lists(st.sampled_from(DOMAINS),
                                                                     min_size=1, max_size=2))]
    return dict(draw(st.one_of(*choices)))


@st.composite
def tier_policy(draw: Any, i: int) -> dict[str, Any]:
    kind = draw(st.sampled_from(["ClusterNetworkPolicy", "AdminNetworkPolicy",
                                 "BaselineAdminNetworkPolicy"]))
    v1alpha1 = kind != "ClusterNetworkPolicy"
    actions = ["Allow", "Deny"] if kind == "BaselineAdminNetworkPolicy" else (
        ["Allow", "Deny", "Pass"] if v1alpha1 else ACTIONS)
    spec: dict[str, Any] = {"subject": draw(subject)}
    if kind != "BaselineAdminNetworkPolicy":
        spec["priority"] = draw(st.integers(1, 3))
    if kind == "ClusterNetworkPolicy":
        spec["tier"] = draw(st.sampled_from(["Admin", "Baseline"]))
    for direction, key in (("ingress", "from"), ("egress", "to")):
        rules = []
        for _ in range(draw(st.integers(0, 2))):
            r: dict[str, Any] = {"action": draw(st.sampled_from(actions)),
                                 key: draw(st.lists(tier_peer(direction), min_size=1,
                                                    max_size=2))}
            if draw(st.booleans()):
                r["ports" if v1alpha1 else "protocols"] = draw(st.lists(
                    v1alpha1_port if v1alpha1 else protocol_match, min_size=1, max_size=2))
            rules.append(r)
        if rules:
            spec[direction] = rules
    name = "default" if kind == "BaselineAdminNetworkPolicy" else f"t{i}"
    version = "v1alpha2" if kind == "ClusterNetworkPolicy" else "v1alpha1"
    return {"apiVersion": f"policy.networking.k8s.io/{version}", "kind": kind,
            "metadata": {"name": name}, "spec": spec}


cilium_key = st.sampled_from(KEYS).flatmap(lambda k: st.sampled_from([k, f"k8s:{k}",
                                                                      f"any:{k}"]))
cilium_selector = st.one_of(
    st.just({}), st.builds(lambda k, v: {"matchLabels": {k: v}}, cilium_key,
                           st.sampled_from(VALUES)),
    st.builds(lambda n: {"matchLabels": {"k8s:io.kubernetes.pod.namespace": n}},
              st.sampled_from(NAMESPACES)),
    st.builds(lambda v: {"matchLabels": {"io.cilium.k8s.namespace.labels.team": v}},
              st.sampled_from(VALUES)),
    st.builds(lambda k: {"matchExpressions": [{"key": k, "operator": "Exists"}]}, cilium_key))
cilium_port = st.one_of(
    st.builds(lambda n, p: {"port": str(n), "protocol": p}, st.sampled_from(PORTS),
              st.sampled_from(["TCP", "UDP", "ANY"])),
    st.builds(lambda n: {"port": str(n), "endPort": n + 10}, st.sampled_from(PORTS)),
    st.builds(lambda n: {"port": n}, st.sampled_from(PORT_NAMES)),
    st.just({"port": "0", "protocol": "UDP"}))


@st.composite
def cilium_rule(draw: Any, direction: str, deny: bool) -> dict[str, Any]:
    p = "from" if direction == "ingress" else "to"
    out: dict[str, Any] = {}
    peer_kind = draw(st.sampled_from(["Endpoints", "Entities", "CIDR", "CIDRSet", "FQDNs",
                                      "none"]))
    if peer_kind == "Endpoints":
        out[f"{p}Endpoints"] = draw(st.lists(cilium_selector, min_size=1, max_size=2))
    elif peer_kind == "Entities":
        out[f"{p}Entities"] = draw(st.lists(st.sampled_from(ENTITIES), min_size=1, max_size=2))
    elif peer_kind == "CIDR":
        out[f"{p}CIDR"] = draw(st.lists(st.sampled_from(CIDRS), min_size=1, max_size=2))
    elif peer_kind == "CIDRSet":
        out[f"{p}CIDRSet"] = [draw(ip_block)]
    elif peer_kind == "FQDNs" and direction == "egress" and not deny:
        out["toFQDNs"] = [{"matchPattern" if "*" in d else "matchName": d}
                          for d in draw(st.lists(st.sampled_from(DOMAINS), min_size=1,
                                                 max_size=2))]
    if draw(st.booleans()):
        entry: dict[str, Any] = {"ports": draw(st.lists(cilium_port, min_size=1, max_size=2))}
        if not deny and draw(st.booleans()):
            entry["rules"] = {"http": [{"method": "GET"}]}
        out["toPorts"] = [entry]
    return out


@st.composite
def cilium_policy(draw: Any, i: int) -> dict[str, Any]:
    clusterwide = draw(st.booleans())
    spec: dict[str, Any] = {"endpointSelector": draw(cilium_selector)}
    for section in ("ingress", "ingressDeny", "egress", "egressDeny"):
        direction = section.removesuffix("Deny")
        if draw(st.integers(0, 2)) == 0:
            spec[section] = draw(st.lists(cilium_rule(direction, section.endswith("Deny")),
                                          min_size=1, max_size=2))
    if draw(st.integers(0, 3)) == 0:
        spec["enableDefaultDeny"] = {"ingress": draw(st.booleans()),
                                     "egress": draw(st.booleans())}
    md: dict[str, Any] = {"name": f"c{i}"}
    if not clusterwide:
        md["namespace"] = draw(st.sampled_from(NAMESPACES))
    return {"apiVersion": "cilium.io/v2",
            "kind": "CiliumClusterwideNetworkPolicy" if clusterwide else "CiliumNetworkPolicy",
            "metadata": md, "spec": spec}


@st.composite
def tiered_cluster(draw: Any) -> list[dict[str, Any]]:
    objs = draw(cluster())
    objs += [draw(tier_policy(i)) for i in range(draw(st.integers(0, 3)))]
    objs += [draw(cilium_policy(i)) for i in range(draw(st.integers(0, 3)))]
    banps = [o for o in objs if o["kind"] == "BaselineAdminNetworkPolicy"]
    return [o for o in objs if o["kind"] != "BaselineAdminNetworkPolicy"] + banps[:1]


@given(tiered_cluster())
@settings(max_examples=100, deadline=None)
def test_engine_matches_brute_force_with_tiers_and_cilium(objs: list[dict[str, Any]]) -> None:
    result = reachability(objs)
    namespaces = {o["metadata"]["name"]: {**o["metadata"].get("labels", {}),
                                          "kubernetes.io/metadata.name": o["metadata"]["name"]}
                  for o in objs if o["kind"] == "Namespace"}
    probe_ports = [1, 53, 80, 85, 90, 91, 443, 9000, 9010, 9015, 9016]
    for src in result.endpoints:
        for dst in result.endpoints:
            if src.id == dst.id:
                continue
            ports, l7 = result.group_flow(result.group(src.id), result.group(dst.id))
            for protocol in PROTOCOLS:
                for number in probe_ports:
                    expected = verdict(objs, namespaces, src, dst, number, protocol)
                    got = ("deny" if not ports.contains(number, protocol) else
                           "l7" if l7.contains(number, protocol) else "allow")
                    assert got == expected, (src.id, dst.id, protocol, number)
