"""netkit import: each ingress-nginx annotation is carried over or reported, NetworkPolicies
become allows only where they mean the same, and the generated file is formatted and stable."""

from __future__ import annotations

import copy
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from netkit import KubeObject
from netkit.importer import Imported, import_objects, verify_source
from netkit.importer.annotations import ANNOTATIONS, NGINX
from netkit.importer.plan import BlueprintPlan, EntryPlan
from tests.conftest import ROOT


def deployment(name: str, labels: dict[str, str], ports: dict[str, int]) -> dict[str, Any]:
    return {"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": name, "namespace": "shop"},
            "spec": {"selector": {"matchLabels": labels}, "template": {
                "metadata": {"labels": labels}, "spec": {"containers": [{
                    "name": "c", "image": "x", "ports": [
                        {"name": n, "containerPort": p} for n, p in ports.items()]}]}}}}


def service(name: str, selector: dict[str, str], target: int | str) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Service", "metadata": {"name": name, "namespace": "shop"},
            "spec": {"selector": selector, "ports": [{"port": 80, "targetPort": target}]}}


def ingress(name: str, service_name: str, annotations: dict[str, str], *, tls: bool = True,
            host: str = "shop.example.com", path: str = "/") -> dict[str, Any]:
    spec: dict[str, Any] = {"ingressClassName": "nginx", "rules": [{"host": host, "http": {
        "paths": [{"path": path, "pathType": "Prefix", "backend": {"service": {
            "name": service_name, "port": {"number": 80}}}}]}}]}
    if tls:
        spec["tls"] = [{"hosts": [host], "secretName": f"{name}-tls"}]
    return {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
            "metadata": {"name": name, "namespace": "shop", "annotations": annotations},
            "spec": spec}


def policy(name: str, spec: dict[str, Any]) -> dict[str, Any]:
    return {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
            "metadata": {"name": name, "namespace": "shop"}, "spec": spec}


EDGE_PEER = {"namespaceSelector": {"matchLabels": {
    "kubernetes.io/metadata.name": "ingress-nginx"}}}
ZERO_TRUST = [
    policy("deny", {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}),
    policy("dns", {"podSelector": {}, "policyTypes": ["Egress"], "egress": [{"to": [{
        "namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "kube-system"}},
        "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}}}], "ports": [
        {"port": 53, "protocol": "UDP"}, {"port": 53, "protocol": "TCP"}]}]}),
]


def app(*extra: dict[str, Any], zero_trust: bool = True) -> list[dict[str, Any]]:
    """web (stable) and web-next (canary) behind Services, admitted from ingress-nginx."""
    base = [deployment("web", {"app": "web"}, {"http": 8080}),
            deployment("web-next", {"app": "web-next"}, {"http": 8080}),
            service("web", {"app": "web"}, "http"), service("web-next", {"app": "web-next"},
                                                             "http")]
    if zero_trust:
        base += [*ZERO_TRUST, *(policy(f"{name}-from-edge", {
            "podSelector": {"matchLabels": {"app": name}},
            "ingress": [{"from": [EDGE_PEER], "ports": [{"port": 8080}]}]})
            for name in ("web", "web-next"))]
    return [*base, *extra]


def run(objects: list[dict[str, Any]], **target: str) -> Imported:
    return import_objects([KubeObject(copy.deepcopy(o), "in.yaml", i + 1)
                           for i, o in enumerate(objects)], target=target or None)


def entry(plan: BlueprintPlan, name: str = "site") -> EntryPlan:
    return next(e for ns in plan.namespaces for e in ns.entries if e.id == name)


# -- one case per annotation of the table ---------------------------------------------------

CANARY = f"{NGINX}canary"
Check = Callable[[BlueprintPlan], bool]
# key → (value, extra annotations on the same Ingress, whether it sits on a canary Ingress,
#        a check of what it became)
CARRIED: dict[str, tuple[str, dict[str, str], bool, Check]] = {
    CANARY: ("true", {f"{NGINX}canary-weight": "20"}, True,
             lambda p: entry(p).canaries[0].weight == 20),
    f"{NGINX}canary-weight": ("20", {CANARY: "true"}, True,
                              lambda p: entry(p).canaries[0].weight == 20),
    f"{NGINX}canary-by-header": ("x-next", {CANARY: "true"}, True,
                                 lambda p: entry(p).canaries[0].header == "x-next"),
    f"{NGINX}canary-by-header-value": ("yes", {CANARY: "true",
                                               f"{NGINX}canary-by-header": "x-next"}, True,
                                       lambda p: entry(p).canaries[0].header_value == "yes"),
    f"{NGINX}canary-by-cookie": ("next", {CANARY: "true"}, True,
                                 lambda p: entry(p).canaries[0].cookie == "next"),
    f"{NGINX}ssl-redirect": ("false", {}, False, lambda p: entry(p).redirect_http is False),
    f"{NGINX}force-ssl-redirect": ("true", {f"{NGINX}ssl-redirect": "false"}, False,
                                   lambda p: entry(p).redirect_http is True),
    f"{NGINX}backend-protocol": ("GRPC", {}, False,
                                 lambda p: p.namespaces[0].service("web").app_protocol
                                 == "kubernetes.io/h2c"),  # type: ignore[union-attr]
    f"{NGINX}limit-rps": ("20", {}, False,
                          lambda p: p.namespaces[0].service("web").rate.rps == 20),  # type: ignore[union-attr]
    f"{NGINX}limit-rpm": ("600", {}, False,
                          lambda p: p.namespaces[0].service("web").rate.rpm == 600),  # type: ignore[union-attr]
    f"{NGINX}limit-burst-multiplier": ("3", {f"{NGINX}limit-rps": "20"}, False,
                                       lambda p: p.namespaces[0].service("web").rate.burst  # type: ignore[union-attr]
                                       == 60),
    f"{NGINX}limit-whitelist": ("10.0.0.0/8", {f"{NGINX}limit-rps": "20"}, False,
                                lambda p: p.namespaces[0].service("web").rate.allowlist  # type: ignore[union-attr]
                                == ("10.0.0.0/8",)),
    f"{NGINX}limit-allowlist": ("10.0.0.0/8", {f"{NGINX}limit-rps": "20"}, False,
                                lambda p: p.namespaces[0].service("web").rate.allowlist  # type: ignore[union-attr]
                                == ("10.0.0.0/8",)),
    "cert-manager.io/cluster-issuer": ("letsencrypt", {}, False,
                                       lambda p: entry(p).issuer == "letsencrypt"),
    "cert-manager.io/issuer": ("local-ca", {}, False,
                               lambda p: (entry(p).issuer, entry(p).issuer_kind)
                               == ("local-ca", "Issuer")),
    "kubernetes.io/ingress.class": ("nginx", {}, False, lambda p: bool(entry(p).routes)),
    f"{NGINX}whitelist-source-range": ("10.0.0.0/8, 192.0.2.0/24", {}, False,
                                       lambda p: _client_policy(p) == ["10.0.0.0/8",
                                                                       "192.0.2.0/24"]),
    f"{NGINX}allowlist-source-range": ("10.0.0.0/8", {}, False,
                                       lambda p: _client_policy(p) == ["10.0.0.0/8"]),
}


def _client_policy(plan: BlueprintPlan) -> Any:
    [policy] = [m for m in plan.namespaces[0].manifests if m["kind"] == "SecurityPolicy"]
    assert policy["spec"]["targetRefs"][0]["name"] == "site"
    return policy["spec"]["authorization"]["rules"][0]["principal"]["clientCIDRs"]


def test_every_carried_annotation_has_a_case() -> None:
    assert {k for k, h in ANNOTATIONS.items() if h.carried} == set(CARRIED)


def _with(key: str, value: str, extra: dict[str, str], on_canary: bool) -> list[dict[str, Any]]:
    notes = {key: value, **extra}
    if on_canary:
        return app(ingress("site", "web", {}), ingress("site-next", "web-next", notes,
                                                       tls=False))
    return app(ingress("site", "web", notes))


@pytest.mark.parametrize("key", sorted(CARRIED))
def test_carried_annotation(key: str) -> None:
    value, extra, on_canary, check = CARRIED[key]
    objects = _with(key, value, extra, on_canary)
    # NGINX Gateway Fabric takes bursts; Envoy Gateway allowlists and client address lists
    gateway = "envoy-gateway" if key.endswith(("source-range", "list")) else \
        "nginx-gateway-fabric"
    result = run(objects, gateway=gateway)
    assert not [n for n in result.notes if n.subject.startswith(key)], result.notes
    assert check(result.plan)
    proof = verify_source(result.objects, result.source)
    assert proof.equivalent, proof.text()


@pytest.mark.parametrize("key", sorted(k for k, h in ANNOTATIONS.items() if not h.carried))
def test_reported_annotation(key: str) -> None:
    on_canary = key.startswith(f"{NGINX}canary")
    result = run(_with(key, "1", {CANARY: "true", f"{NGINX}canary-weight": "5"}
                       if on_canary else {}, on_canary))
    notes = [n for n in result.notes if n.subject.startswith(key)]
    assert [n.reason for n in notes] == [ANNOTATIONS[key].note]
    assert f"{key}=1" in result.source  # listed in the comment block at the top


def test_unknown_annotations_are_reported_and_bookkeeping_is_not() -> None:
    result = run(app(ingress("site", "web", {
        f"{NGINX}made-up": "x", "external-dns.alpha.kubernetes.io/hostname": "a.example.com",
        "kubectl.kubernetes.io/last-applied-configuration": "{}"})))
    subjects = sorted(n.subject for n in result.notes)
    assert subjects == ["external-dns.alpha.kubernetes.io/hostname=a.example.com",
                        f"{NGINX}made-up=x"]


def test_an_allowlist_a_gateway_cannot_exempt_is_reported() -> None:
    result = run(app(ingress("site", "web", {f"{NGINX}limit-rps": "5",
                                             f"{NGINX}limit-whitelist": "10.0.0.0/8"})),
                 gateway="nginx-gateway-fabric")
    [note] = [n for n in result.notes if "limit-whitelist" in n.subject]
    assert "has no allowlist" in note.reason
    assert result.plan.namespaces[0].service("web").rate.allowlist == ()  # type: ignore[union-attr]


def test_envoy_gateway_drops_the_default_burst_and_says_so() -> None:
    result = run(app(ingress("site", "web", {f"{NGINX}limit-rps": "5"})))
    [note] = [n for n in result.notes if "burst" in n.subject]
    assert "5x the rate" in note.reason
    assert result.plan.namespaces[0].service("web").rate.burst is None  # type: ignore[union-attr]


# -- Ingresses that no TlsIngress can stand for are kept ------------------------------------

@pytest.mark.parametrize(("change", "reason"), [
    (lambda i: i["spec"].pop("tls"), "plain HTTP"),
    (lambda i: i["spec"]["rules"][0].pop("host"), "without host"),
    (lambda i: i["spec"].update(defaultBackend={"service": {"name": "web", "port": {
        "number": 80}}}), "defaultBackend"),
    (lambda i: i["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"].update(
        name="missing"), "not imported as a Service"),
])
def test_ingress_kept_as_manifest(change: Callable[[dict[str, Any]], Any], reason: str) -> None:
    ing = ingress("site", "web", {f"{NGINX}proxy-body-size": "1m"})
    change(ing)
    result = run(app(ing))
    assert not result.plan.namespaces[0].entries
    kept = [m for m in result.plan.namespaces[0].manifests if m["kind"] == "Ingress"]
    assert [m["metadata"]["name"] for m in kept] == ["site"]
    assert [n.subject for n in result.notes] == ["Ingress"]  # no annotation notes: kept whole
    assert reason in result.notes[0].reason
    assert verify_source(result.objects, result.source).equivalent


# -- NetworkPolicies ----------------------------------------------------------------------

def test_zero_trust_pattern_and_allows() -> None:
    result = run(app(
        ingress("site", "web", {}),
        deployment("db", {"app": "db"}, {"pg": 5432}),
        policy("web-to-db", {"podSelector": {"matchLabels": {"app": "web"}},
                             "policyTypes": ["Egress"], "egress": [{"to": [
                                 {"podSelector": {"matchLabels": {"app": "db"}}}],
                                 "ports": [{"port": "pg"}]}]}),
        policy("db-from-web", {"podSelector": {"matchLabels": {"app": "db"}}, "ingress": [
            {"from": [{"podSelector": {"matchLabels": {"app": "web"}}},
                      {"ipBlock": {"cidr": "10.1.0.0/16", "except": ["10.1.2.0/24"]}},
                      {"namespaceSelector": {"matchLabels": {
                          "kubernetes.io/metadata.name": "ops"}}}],
             "ports": [{"port": 5432}]}]})))
    ns = result.plan.namespaces[0]
    assert ns.zero_trust
    assert "shop.allow(shop_web, to=shop_db, port=" in result.source
    assert 'cidr("10.1.0.0/16", except_=["10.1.2.0/24"])' in result.source
    assert 'any_pod_in("ops")' in result.source
    assert not ns.manifests  # every policy carried, the edge one by the TlsIngress
    assert verify_source(result.objects, result.source).equivalent


def test_one_sided_allow_between_zero_trust_pods_is_kept_as_is() -> None:
    result = run(app(
        ingress("site", "web", {}),
        deployment("db", {"app": "db"}, {"pg": 5432}),
        policy("db-from-web", {"podSelector": {"matchLabels": {"app": "db"}}, "ingress": [
            {"from": [{"podSelector": {"matchLabels": {"app": "web"}}}]}]})))
    [note] = [n for n in result.notes if n.where == "NetworkPolicy/shop/db-from-web"]
    assert "one direction only" in note.reason
    assert verify_source(result.objects, result.source).equivalent


def test_policies_outside_zero_trust_are_kept_and_repointed() -> None:
    result = run(app(ingress("site", "web", {}), policy("web", {
        "podSelector": {"matchLabels": {"app": "web"}}, "ingress": [
            {"from": [EDGE_PEER], "ports": [{"port": 8080}]}]}), zero_trust=False))
    [kept] = result.plan.namespaces[0].manifests
    assert kept["spec"]["ingress"][0]["from"] == [{"namespaceSelector": {"matchLabels": {
        "kubernetes.io/metadata.name": "envoy-gateway-system"}}}]
    assert "re-pointed" in result.notes[0].reason
    proof = verify_source(result.objects, result.source)
    assert proof.equivalent, proof.text()
    assert "ingress-nginx/* => envoy-gateway-system/* -> shop/web" in proof.text()


def test_edge_allows_a_tls_ingress_does_not_cover_are_kept_as_allows() -> None:
    result = run(app(ingress("site", "web", {}), policy("metrics", {
        "podSelector": {"matchLabels": {"app": "web-next"}}, "ingress": [
            {"from": [EDGE_PEER], "ports": [{"port": 9100}]}]})))
    assert 'ports={"http": 8080, "tcp-9100": 9100}' in result.source
    assert 'shop.allow(any_pod_in("envoy-gateway-system"), to=shop_web_next, port=9100)' in \
        result.source
    assert verify_source(result.objects, result.source).equivalent


def test_controller_objects_are_not_imported() -> None:
    controller = copy.deepcopy(deployment("ingress-nginx-controller", {
        "app.kubernetes.io/name": "ingress-nginx"}, {"http": 80}))
    controller["metadata"]["namespace"] = "ingress-nginx"
    result = run(app(ingress("site", "web", {}), controller))
    assert 'workload("ingress-nginx-controller"' not in result.source
    assert [(n.where, n.subject) for n in result.notes] == [
        ("namespace ingress-nginx", "1 object(s)")]
    assert verify_source(result.objects, result.source).equivalent


# -- the generated file ---------------------------------------------------------------------

def test_output_is_deterministic_and_ruff_formatted(tmp_path: Path) -> None:
    objects = app(ingress("site", "web", {f"{NGINX}limit-rps": "5",
                                          f"{NGINX}proxy-body-size": "1m"}),
                  ingress("site-next", "web-next", {CANARY: "true",
                                                    f"{NGINX}canary-by-cookie": "beta"},
                          tls=False))
    first, second = run(objects).source, run(list(reversed(objects))).source
    assert first == run(objects).source
    assert "CanaryRoute(" in first and "CanaryRoute(" in second
    out = tmp_path / "network.py"
    out.write_text(first)
    ruff = Path(sys.executable).parent / "ruff"
    assert ruff.exists(), "ruff comes with the test extra"
    for args in (["format", "--check"], ["check", "--select", "F,W,I"]):
        proc = subprocess.run([str(ruff), *args, "--no-cache", str(out)], capture_output=True,
                              text=True, cwd=tmp_path)
        assert proc.returncode == 0, proc.stdout + proc.stderr


def test_the_generated_file_validates(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from netkit.cli import app as cli

    out = tmp_path / "network.py"
    out.write_text(run(app(ingress("site", "web", {}))).source)
    result = CliRunner().invoke(cli, ["validate", str(out)])
    assert result.exit_code == 0, result.output
    assert ROOT.exists()


def test_hosts_routing_different_paths_split_into_tls_ingresses() -> None:
    site = ingress("site", "web", {"cert-manager.io/cluster-issuer": "le"})
    site["spec"]["rules"].append({"host": "api.example.com", "http": {"paths": [{
        "path": "/v1", "pathType": "Exact", "backend": {"service": {
            "name": "web-next", "port": {"number": 80}}}}]}})
    site["spec"]["tls"][0]["hosts"].append("api.example.com")
    canary = ingress("site-beta", "web", {CANARY: "true", f"{NGINX}canary-by-cookie": "beta"},
                     tls=False)
    canary["spec"]["rules"][0]["host"] = "api.example.com"
    canary["spec"]["rules"][0]["http"]["paths"][0].update(path="/v1", pathType="Exact")
    result = run(app(site, canary))
    first, second = result.plan.namespaces[0].entries
    assert (first.id, first.hosts, second.id, second.hosts) == (
        "site-1", ["shop.example.com"], "site-2", ["api.example.com"])
    assert [c.cookie for c in second.canaries] == ["beta"] and not first.canaries
    assert any("split into TlsIngresses site-1, site-2" in n.reason for n in result.notes)
    proof = verify_source(result.objects, result.source)
    assert proof.equivalent, proof.text()


@pytest.mark.parametrize("weight", ["0", "many", "101"])
def test_a_canary_no_route_can_take_is_kept(weight: str) -> None:
    result = run(app(ingress("site", "web", {}),
                     ingress("site-next", "web-next", {CANARY: "true",
                                                       f"{NGINX}canary-weight": weight},
                             tls=False)))
    assert not entry(result.plan).canaries
    [note] = [n for n in result.notes if n.where == "Ingress/shop/site-next"]
    assert "kept as a Manifest" in note.reason


def test_an_acme_cluster_issuer_becomes_the_construct_and_solves_through_the_gateway() -> None:
    issuer = {"apiVersion": "cert-manager.io/v1", "kind": "ClusterIssuer",
              "metadata": {"name": "le"}, "spec": {"acme": {
                  "email": "ops@example.com",
                  "server": "https://acme-staging-v02.api.letsencrypt.org/directory",
                  "privateKeySecretRef": {"name": "le-key"},
                  "solvers": [{"http01": {"ingress": {"ingressClassName": "nginx"}}}]}}}
    odd = copy.deepcopy(issuer)
    odd["metadata"]["name"] = "dns"
    odd["spec"]["acme"]["solvers"] = [{"dns01": {"route53": {"region": "eu-west-1"}}}]
    result = run(app(ingress("site", "web", {"cert-manager.io/cluster-issuer": "le"}),
                     issuer, odd))
    [issuer_plan] = result.plan.issuers
    assert (issuer_plan.email, issuer_plan.server, issuer_plan.private_key_secret) == (
        "ops@example.com", "staging", "le-key")
    assert '    ClusterIssuer(\n        bp,\n        "le",\n' in result.source
    assert result.plan.cluster_manifests == [odd]
    [rendered] = [o for o in _rendered(result) if o["kind"] == "ClusterIssuer"
                  and o["metadata"]["name"] == "le"]
    assert "gatewayHTTPRoute" in rendered["spec"]["acme"]["solvers"][0]["http01"]


def _rendered(result: Imported) -> list[dict[str, Any]]:
    import tempfile

    from netkit import load_blueprints
    from netkit.workspace import rendered

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "network.py"
        path.write_text(result.source)
        [bp] = load_blueprints([path])
        return [o.obj for o in rendered(bp)[0]]


def test_routes_on_another_shared_gateway_set_the_target(tmp_path: Path) -> None:
    from netkit import load_manifests

    text = (ROOT / "examples/app-repo/gitops/default/orders/listenerset-site.yaml").read_text()
    redirect = (ROOT / "examples/app-repo/gitops/default/orders/httproute-site-redirect.yaml"
                ).read_text()
    (tmp_path / "a.yaml").write_text(text.replace("namespace: gateway", "namespace: edge"))
    (tmp_path / "b.yaml").write_text(redirect.replace("namespace: gateway", "namespace: edge")
                                     .replace("sectionName: http", "sectionName: web"))
    objects = load_manifests([str(tmp_path)])
    result = import_objects(objects)
    assert 'shared_gateway=GatewayRef(namespace="edge", http_listener="web")' in result.source
    assert "from netkit import Blueprint, GatewayRef, Target" in result.source


def test_client_allow_lists_are_reported_where_the_gateway_cannot_enforce_them() -> None:
    key = f"{NGINX}whitelist-source-range"
    result = run(app(ingress("site", "web", {key: "10.0.0.0/8"})),
                 gateway="nginx-gateway-fabric")
    [note] = [n for n in result.notes if n.subject.startswith(key)]
    assert "this target has none" in note.reason
    assert not result.plan.namespaces[0].manifests


def test_a_malformed_object_is_a_one_line_error(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from netkit.cli import app as cli

    bad = ingress("site", "web", {})
    bad["spec"]["rules"][0]["http"]["paths"] = ["not-a-path"]
    path = tmp_path / "in.yaml"
    import yaml

    path.write_text(yaml.safe_dump_all(app(bad)))
    result = CliRunner().invoke(cli, ["import", str(path), "--stdout"])
    assert result.exit_code == 2
    [line] = result.stderr.splitlines()
    assert line.startswith(f"error: {path}:") and "Ingress site is malformed" in line


def test_odd_gateway_api_shapes_are_kept_not_fatal() -> None:
    listener_set = {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "ListenerSet",
                    "metadata": {"name": "site", "namespace": "shop"},
                    "spec": {"parentRef": {"name": "shared", "namespace": "gateway"},
                             "listeners": ["oops"]}}
    result = run(app(listener_set))
    [note] = [n for n in result.notes if n.where == "ListenerSet/shop/site"]
    assert "kept as a Manifest" in note.reason
    assert [m["kind"] for m in result.plan.namespaces[0].manifests] == ["ListenerSet"]


def test_other_ingress_classes_and_system_namespaces_are_left_alone() -> None:
    traefik = ingress("other", "web", {})
    traefik["spec"]["ingressClassName"] = "traefik"
    dns = service("kube-dns", {"k8s-app": "kube-dns"}, 53)
    dns["metadata"]["namespace"] = "kube-system"
    only_pods = deployment("batch", {"app": "batch"}, {})
    only_pods["metadata"]["namespace"] = "jobs"
    result = run(app(traefik, dns, only_pods))
    assert [m["metadata"]["name"] for m in result.plan.namespaces[0].manifests] == ["other"]
    assert "its class is 'traefik'" in result.notes[-1].reason
    assert [ns.name for ns in result.plan.namespaces] == ["shop"]
    assert ("namespace kube-system", "1 object(s)") in [(n.where, n.subject)
                                                         for n in result.notes]


@pytest.mark.parametrize(("gateway", "burst"), [("nginx-gateway-fabric", 25), ("envoy-gateway",
                                                                               None)])
def test_ingress_nginx_default_burst_is_kept_where_the_gateway_has_bursts(
        gateway: str, burst: int | None) -> None:
    result = run(app(ingress("site", "web", {f"{NGINX}limit-rps": "5"})), gateway=gateway)
    assert result.plan.namespaces[0].service("web").rate.burst == burst  # type: ignore[union-attr]
    assert bool([n for n in result.notes if "burst" in n.subject]) == (burst is None)


def test_object_names_that_are_not_construct_ids_still_import() -> None:
    dotted = deployment("web.v2", {"app": "web"}, {"http": 8080})
    long_name = "a" * 70
    kept = {"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": f"{long_name}.conf", "namespace": "shop"}}
    gc = {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "GatewayClass",
          "metadata": {"name": "edge.v1"}, "spec": {"controllerName": "example.com/gw"}}
    site = ingress("site.example.com", "web", {})
    objects = [o for o in app(site, kept, gc) if o["metadata"]["name"] != "web"
               or o["kind"] != "Deployment"]
    result = run([dotted, *objects])
    assert 'shop.workload("web-v2"' in result.source
    assert 'TlsIngress(shop, "site-example-com"' in result.source or \
        '"site-example-com",' in result.source
    assert f'"configmap-{"a" * 50}"' in result.source
    assert "its name 'edge.v1' is not a construct id" in " ".join(n.reason for n in result.notes)
    proof = verify_source(result.objects, result.source)
    assert proof.equivalent, proof.text()


def test_hosts_a_tls_ingress_cannot_serve_keep_the_ingress() -> None:
    result = run(app(ingress("site", "web", {}, host="localhost")))
    assert not result.plan.namespaces[0].entries
    assert "host 'localhost' must be a fully qualified name" in result.notes[-1].reason
