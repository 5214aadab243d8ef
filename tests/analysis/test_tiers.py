"""Hand-checked verdicts for the policy tiers (DESIGN section 6): each action of the Admin and
Baseline tiers against NetworkPolicy, priority and rule order, ports, and Cilium policies."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from netkit import reachability
from netkit.analysis.explain import explain
from netkit.cli import app
from tests.analysis.test_semantics import namespace, np, pod

runner = CliRunner()
SHOP, MON = namespace("shop", team="shop"), namespace("monitoring", team="platform")
WEB = pod("web", "shop", "10.0.0.10", app="web")
DB = pod("db", "shop", "10.0.0.11", [{"name": "pg", "containerPort": 5432}], app="db")
PROM = pod("prom", "monitoring", "10.0.1.5", app="prom")
BASE = [SHOP, MON, WEB, DB, PROM]
DENY_DB_INGRESS = np("deny-db", "shop", podSelector={"matchLabels": {"app": "db"}},
                     policyTypes=["Ingress"])
ALLOW_WEB_TO_DB = np("allow-web", "shop", podSelector={"matchLabels": {"app": "db"}},
                     ingress=[{"from": [{"podSelector": {"matchLabels": {"app": "web"}}}]}])
ALL_NAMESPACES: dict[str, Any] = {"namespaces": {}}
FROM_WEB = [{"pods": {"namespaceSelector": {}, "podSelector": {"matchLabels": {"app": "web"}}}}]


def cnp(name: str, tier: str = "Admin", priority: int = 10, *, version: str = "v1alpha2",
        subject: dict[str, Any] | None = None, **rules: Any) -> dict[str, Any]:
    spec: dict[str, Any] = {"tier": tier, "priority": priority,
                            "subject": subject or ALL_NAMESPACES, **rules}
    return {"apiVersion": f"policy.networking.k8s.io/{version}", "kind": "ClusterNetworkPolicy",
            "metadata": {"name": name}, "spec": spec}


def ingress_rule(action: str, peers: list[dict[str, Any]] | None = None, name: str = "",
                 **extra: Any) -> dict[str, Any]:
    return {"name": name or action.lower(), "action": action, "from": peers or FROM_WEB,
            **extra}


def ok(objs: list[dict[str, Any]], src: str = "shop/web", dst: str = "shop/db",
       port: int = 5432, protocol: str = "TCP") -> bool:
    return reachability(objs).allowed(src, dst, port, protocol)


# -- Admin tier ---------------------------------------------------------------------------------

def test_admin_accept_wins_over_a_denying_network_policy() -> None:
    accept = cnp("allow-web", ingress=[ingress_rule("Accept")])
    assert not ok([*BASE, DENY_DB_INGRESS])
    assert ok([*BASE, DENY_DB_INGRESS, accept])
    assert not ok([*BASE, DENY_DB_INGRESS, accept], "monitoring/prom")  # not its peer


@pytest.mark.parametrize("version", ["v1alpha2", "v1beta1"])
def test_admin_deny_wins_over_an_allowing_network_policy(version: str) -> None:
    deny = cnp("guardrails", version=version, ingress=[ingress_rule("Deny")])
    assert ok([*BASE, ALLOW_WEB_TO_DB])
    assert not ok([*BASE, ALLOW_WEB_TO_DB, deny])


@pytest.mark.parametrize(("policies", "expected"), [
    ([], True),  # nothing selects db: Pass reaches the default, allow
    ([ALLOW_WEB_TO_DB], True),  # NetworkPolicy decides: allowed
    ([DENY_DB_INGRESS], False),  # NetworkPolicy decides: denied
])
def test_admin_pass_hands_the_connection_to_network_policy(policies: list[dict[str, Any]],
                                                            expected: bool) -> None:
    passing = cnp("delegate", ingress=[ingress_rule("Pass")])
    later_deny = cnp("later", priority=20, ingress=[ingress_rule("Deny")])
    assert ok([*BASE, *policies, passing, later_deny]) is expected


def test_admin_pass_then_baseline_when_no_network_policy_selects() -> None:
    passing = cnp("delegate", ingress=[ingress_rule("Pass")])
    baseline_deny = cnp("default-deny", "Baseline", ingress=[ingress_rule("Deny")])
    assert not ok([*BASE, passing, baseline_deny])
    assert ok([*BASE, passing, baseline_deny, ALLOW_WEB_TO_DB])


@pytest.mark.parametrize(("first", "second", "expected"), [
    ("Accept", "Deny", True), ("Deny", "Accept", False), ("Pass", "Deny", True),
    ("Deny", "Pass", False), ("Accept", "Pass", True), ("Pass", "Accept", True),
])
def test_lower_priority_number_decides_first(first: str, second: str, expected: bool) -> None:
    a = cnp("b-first", priority=5, ingress=[ingress_rule(first)])
    b = cnp("a-second", priority=50, ingress=[ingress_rule(second)])
    # after a Pass, NetworkPolicy (none here) and Baseline (none) leave the default: allow
    assert ok([*BASE, b, a]) is expected


def test_rule_order_within_a_policy_and_ties_broken_by_name() -> None:
    ordered = cnp("one", ingress=[ingress_rule("Deny", name="deny-pg",
                                               protocols=[{"tcp": {"destinationPort":
                                                                   {"number": 5432}}}]),
                                  ingress_rule("Accept", name="rest")])
    objs = [*BASE, DENY_DB_INGRESS, ordered]
    assert not ok(objs, port=5432) and ok(objs, port=80) and ok(objs, port=53, protocol="UDP")
    tie_a = cnp("a", priority=3, ingress=[ingress_rule("Deny")])
    tie_b = cnp("b", priority=3, ingress=[ingress_rule("Accept")])
    assert not ok([*BASE, tie_b, tie_a])  # undefined upstream; netkit orders by name


def test_admin_ports_named_ranges_and_protocols() -> None:
    named = cnp("pg", ingress=[ingress_rule("Accept",
                                             protocols=[{"destinationNamedPort": "pg"}])])
    objs = [*BASE, DENY_DB_INGRESS, named]
    assert ok(objs, port=5432) and not ok(objs, port=5433)
    ranged = cnp("range", ingress=[ingress_rule("Deny", protocols=[
        {"udp": {"destinationPort": {"range": {"start": 50, "end": 60}}}}, {"sctp": {}}])])
    objs = [*BASE, ranged]
    assert not ok(objs, port=53, protocol="UDP") and ok(objs, port=61, protocol="UDP")
    assert ok(objs, port=53) and not ok(objs, port=1, protocol="SCTP")


def test_subjects_and_peers_by_namespace_and_pods() -> None:
    only_monitoring = cnp("mon", subject={"namespaces": {"matchLabels": {"team": "platform"}}},
                          ingress=[ingress_rule("Deny", [{"namespaces": {"matchLabels":
                                                                         {"team": "shop"}}}])])
    objs = [*BASE, only_monitoring]
    assert not ok(objs, "shop/web", "monitoring/prom", 9090)
    assert ok(objs, "shop/web", "shop/db") and ok(objs, "monitoring/prom", "shop/db")
    pods_subject = cnp("db-only", subject={"pods": {"namespaceSelector": {},
                                                    "podSelector": {"matchLabels":
                                                                    {"app": "db"}}}},
                       ingress=[ingress_rule("Deny", [ALL_NAMESPACES])])
    objs = [*BASE, pods_subject]
    assert not ok(objs) and not ok(objs, "monitoring/prom") and ok(objs, "shop/db", "shop/web")


def test_networks_match_pod_addresses_too() -> None:
    """Upstream: cluster-internal traffic is checked against networks peers as well."""
    deny_all_v4 = cnp("no-egress", egress=[{"name": "all-v4", "action": "Deny",
                                            "to": [{"networks": ["0.0.0.0/0"]}]}])
    objs = [*BASE, deny_all_v4]
    assert not ok(objs)  # db's 10.0.0.11 is in 0.0.0.0/0
    carve = cnp("pods-first", priority=1, egress=[{"name": "pods", "action": "Pass",
                                                   "to": [ALL_NAMESPACES]}])
    assert ok([*objs, carve])


# -- Baseline tier ------------------------------------------------------------------------------

def test_baseline_applies_only_where_no_network_policy_selects() -> None:
    deny = cnp("default-deny", "Baseline", ingress=[ingress_rule("Deny", [ALL_NAMESPACES])])
    assert not ok([*BASE, deny])
    assert ok([*BASE, deny, ALLOW_WEB_TO_DB])  # NetworkPolicy selects db: baseline unused
    other_port_np = np("only-80", "shop", podSelector={"matchLabels": {"app": "db"}},
                       ingress=[{"ports": [{"port": 80}]}])
    assert not ok([*BASE, deny, other_port_np])  # selected, so NetworkPolicy denies 5432
    accept = cnp("allow-web", "Baseline", ingress=[ingress_rule("Accept")])
    assert ok([*BASE, accept, deny]) and not ok([*BASE, deny, accept], "monitoring/prom")


def test_baseline_accept_and_deny_by_order() -> None:
    first_accept = cnp("b", "Baseline", priority=1, ingress=[ingress_rule("Accept")])
    then_deny = cnp("a", "Baseline", priority=2, ingress=[ingress_rule("Deny")])
    assert ok([*BASE, first_accept, then_deny])
    assert not ok([*BASE, cnp("b", "Baseline", priority=3, ingress=[ingress_rule("Accept")]),
                   then_deny])


# -- the older v1alpha1 kinds -------------------------------------------------------------------

def anp(name: str, priority: int, **spec: Any) -> dict[str, Any]:
    return {"apiVersion": "policy.networking.k8s.io/v1alpha1", "kind": "AdminNetworkPolicy",
            "metadata": {"name": name},
            "spec": {"priority": priority, "subject": ALL_NAMESPACES, **spec}}


def banp(**spec: Any) -> dict[str, Any]:
    return {"apiVersion": "policy.networking.k8s.io/v1alpha1",
            "kind": "BaselineAdminNetworkPolicy", "metadata": {"name": "default"},
            "spec": {"subject": ALL_NAMESPACES, **spec}}


def test_admin_and_baseline_admin_network_policy() -> None:
    allow = anp("allow", 5, ingress=[{"action": "Allow", "from": FROM_WEB,
                                      "ports": [{"portNumber": {"port": 5432,
                                                                "protocol": "TCP"}}]}])
    deny_rest = banp(ingress=[{"action": "Deny", "from": [ALL_NAMESPACES]}])
    objs = [*BASE, allow, deny_rest]
    assert ok(objs) and not ok(objs, port=5433) and not ok(objs, "monitoring/prom")
    passing = anp("pass", 1, ingress=[{"action": "Pass", "from": FROM_WEB,
                                       "ports": [{"namedPort": "pg"}]}])
    assert not ok([*objs, passing])  # Pass skips allow (priority 5) and reaches the BANP
    ranged = anp("range", 1, egress=[{"action": "Deny", "to": [ALL_NAMESPACES],
                                      "ports": [{"portRange": {"start": 5000, "end": 6000}}]}])
    assert not ok([*BASE, ranged]) and ok([*BASE, ranged], port=6001)


# -- Cilium -------------------------------------------------------------------------------------

def cilium(name: str, ns: str | None = "shop", **spec: Any) -> dict[str, Any]:
    md: dict[str, Any] = {"name": name}
    if ns:
        md["namespace"] = ns
    return {"apiVersion": "cilium.io/v2",
            "kind": "CiliumNetworkPolicy" if ns else "CiliumClusterwideNetworkPolicy",
            "metadata": md, "spec": spec}


DB_SELECTOR = {"matchLabels": {"app": "db"}}


def test_cilium_selecting_isolates_and_peers_stay_in_the_namespace() -> None:
    policy = cilium("db", endpointSelector=DB_SELECTOR,
                    ingress=[{"fromEndpoints": [{}], "toPorts": [{"ports": [{"port": "5432"}]}]}])
    objs = [*BASE, policy]
    assert ok(objs) and not ok(objs, port=80) and not ok(objs, "monitoring/prom")
    cross = cilium("db2", endpointSelector=DB_SELECTOR, ingress=[{"fromEndpoints": [
        {"matchLabels": {"k8s:io.kubernetes.pod.namespace": "monitoring",
                         "k8s:app": "prom"}}]}])
    assert ok([*BASE, cross], "monitoring/prom", port=9) and not ok([*BASE, cross])
    by_ns_label = cilium("db3", endpointSelector=DB_SELECTOR, ingress=[{"fromEndpoints": [
        {"matchLabels": {"io.cilium.k8s.namespace.labels.team": "platform"}}]}])
    assert ok([*BASE, by_ns_label], "monitoring/prom") and not ok([*BASE, by_ns_label])


def test_cilium_empty_rule_isolates_and_allows_nothing() -> None:
    assert not ok([*BASE, cilium("db", endpointSelector=DB_SELECTOR, ingress=[{}])])
    relaxed = cilium("db", endpointSelector=DB_SELECTOR, ingress=[{}],
                     enableDefaultDeny={"ingress": False})
    assert ok([*BASE, relaxed])


def test_cilium_deny_wins_over_every_allow() -> None:
    deny = cilium("no-web", endpointSelector=DB_SELECTOR, ingressDeny=[
        {"fromEndpoints": [{"matchLabels": {"app": "web"}}],
         "toPorts": [{"ports": [{"port": "5432", "protocol": "ANY"}]}]}])
    allow_all = cilium("all", endpointSelector=DB_SELECTOR,
                       ingress=[{"fromEntities": ["all"]}])
    objs = [*BASE, ALLOW_WEB_TO_DB, allow_all, deny]
    assert not ok(objs) and ok(objs, port=80) and not ok(objs, port=5432, protocol="UDP")
    assert ok(objs, "monitoring/prom")
    # an Admin-tier Accept is decided before the NetworkPolicy layer and its Cilium denies
    assert ok([*objs, cnp("admin", ingress=[ingress_rule("Accept")])])
    x = explain(reachability(objs), "shop/web", "shop/db", 5432)
    assert x.ingress.note == "denied by CiliumNetworkPolicy shop/no-web ingressDeny[0]"
    assert x.fix == [] and x.ingress.tier == "NetworkPolicy"


def test_cilium_entities_cidrs_and_fqdns() -> None:
    egress = cilium("web-out", endpointSelector={"matchLabels": {"app": "web"}}, egress=[
        {"toEntities": ["cluster"], "toPorts": [{"ports": [{"port": "5432", "protocol": "TCP"}]}]},
        {"toCIDRSet": [{"cidr": "192.168.0.0/16", "except": ["192.168.1.0/24"]}]},
        {"toFQDNs": [{"matchPattern": "*.example.com"}],
         "toPorts": [{"ports": [{"port": "443", "endPort": 444, "protocol": "TCP"}],
                      "rules": {"http": [{"method": "GET"}]}}]}])
    deny_net = np("deny", "shop", podSelector={}, policyTypes=["Egress"],
                  egress=[{"to": [{"ipBlock": {"cidr": "192.168.1.0/24"}}]}])
    r = reachability([*BASE, egress, deny_net])
    assert r.allowed("shop/web", "shop/db", 5432) and not r.allowed("shop/web", "shop/db", 80)
    assert r.allowed("shop/web", "ext/192.168.0.0/16", 1)
    assert r.allowed("shop/web", "ext/192.168.1.0/24", 1)  # NetworkPolicy allows it
    flow = next(f for f in r.flows()
                if (f.src.id, f.dst.id) == ("shop/web", "fqdn/*.example.com"))
    assert flow.ports.describe() == "TCP 443-444" and flow.l7 == flow.ports
    assert flow.to_json()["filtered_at_l7"]["TCP"] == [[443, 444]]
    # Cilium CIDR rules never match pods, even when the pod address is inside
    by_cidr = cilium("db", endpointSelector=DB_SELECTOR, ingress=[{"fromCIDR": ["10.0.0.0/8"]}])
    assert not ok([*BASE, by_cidr])


def test_clusterwide_cilium_policy_spans_namespaces() -> None:
    everywhere = cilium("ingress-from-prom", None, endpointSelector={},
                        ingress=[{"fromEndpoints": [{"matchLabels": {"app": "prom"}}]}])
    objs = [*BASE, everywhere]
    assert ok(objs, "monitoring/prom") and not ok(objs)
    assert not ok(objs, "shop/db", "shop/web", 80)


# -- why, diff and findings on kubectl-shaped input ---------------------------------------------

KUBECTL_LIST = """\
apiVersion: v1
kind: List
metadata:
  resourceVersion: ""
items:
- apiVersion: policy.networking.k8s.io/v1alpha2
  kind: ClusterNetworkPolicy
  metadata:
    annotations:
      kubectl.kubernetes.io/last-applied-configuration: |
        {"apiVersion":"policy.networking.k8s.io/v1alpha2","kind":"ClusterNetworkPolicy"}
    creationTimestamp: "2026-11-02T09:14:03Z"
    generation: 3
    name: platform-guardrails
    resourceVersion: "918273"
    uid: 5f0c1c2e-8f7a-4c43-9a51-0d6c3a3c7e10
  spec:
    tier: Admin
    priority: 10
    subject:
      namespaces: {}
    egress:
    - name: allow-dns
      action: Accept
      to:
      - pods:
          namespaceSelector:
            matchLabels: {kubernetes.io/metadata.name: kube-system}
          podSelector:
            matchLabels: {k8s-app: kube-dns}
    - name: no-databases-from-web
      action: Deny
      to:
      - pods:
          namespaceSelector: {}
          podSelector:
            matchLabels: {app: db}
      protocols:
      - tcp:
          destinationPort: {number: 5432}
  status:
    conditions:
    - lastTransitionTime: "2026-11-02T09:14:04Z"
      message: Setting up policy
      reason: SetupSucceeded
      status: "True"
      type: Ready
- apiVersion: networking.k8s.io/v1
  kind: NetworkPolicy
  metadata:
    name: allow-web
    namespace: shop
    resourceVersion: "918001"
    uid: 0b7c0c55-6a0e-4c3f-8a3b-2b8f1e0f6d11
  spec:
    podSelector:
      matchLabels: {app: web}
    policyTypes: [Egress]
    egress:
    - to:
      - podSelector:
          matchLabels: {app: db}
- apiVersion: v1
  kind: Pod
  metadata:
    labels: {app: web}
    name: web
    namespace: shop
    uid: 1d3b0f3e-2f55-4b6e-9e0c-5f4c1c9a7a21
  spec:
    containers:
    - image: nginx:1.27
      name: web
  status:
    phase: Running
    podIP: 10.0.0.10
- apiVersion: v1
  kind: Pod
  metadata:
    labels: {app: db}
    name: db
    namespace: shop
  spec:
    containers:
    - image: postgres:17
      name: db
      ports:
      - {containerPort: 5432, name: pg, protocol: TCP}
  status:
    phase: Running
    podIP: 10.0.0.11
"""


@pytest.fixture
def dump(tmp_path: Path) -> Path:
    path = tmp_path / "cluster.yaml"
    path.write_text(KUBECTL_LIST)
    return path


def test_why_names_the_tier_and_rule_that_decided(dump: Path) -> None:
    result = runner.invoke(app, ["why", "shop/web", "shop/db", str(dump), "--port", "5432"])
    assert result.exit_code == 1, result.output  # denied
    assert "egress at shop/web: DENIES (Admin tier)" in result.stdout
    assert ('denied by ClusterNetworkPolicy platform-guardrails (Admin, priority 10), rule 2 '
            '"no-databases-from-web"; NetworkPolicy shop/allow-web was not consulted'
            ) in result.stdout
    assert "smallest fix" not in result.stdout and "no NetworkPolicy can allow this" in (
        result.stdout)
    data = json.loads(runner.invoke(app, ["why", "shop/web", "shop/db", str(dump), "--port",
                                          "5432", "--format", "json"]).stdout)
    assert data["egress"]["tier"] == "Admin" and data["fix"] == []
    assert data["egress"]["decided_by"] == {
        "layer": "Admin", "action": "Deny", "rule": 'egress[1] "no-databases-from-web"',
        "policy": "ClusterNetworkPolicy platform-guardrails (Admin, priority 10)"}
    assert data["egress"]["not_consulted"] == ["NetworkPolicy shop/allow-web"]
    allowed = json.loads(runner.invoke(app, ["why", "shop/web", "shop/db", str(dump),
                                             "--port", "80", "--format", "json"]).stdout)
    assert allowed["allowed"] and allowed["egress"]["tier"] == "NetworkPolicy"
    assert allowed["egress"]["allowed_by"] == [{"policy": "shop/allow-web",
                                                "rule": "egress[0]"}]


def test_why_filtered_at_l7(tmp_path: Path) -> None:
    path = tmp_path / "l7.yaml"
    path.write_text(json.dumps({"apiVersion": "v1", "kind": "List", "items": [
        WEB, DB, cilium("db-http", endpointSelector=DB_SELECTOR, ingress=[{
            "fromEndpoints": [{"matchLabels": {"app": "web"}}],
            "toPorts": [{"ports": [{"port": "pg"}], "rules": {"kafka": [{"topic": "x"}]}}]}])]}))
    result = runner.invoke(app, ["why", "shop/web", "shop/db", str(path), "--port", "5432"])
    assert "ALLOWED at L4, filtered at L7" in result.stdout
    assert "CiliumNetworkPolicy shop/db-http ingress[0], filtered at L7 (kafka)" in (
        result.stdout)


def test_diff_names_the_tier_that_closes_a_flow(dump: Path, tmp_path: Path) -> None:
    base = tmp_path / "base.yaml"
    base.write_text(KUBECTL_LIST.replace("action: Deny", "action: Pass"))
    result = runner.invoke(app, ["diff", str(base), str(dump), "--format", "json"])
    removed = json.loads(result.stdout)["removed"]
    assert [(c["from"], c["to"], c["ports"]) for c in removed] == [
        ("shop/web", "shop/db", [[5432, 5432]])]
    assert removed[0]["decided_by"] == [{
        "side": "egress", "layer": "Admin", "action": "Deny",
        "policy": "ClusterNetworkPolicy platform-guardrails (Admin, priority 10)",
        "rule": 'egress[1] "no-databases-from-web"'}]
    text = runner.invoke(app, ["diff", str(base), str(dump)]).stdout
    assert ('- shop/web -> shop/db TCP 5432  (egress: Admin ClusterNetworkPolicy '
            'platform-guardrails (Admin, priority 10) egress[1] "no-databases-from-web")'
            ) in text


def test_policies_not_analysed_are_reported(tmp_path: Path) -> None:
    path = tmp_path / "mesh.yaml"
    path.write_text("""\
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: deny-all, namespace: shop}
spec: {}
---
apiVersion: policy.linkerd.io/v1beta3
kind: Server
metadata: {name: db, namespace: shop}
spec:
  podSelector:
    matchLabels: {app: db}
  port: pg
""")
    result = runner.invoke(app, ["validate", str(path), "--format", "json"])
    found = [(f["rule"], f["object"]) for f in json.loads(result.stdout)["findings"]]
    assert ("NK201", "AuthorizationPolicy/shop/deny-all") in found
    assert ("NK201", "Server/shop/db") in found


def test_why_under_a_baseline_deny_fixes_with_a_network_policy_and_says_what_it_costs(
        tmp_path: Path) -> None:
    path = tmp_path / "baseline.yaml"
    deny = cnp("default-deny", "Baseline", ingress=[ingress_rule("Deny", [ALL_NAMESPACES])])
    path.write_text(json.dumps({"apiVersion": "v1", "kind": "List", "items": [*BASE, deny]}))
    result = runner.invoke(app, ["why", "shop/web", "shop/db", str(path), "--port", "5432"])
    assert "ingress at shop/db: DENIES (Baseline tier)" in result.stdout
    assert ('denied by ClusterNetworkPolicy default-deny (Baseline, priority 10), rule 1 "deny"'
            in result.stdout)
    assert "kind: NetworkPolicy" in result.stdout
    assert "note: no NetworkPolicy selects shop/db for ingress yet" in result.stdout


def test_cilium_parts_the_audit_cannot_resolve_are_reported(tmp_path: Path) -> None:
    path = tmp_path / "cnp.yaml"
    path.write_text(json.dumps(cilium("api", endpointSelector=DB_SELECTOR, ingress=[
        {"fromEndpoints": [{"matchLabels": {
            "io.cilium.k8s.policy.serviceaccount": "web"}}]},
        {"fromNodes": [{"matchLabels": {"node-role.kubernetes.io/control-plane": ""}}]}],
        egress=[{"toCIDRSet": [{"cidrGroupRef": "office"}]}])))
    result = runner.invoke(app, ["validate", str(path), "--format", "json"])
    found = sorted(f["field"] for f in json.loads(result.stdout)["findings"]
                   if f["rule"] == "NK203")
    assert found == ["spec.egress[0].toCIDRSet[0]", "spec.ingress[0].fromEndpoints[0]",
                     "spec.ingress[1].fromNodes"]


def test_why_fixes_egress_to_a_domain_name_with_a_cilium_policy_that_works() -> None:
    web_out = cilium("web-out", endpointSelector={"matchLabels": {"app": "web"}}, egress=[
        {"toFQDNs": [{"matchName": "api.example.com"}],
         "toPorts": [{"ports": [{"port": "443", "protocol": "TCP"}]}]}])
    objs = [*BASE, web_out]
    x = explain(reachability(objs), "shop/web", "fqdn/api.example.com", 80,
                workloads={"shop/web"})
    assert not x.allowed and [o["kind"] for o in x.fix] == ["CiliumNetworkPolicy"]
    assert x.blueprint_fix == 'shop.allow_egress_fqdn(web, "api.example.com", port=80)'
    fixed = reachability([*objs, *x.fix])
    assert fixed.allowed("shop/web", "fqdn/api.example.com", 80)
    assert fixed.allowed("shop/web", "shop/db", 53, "UDP") is False  # no kube-dns here
