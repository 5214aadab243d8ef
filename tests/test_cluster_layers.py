"""The layers around namespaces: cluster guardrails, mesh identity and mTLS, multi-cluster.
Snapshots per target, every emitted object against its bundled CRD (CEL included), bad
combinations as one-line errors, and NK140 where NetworkPolicy and the mesh disagree."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import kubernetes_validate
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netkit import Blueprint, NetkitError, Target
from netkit.constructs import (
    ClusterGuardrails,
    DnsEgress,
    MonitoringScrapes,
    Namespace,
    Service,
    ZeroTrustNamespace,
    any_pod_in,
    cidr,
)
from netkit.errors import CapabilityError, ConfigError, ConstructError
from netkit.testing import synth
from netkit.validate.crd_registry import CrdRegistry

REGISTRY = CrdRegistry()
CORE_KINDS = {"Namespace", "Service", "NetworkPolicy"}


def guardrails(target: Target) -> Blueprint:
    bp = Blueprint("guard", target=target)
    ClusterGuardrails(bp, "platform", priority=100,
                      dns=DnsEgress(node_local_address="169.254.20.10"),
                      monitoring=MonitoringScrapes(ports=(9090, 9100)),
                      tenant_label="tenant", tenants=["acme", "globex"],
                      exempt_namespaces=["kube-system", "monitoring"])
    return bp


def mesh(target: Target) -> Blueprint:
    bp = Blueprint("mesh", target=target)
    shop = ZeroTrustNamespace(bp, "shop")
    web = shop.workload("web", labels={"app": "web"}, ports={"http": 8080},
                        service_account="web")
    api = shop.workload("api", labels={"app": "api"}, ports={"http": 8080, "admin": 9000},
                        service_account="api")
    pay = ZeroTrustNamespace(bp, "payments")
    charge = pay.workload("charge", labels={"app": "charge"}, ports={"grpc": 9443})
    shop.allow(web, to=api, port="http")
    shop.allow(web, to=api, port="admin")
    shop.allow(any_pod_in("monitoring"), to=api, port="admin")
    pay.allow(api, to=charge, port="grpc")
    pay.allow(charge, to=cidr("203.0.113.0/24"), port=443)
    return bp


def multicluster(target: Target) -> Blueprint:
    bp = Blueprint("multi", target=target)
    pay = ZeroTrustNamespace(bp, "payments")
    api = pay.workload("api", labels={"app": "api"}, ports={"https": 8443})
    Service(pay, "api", workload=api, port=443, target_port="https", export=True)
    if target.cluster_mesh:
        pay.allow(any_pod_in("shop", pods={"app": "web"}, cluster="west"), to=api,
                  port="https")
        pay.allow(api, to=any_pod_in("ledger", cluster="west"), port=5432)
    return bp


SCENARIOS: dict[str, tuple[Callable[[Target], Blueprint], dict[str, Target]]] = {
    "guardrails": (guardrails, {
        "calico": Target(),
        "calico-npapi-0.3": Target(network_policy_api="0.3"),
        "cilium": Target(cni="cilium"),
    }),
    "mesh": (mesh, {"istio": Target(mesh="istio"), "linkerd": Target(mesh="linkerd",
                                                                    cni="cilium")}),
    "multicluster": (multicluster, {
        "mcs": Target(cluster="east"),
        "clustermesh": Target(cni="cilium", cluster_mesh=True, cluster="east"),
    }),
}
CASES = [(s, t) for s, (_, targets) in sorted(SCENARIOS.items()) for t in sorted(targets)]


def build(scenario: str, target: str) -> Blueprint:
    fn, targets = SCENARIOS[scenario]
    return fn(targets[target])


def problems(obj: dict[str, Any]) -> list[str]:
    if obj["kind"] in CORE_KINDS:
        try:
            kubernetes_validate.validate(obj, "1.36.0", strict=True)
        except kubernetes_validate.ValidationError as exc:
            return [exc.message]
        return []
    schema = REGISTRY.get(obj["apiVersion"], obj["kind"])
    if schema is None:
        return [f"no bundled schema for {obj['apiVersion']} {obj['kind']}"]
    return [f"{e.path}: {e.message}" for e in schema.validate(obj)]


@pytest.mark.parametrize(("scenario", "target"), CASES)
def test_snapshot(scenario: str, target: str, yaml_snapshot: Any) -> None:
    assert synth(build(scenario, target)) == yaml_snapshot


@pytest.mark.parametrize(("scenario", "target"), CASES)
def test_emitted_objects_pass_their_bundled_crds(scenario: str, target: str) -> None:
    result = synth(build(scenario, target))
    # network-policy-api 0.3 (v1beta1) is not released: no CRD to bundle, so synth says so
    assert result.rules() == (["NK005"] if target == "calico-npapi-0.3" else [])
    checked = [o for o in result.objects
               if o["apiVersion"] != "policy.networking.k8s.io/v1beta1"]
    assert [(o["kind"], o["metadata"]["name"], p) for o in checked for p in problems(o)] == []


def test_guardrail_tiers_and_priorities() -> None:
    result = synth(guardrails(Target()))
    policies = {o["metadata"]["name"]: o["spec"] for o in result.by_kind("ClusterNetworkPolicy")}
    assert [(n, s["tier"], s["priority"]) for n, s in policies.items()] == [
        ("platform-allow-dns", "Admin", 100), ("platform-allow-monitoring", "Admin", 101),
        ("platform-deny-metadata", "Admin", 102), ("platform-tenant-acme", "Admin", 103),
        ("platform-tenant-globex", "Admin", 104), ("platform-baseline-deny", "Baseline", 100)]
    assert policies["platform-deny-metadata"]["egress"] == [
        {"name": "metadata", "action": "Deny", "to": [{"networks": ["169.254.169.254/32"]}]}]
    assert all(o["apiVersion"] == "policy.networking.k8s.io/v1alpha2"
               for o in result.by_kind("ClusterNetworkPolicy"))
    newer = synth(guardrails(Target(network_policy_api="0.3.1")))
    assert {o["apiVersion"] for o in newer.by_kind("ClusterNetworkPolicy")} == {
        "policy.networking.k8s.io/v1beta1"}


def test_cilium_guardrails_deny_with_deny_rules_and_isolate_only_in_the_baseline() -> None:
    result = synth(guardrails(Target(cni="cilium")))
    specs = {o["metadata"]["name"]: o["spec"]
             for o in result.by_kind("CiliumClusterwideNetworkPolicy")}
    assert specs["platform-deny-metadata"]["egressDeny"] == [
        {"toCIDR": ["169.254.169.254/32"]}]
    assert specs["platform-deny-metadata"]["enableDefaultDeny"] == {"egress": False}
    assert specs["platform-baseline-deny"]["enableDefaultDeny"] == {"egress": True,
                                                                     "ingress": True}
    tenant = specs["platform-tenant-acme"]
    assert tenant["endpointSelector"] == {
        "matchLabels": {"k8s:io.cilium.k8s.namespace.labels.tenant": "acme"}}
    assert result.by_kind("ClusterNetworkPolicy") == []


def test_istio_allows_by_principal_and_denies_the_rest_of_the_namespace() -> None:
    result = synth(mesh(Target(mesh="istio")))
    assert result.get("PeerAuthentication", "default", "shop")["spec"] == {
        "mtls": {"mode": "STRICT"}}
    assert result.get("AuthorizationPolicy", "allow-nothing", "shop")["spec"] == {}
    api = result.get("AuthorizationPolicy", "allow-api", "shop")["spec"]
    assert api["rules"][0] == {"from": [{"source": {"principals": [
        "cluster.local/ns/shop/sa/web"]}}], "to": [{"operation": {"ports": ["8080"]}}]}
    charge = result.get("AuthorizationPolicy", "allow-charge", "payments")["spec"]
    assert charge["rules"][0]["from"] == [{"source": {"principals": [
        "cluster.local/ns/shop/sa/api"]}}]
    assert result.get("NetworkPolicy", "allow-ingress-api", "shop")  # NetworkPolicy stays


def test_linkerd_authorizes_each_server_by_service_account() -> None:
    result = synth(mesh(Target(mesh="linkerd")))
    ns = result.get("Namespace", "payments")["metadata"]["annotations"]
    assert ns["config.linkerd.io/default-inbound-policy"] == "deny"
    assert result.get("Server", "charge-9443", "payments")["spec"]["port"] == 9443
    authn = result.get("MeshTLSAuthentication", "charge-9443-clients", "payments")
    assert authn["spec"]["identityRefs"] == [
        {"kind": "ServiceAccount", "name": "api", "namespace": "shop"}]
    assert result.get("AuthorizationPolicy", "charge-9443", "payments")["spec"]["targetRef"][
        "name"] == "charge-9443"


def test_workloads_default_to_the_default_service_account() -> None:
    bp = Blueprint("sa", target=Target(mesh="istio"))
    ns = ZeroTrustNamespace(bp, "app")
    a = ns.workload("a", labels={"app": "a"}, ports={"http": 80})
    b = ns.workload("b", labels={"app": "b"}, ports={"http": 80})
    ns.allow(a, to=b, port="http")
    assert a.service_account == "default"
    rules = synth(bp).get("AuthorizationPolicy", "allow-b")["spec"]["rules"]
    assert rules[0]["from"] == [{"source": {"principals": ["cluster.local/ns/app/sa/default"]}}]


def test_exports() -> None:
    mcs = synth(multicluster(Target(cluster="east")))
    assert mcs.get("ServiceExport", "api", "payments")["apiVersion"] == (
        "multicluster.x-k8s.io/v1alpha1")
    mesh_result = synth(multicluster(Target(cni="cilium", cluster_mesh=True)))
    annotations = mesh_result.get("Service", "api")["metadata"]["annotations"]
    assert annotations["service.cilium.io/global"] == "true"
    assert annotations["service.cilium.io/shared"] == "true"
    assert mesh_result.by_kind("ServiceExport") == []


def test_cross_cluster_peers_use_the_cilium_cluster_label() -> None:
    result = synth(multicluster(Target(cni="cilium", cluster_mesh=True, cluster="east")))
    spec = result.get("CiliumNetworkPolicy", "allow-remote-api", "payments")["spec"]
    assert spec["ingress"][0]["fromEndpoints"] == [{"matchLabels": {
        "io.cilium.k8s.policy.cluster": "west", "k8s:io.kubernetes.pod.namespace": "shop",
        "k8s:app": "web"}}]
    assert spec["egress"][0]["toEndpoints"][0]["matchLabels"][
        "io.cilium.k8s.policy.cluster"] == "west"
    # NetworkPolicy cannot name a cluster: the remote peer is not in it
    assert "allow-ingress-api" not in {o["metadata"]["name"]
                                       for o in result.by_kind("NetworkPolicy")}


def test_guardrails_of_different_clusters_may_share_priorities() -> None:
    one, two = Blueprint("one", target=Target(cluster="a")), Blueprint(
        "two", target=Target(cluster="b"))
    ClusterGuardrails(one, "g", priority=10)
    ClusterGuardrails(two, "g", priority=10)
    assert "a/_cluster/clusternetworkpolicy-g-allow-dns.yaml" in synth([one, two]).files


def test_one_run_renders_several_clusters_each_in_its_own_directory() -> None:
    east = multicluster(Target(cni="cilium", cluster_mesh=True, cluster="east"))
    west = Blueprint("west", target=Target(cni="cilium", cluster_mesh=True, cluster="west"))
    shop = ZeroTrustNamespace(west, "shop")
    web = shop.workload("web", labels={"app": "web"}, ports={"http": 8080})
    shop.allow(web, to=any_pod_in("payments", pods={"app": "api"}, cluster="east"), port=8443)
    result = synth([east, west])
    assert result.rules() == []
    assert "east/payments/service-api.yaml" in result.files
    assert "west/shop/ciliumnetworkpolicy-allow-remote-web.yaml" in result.files


def test_a_namespace_of_one_name_in_two_clusters_is_documented_per_cluster() -> None:
    def cluster(name: str, open_flow: bool) -> Blueprint:
        bp = Blueprint(f"shop-{name}", target=Target(cluster=name))
        shop = ZeroTrustNamespace(bp, "shop")
        web = shop.workload("web", labels={"app": "web"}, ports={"http": 8080})
        api = shop.workload("api", labels={"app": "api"}, ports={"http": 8080})
        if open_flow:
            shop.allow(web, to=api, port="http")
        return bp

    files = synth([cluster("east", True), cluster("west", False)]).files
    assert "`shop/web` | `shop/api`" in files["east/shop/NETWORK.md"].decode()
    west = files["west/shop/NETWORK.md"].decode()
    assert "`shop/web` | `shop/api`" not in west and "`shop/web` | `kube-system/kube-dns`" in west


def _priority_clash() -> None:
    bp = Blueprint("b")
    ClusterGuardrails(bp, "one", priority=10)
    ClusterGuardrails(bp, "two", priority=11)


def _priority_clash_across_blueprints() -> None:
    one, two = Blueprint("one"), Blueprint("two")
    ClusterGuardrails(one, "g", priority=10)
    ClusterGuardrails(two, "g", priority=10)
    synth([one, two])


def _guardrails_in_namespace() -> None:
    bp = Blueprint("b")
    ClusterGuardrails(Namespace(bp, "ns"), "g", priority=1)


def _linkerd_plaintext_client() -> None:
    bp = Blueprint("b", target=Target(mesh="linkerd"))
    ns = ZeroTrustNamespace(bp, "app")
    w = ns.workload("w", labels={"app": "w"}, ports={"http": 80})
    ns.allow(cidr("10.0.0.0/8"), to=w, port="http")
    synth(bp)


def _linkerd_every_port_of_portless_pods() -> None:
    bp = Blueprint("b", target=Target(mesh="linkerd"))
    ns = ZeroTrustNamespace(bp, "app")
    a = ns.workload("a", labels={"app": "a"})
    b = ns.workload("b", labels={"app": "b"})
    ns.allow(a, to=b)
    synth(bp)


def _remote_peer(**target: Any) -> Callable[[], None]:
    def run() -> None:
        bp = Blueprint("b", target=Target(**target))
        ns = ZeroTrustNamespace(bp, "app")
        w = ns.workload("w", labels={"app": "w"}, ports={"http": 80})
        ns.allow(any_pod_in("shop", cluster="west"), to=w, port="http")
        synth(bp)
    return run


def _guardrails_on(cni: str) -> Callable[[], None]:
    def run() -> None:
        bp = Blueprint("b", target=Target(cni=cni))  # type: ignore[arg-type]
        ClusterGuardrails(bp, "g", priority=1)
        synth(bp)
    return run


def _clusterset_of_unexported() -> None:
    bp = Blueprint("b")
    ns = Namespace(bp, "app")
    w = ns.workload("w", labels={"app": "w"}, ports={"http": 80})
    _ = Service(ns, "w", workload=w, port=80, target_port="http").clusterset_address


BAD: list[tuple[str, Callable[[], object], type[NetkitError], str]] = [
    ("priority clash", _priority_clash, ConstructError,
     r"Admin priority 11 \(allow-dns\) is also used by one \(deny-metadata\)"),
    ("priority clash across blueprints of a cluster", _priority_clash_across_blueprints,
     ConstructError, r"Admin priority 10 is also used by one:g \(allow-dns\) in cluster "
     "default"),
    ("priority too high", lambda: ClusterGuardrails(Blueprint("b"), "g", priority=1000),
     ConstructError, "priority 1001 of deny-metadata is outside 0-1000"),
    ("tenants without label",
     lambda: ClusterGuardrails(Blueprint("b"), "g", priority=1, tenants=["a"]),
     ConstructError, "tenant_label and tenants go together"),
    ("tenant listed twice",
     lambda: ClusterGuardrails(Blueprint("b"), "g", priority=1, tenant_label="t",
                               tenants=["a", "a"]), ConstructError, "listed twice"),
    ("bad metadata address",
     lambda: ClusterGuardrails(Blueprint("b"), "g", priority=1,
                               metadata_addresses=["169.254.169.254"]),
     ConstructError, "169.254.169.254"),
    ("bad scrape port",
     lambda: ClusterGuardrails(Blueprint("b"), "g", priority=1,
                               monitoring=MonitoringScrapes(ports=(0,))),
     ConstructError, "out of range"),
    ("priority not a number",
     lambda: ClusterGuardrails(Blueprint("b"), "g", priority="10"),  # type: ignore[arg-type]
     ConstructError, "priority must be an integer"),
    ("bad exempt namespace",
     lambda: ClusterGuardrails(Blueprint("b"), "g", priority=1, exempt_namespaces=["Kube"]),
     ConstructError, "namespace 'Kube'"),
    ("bad scrapers namespace",
     lambda: ClusterGuardrails(Blueprint("b"), "g", priority=1,
                               monitoring=MonitoringScrapes(namespace="mon_itoring")),
     ConstructError, "namespace 'mon_itoring'"),
    ("guardrails in a namespace", _guardrails_in_namespace, ConstructError, "cluster-wide"),
    ("guardrails on flannel", _guardrails_on("flannel"), CapabilityError,
     "cni='flannel' implements neither"),
    ("guardrails on weave", _guardrails_on("weave"), CapabilityError,
     "cni='weave' implements neither"),
    ("guardrails on aws-vpc-cni", _guardrails_on("aws-vpc-cni"), CapabilityError,
     "cni='aws-vpc-cni' implements neither"),
    ("linkerd plaintext client", _linkerd_plaintext_client, CapabilityError,
     "NetworkAuthentication"),
    ("linkerd every port", _linkerd_every_port_of_portless_pods, CapabilityError,
     "linkerd authorizes per port"),
    ("remote peer on calico", _remote_peer(), CapabilityError,
     "cluster 'west' is not expressible with cni='calico'"),
    ("remote peer without clustermesh", _remote_peer(cni="cilium"), CapabilityError,
     "without ClusterMesh"),
    ("bad service account",
     lambda: Namespace(Blueprint("b"), "n").workload("w", labels={"a": "b"},
                                                     service_account="Not_Valid"),
     ConstructError, "service_account 'Not_Valid'"),
    ("bad remote cluster", lambda: any_pod_in("shop", cluster="West_1"), ConstructError,
     "cluster 'West_1'"),
    ("clusterset name of an unexported Service", _clusterset_of_unexported, ConstructError,
     "is not exported"),
    ("bad network-policy-api release",
     lambda: Target().with_overrides({"network_policy_api": "latest"}), ConfigError,
     "network-policy-api release 'latest'"),
    ("cluster mesh without cilium",
     lambda: Target().with_overrides({"cluster_mesh": "true"}), ConfigError,
     "cluster_mesh is Cilium's ClusterMesh; cni='calico' has none"),
    ("unknown mesh", lambda: Target().with_overrides({"mesh": "consul"}), ConfigError,
     "mesh"),
]


@pytest.mark.parametrize(("name", "run", "error", "message"), BAD, ids=[b[0] for b in BAD])
def test_bad_combinations_are_one_line_errors(name: str, run: Callable[[], object],
                                              error: type[NetkitError], message: str) -> None:
    with pytest.raises(error, match=message) as caught:
        run()
    text = str(caught.value)
    assert "\n" not in text and caught.value.hint


def test_nk140_reports_a_mesh_that_admits_more_than_networkpolicy() -> None:
    bp = Blueprint("b", target=Target(mesh="linkerd"))
    shop = Namespace(bp, "shop")
    shop.workload("web", labels={"app": "web"}, service_account="web")
    shop.workload("batch", labels={"app": "batch"}, service_account="batch")
    pay = ZeroTrustNamespace(bp, "payments")
    api = pay.workload("api", labels={"app": "api"}, ports={"https": 8443})
    pay.allow(any_pod_in("shop", pods={"app": "web"}), to=api, port="https")
    findings = synth(bp).findings
    assert [(f.rule, f.object) for f in findings] == [
        ("NK140", "AuthorizationPolicy/payments/api-8443")]
    assert "shop/batch -> payments/api TCP 8443" in findings[0].message


PAIRS = st.lists(st.tuples(st.sampled_from(["a", "b", "c", "d"]),
                           st.sampled_from(["a", "b", "c", "d"]),
                           st.sampled_from(["http", "admin"])), min_size=1, max_size=6)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pairs=PAIRS, mesh_name=st.sampled_from(["istio", "linkerd"]))
def test_flows_between_workloads_never_make_the_layers_disagree(
        pairs: list[tuple[str, str, str]], mesh_name: str) -> None:
    bp = Blueprint("p", target=Target(mesh=mesh_name))  # type: ignore[arg-type]
    spaces = {"a": ZeroTrustNamespace(bp, "one"), "c": ZeroTrustNamespace(bp, "two")}
    spaces["b"], spaces["d"] = spaces["a"], spaces["c"]
    ws = {n: spaces[n].workload(n, labels={"app": n}, ports={"http": 8080, "admin": 9000},
                                service_account=f"sa-{n}") for n in "abcd"}
    for src, dst, port in pairs:
        if src != dst:
            spaces[dst].allow(ws[src], to=ws[dst], port=port)
    assert "NK140" not in synth(bp).rules()


MESH_MANIFESTS = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      serviceAccountName: api
      containers: [{name: api, image: api:1, ports: [{name: http, containerPort: 8080}]}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      serviceAccountName: web
      containers: [{name: web, image: web:1}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: api, namespace: shop}
spec:
  podSelector: {matchLabels: {app: api}}
  policyTypes: [Ingress]
  ingress:
  - from: [{podSelector: {matchLabels: {app: web}}}]
    ports: [{port: 8080}]
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: api, namespace: shop}
spec:
  selector: {matchLabels: {app: api}}
  action: ALLOW
  rules:
  - from: [{source: {principals: [cluster.local/ns/shop/sa/%s]}}]
"""


@pytest.mark.parametrize(("account", "reported"), [("web", False), ("batch", True)])
def test_validate_reports_nk140_on_manifests(tmp_path: Any, monkeypatch: pytest.MonkeyPatch,
                                             account: str, reported: bool) -> None:
    import json

    from typer.testing import CliRunner

    from netkit.cli import app

    monkeypatch.chdir(tmp_path)
    (tmp_path / "mesh.yaml").write_text(MESH_MANIFESTS % account, encoding="utf-8")
    result = CliRunner().invoke(app, ["validate", "mesh.yaml", "--format", "json"])
    findings = [f for f in json.loads(result.stdout)["findings"] if f["rule"] != "NK201"]
    assert [f["rule"] for f in findings] == (["NK140"] if reported else [])
    if reported:
        assert "NetworkPolicy allows it but the mesh denies it" in findings[0]["message"]


def test_istio_principals_use_the_targets_trust_domain() -> None:
    bp = Blueprint("td", target=Target(mesh="istio", trust_domain="corp.example"))
    ns = ZeroTrustNamespace(bp, "app")
    a = ns.workload("a", labels={"app": "a"}, ports={"http": 80}, service_account="a")
    b = ns.workload("b", labels={"app": "b"}, ports={"http": 80})
    c = ns.workload("c", labels={"app": "c"}, ports={"http": 80}, service_account="c")
    ns.allow(a, to=b, port="http")
    ns.allow(c, to=a, port="http")
    result = synth(bp)
    assert result.get("AuthorizationPolicy", "allow-b")["spec"]["rules"][0]["from"] == [
        {"source": {"principals": ["corp.example/ns/app/sa/a"]}}]
    assert result.rules() == []  # NK140 reads the principal in its own trust domain


def test_nk140_reports_workloads_sharing_a_service_account() -> None:
    bp = Blueprint("sa", target=Target(mesh="istio"))
    ns = ZeroTrustNamespace(bp, "app")
    a = ns.workload("a", labels={"app": "a"}, ports={"http": 80}, service_account="a")
    ns.workload("b", labels={"app": "b"}, ports={"http": 80})  # both run as "default"
    c = ns.workload("c", labels={"app": "c"}, ports={"http": 80})
    ns.allow(c, to=a, port="http")
    assert [f.message.split(":")[0] for f in synth(bp).findings] == ["app/b -> app/a TCP 80"]


@settings(max_examples=25, deadline=None)
@given(starts=st.lists(st.integers(min_value=0, max_value=30), min_size=1, max_size=4),
       tenants=st.integers(min_value=0, max_value=3))
def test_guardrails_either_fail_or_render_unique_priorities(starts: list[int],
                                                            tenants: int) -> None:
    bp = Blueprint("p")
    try:
        for i, start in enumerate(starts):
            ClusterGuardrails(bp, f"g{i}", priority=start, tenant_label="t" if tenants else None,
                              tenants=[f"t{n}" for n in range(tenants)])
    except ConstructError as exc:
        assert "is also used by" in str(exc)
        return
    specs = [o["spec"] for o in synth(bp).by_kind("ClusterNetworkPolicy")]
    keys = [(s["tier"], s["priority"]) for s in specs]
    assert len(keys) == len(set(keys)) and "NK202" not in synth(bp).rules()
