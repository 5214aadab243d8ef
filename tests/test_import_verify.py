"""netkit import --verify: the example migrates with proof, round trips give the same objects,
exports read like manifests, and a broken migration (a dropped policy, a wrong backend) is
caught and printed like `netkit diff`."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from netkit import KubeObject, Target, load_blueprints, load_manifests
from netkit.cli import app
from netkit.constructs.workload import declared
from netkit.importer import import_manifests, import_objects, verify_source
from netkit.serialize import dump_all
from netkit.workspace import rendered
from tests.conftest import ROOT
from tests.scenarios import SCENARIOS, TARGETS, UNSUPPORTED

EXAMPLE = ROOT / "examples" / "migrate-ingress-nginx"
MANIFESTS = str(EXAMPLE / "manifests")


@pytest.fixture(scope="module")
def example() -> Any:
    return import_manifests([MANIFESTS])


def test_example_blueprint_is_what_import_writes(example: Any) -> None:
    expected = (EXAMPLE / "network.py").read_text()
    assert example.source.replace(MANIFESTS, "manifests") == expected


def test_example_migration_is_proven_equivalent(example: Any) -> None:
    proof = verify_source(example.objects, example.source)
    assert proof.equivalent, proof.text()
    assert proof.routes_before == proof.routes_after
    assert len(proof.routes_before) == 7  # 3 hosts x paths, the header beta, 3 redirects
    assert proof.repointed == [f"ingress-nginx/* => envoy-gateway-system/* -> shop/{w} TCP {p}"
                               for w, p in (("api", 9000), ("api-next", 9000), ("web", 8080),
                                            ("web-canary", 8080))]


def test_example_gitops_output_is_up_to_date() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    proc = subprocess.run([sys.executable, "-m", "netkit.cli", "synth", "network.py", "--out",
                           "gitops", "--check"], cwd=EXAMPLE, capture_output=True, text=True,
                          env=env)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def _broken(source: str, old: str, new: str) -> str:
    assert old in source
    return source.replace(old, new)


def test_verify_catches_a_dropped_policy(example: Any) -> None:
    broken = _broken(example.source, '    shop.allow(shop_api, to=shop_db, port="pg")\n', "")
    proof = verify_source(example.objects, broken)
    assert not proof.equivalent
    assert "- shop/api -> shop/db TCP 5432" in proof.text()
    assert proof.flows.removed and not proof.flows.added


def test_verify_catches_a_wrong_backend(example: Any) -> None:
    broken = _broken(example.source, 'shop_api_ingress.route("/v1", shop_api_svc)',
                     'shop_api_ingress.route("/v1", shop_api_next_svc)')
    broken = broken.replace("stable=shop_api_svc", "stable=shop_api_next_svc").replace(
        "canary=shop_api_next_svc", "canary=shop_api_svc")
    proof = verify_source(example.objects, broken)
    assert not proof.equivalent
    assert "- route api.shop.example.com/v1 (Prefix): shop/api:80 100%" in proof.routing_changes
    assert "+ route api.shop.example.com/v1 (Prefix): shop/api-next:80 100%" in \
        proof.routing_changes


def test_cli_import_verify_and_verify_only(tmp_path: Path) -> None:
    out = tmp_path / "network.py"
    result = CliRunner().invoke(app, ["import", MANIFESTS, "--out", str(out), "--verify"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == "equivalent"
    assert "not carried over: Ingress/shop/api: nginx.ingress.kubernetes.io/" \
           "proxy-read-timeout=120" in result.stderr
    result = CliRunner().invoke(app, ["import", MANIFESTS, "--out", str(out), "--verify-only"])
    assert result.exit_code == 0, result.output
    out.write_text(out.read_text().replace(
        '    shop.allow(shop_api, to=cidr("192.0.2.0/24"), port=443)\n', ""))
    result = CliRunner().invoke(app, ["import", MANIFESTS, "--out", str(out), "--verify-only"])
    assert result.exit_code == 1
    assert "- shop/api -> ext/192.0.2.0/24 TCP 443" in result.stdout
    assert result.stdout.splitlines()[-1] == "NOT equivalent"


def test_cli_proof_formats(tmp_path: Path) -> None:
    out = tmp_path / "network.py"
    result = CliRunner().invoke(app, ["import", MANIFESTS, "--out", str(out), "--verify",
                                      "--format", "json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["equivalent"] is True and doc["edge"] == {"from": "ingress-nginx",
                                                         "to": "envoy-gateway-system"}
    assert doc["flows"] == {"added": [], "removed": []}
    result = CliRunner().invoke(app, ["import", MANIFESTS, "--out", str(out), "--verify-only",
                                      "--format", "markdown"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("### netkit import: equivalent\n")
    assert "#### Reachability: no change in reachability" in result.stdout
    result = CliRunner().invoke(app, ["import", MANIFESTS, "--verify", "--format", "xml"])
    assert result.exit_code == 2 and "unknown format 'xml'" in result.stderr


def test_cli_stdout_stdin_and_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    text = "".join(p.read_text() + "\n---\n" for p in sorted(Path(MANIFESTS).glob("*.yaml")))
    result = CliRunner().invoke(app, ["import", "-", "--stdout"], input=text)
    assert result.exit_code == 0, result.output
    assert "From: stdin" in result.stdout and "ZeroTrustNamespace(" in result.stdout
    result = CliRunner().invoke(app, ["import", MANIFESTS, "--target", "ingress=gatway-api",
                                      "--stdout"])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: --target: ingress:") and \
        len(result.stderr.splitlines()) == 1
    result = CliRunner().invoke(app, ["import", MANIFESTS, "--blueprint", "Bad Name"])
    assert result.exit_code == 2 and result.stderr.startswith("error: --blueprint: invalid id")
    result = CliRunner().invoke(app, ["import", MANIFESTS, "--verify-only", "--out",
                                      str(tmp_path / "none.py")])
    assert result.exit_code == 2 and "no blueprint file to verify" in result.stderr
    result = CliRunner().invoke(app, ["import", str(tmp_path / "missing")])
    assert result.exit_code == 2 and len(result.stderr.splitlines()) == 1
    assert not (tmp_path / "network.py").exists()  # errors write nothing


def test_cli_target_picks_the_gateway(tmp_path: Path) -> None:
    out = tmp_path / "network.py"
    result = CliRunner().invoke(app, ["import", MANIFESTS, "--out", str(out), "--verify",
                                      "--target", "ingress=gateway-api,gateway="
                                                  "nginx-gateway-fabric"])
    assert result.exit_code == 0, result.output
    assert 'Target(ingress="gateway-api", gateway="nginx-gateway-fabric")' in out.read_text()
    assert "ingress-nginx/* => gateway/* -> shop/web" in result.stdout


# -- exports -------------------------------------------------------------------------------

def _exported(obj: dict[str, Any], n: int) -> dict[str, Any]:
    """``obj`` as `kubectl get -o json` shows it: server fields and status filled in."""
    out = json.loads(json.dumps(obj))
    md = out["metadata"]
    md.update(uid=f"00000000-0000-0000-0000-{n:012d}", resourceVersion=str(1000 + n),
              generation=1, creationTimestamp="2026-03-01T10:00:00Z",
              managedFields=[{"manager": "kubectl", "operation": "Update"}])
    md.setdefault("annotations", {})["kubectl.kubernetes.io/last-applied-configuration"] = \
        json.dumps(obj)
    status = {"Namespace": {"phase": "Active"}, "Service": {"loadBalancer": {}},
              "Ingress": {"loadBalancer": {"ingress": [{"ip": "198.51.100.7"}]}},
              "Deployment": {"observedGeneration": 1, "replicas": 1, "readyReplicas": 1},
              "StatefulSet": {"observedGeneration": 1, "replicas": 1, "readyReplicas": 1}}
    if out["kind"] in status:
        out["status"] = status[out["kind"]]
    if out["kind"] == "Service":
        out["spec"].update(clusterIP=f"10.96.0.{n}", clusterIPs=[f"10.96.0.{n}"],
                           ipFamilies=["IPv4"], sessionAffinity="None",
                           internalTrafficPolicy="Cluster")
    return out


def test_a_kubectl_export_imports_like_the_manifests(tmp_path: Path, example: Any) -> None:
    items = [_exported(o.obj, i) for i, o in enumerate(example.objects)]
    export = tmp_path / "export.json"
    export.write_text(json.dumps({"apiVersion": "v1", "kind": "List", "metadata": {
        "resourceVersion": ""}, "items": items}, indent=2))
    imported = import_manifests([str(export)])
    assert imported.source.replace(str(export), "manifests") == (
        EXAMPLE / "network.py").read_text()
    assert verify_source(imported.objects, imported.source).equivalent


def test_an_export_whose_items_lack_kinds_imports(tmp_path: Path, example: Any) -> None:
    services = [o.obj for o in example.objects if o.kind == "Service"]
    bare = [{k: v for k, v in s.items() if k not in ("apiVersion", "kind")} for s in services]
    export = tmp_path / "export.yaml"
    rest = [o.obj for o in example.objects if o.kind != "Service"]
    export.write_text(yaml.safe_dump_all([{"apiVersion": "v1", "kind": "ServiceList",
                                           "items": bare}, *rest]))
    imported = import_manifests([str(export)])
    assert len(imported.plan.namespaces[0].services) == len(services)


# -- round trips ---------------------------------------------------------------------------

def _pods(bp: Any) -> list[KubeObject]:
    """The workloads a blueprint declares, as the Deployments a cluster would run."""
    return [KubeObject({"apiVersion": "apps/v1", "kind": "Deployment",
                        "metadata": {"name": w.name, "namespace": w.namespace},
                        "spec": {"selector": {"matchLabels": w.labels}, "template": {
                            "metadata": {"labels": w.labels}, "spec": {
                                "serviceAccountName": w.service_account, "containers": [{
                                "name": "c", "image": "x", "ports": [
                                    {"name": p.name, "containerPort": p.port,
                                     "protocol": p.protocol} for p in w.ports]}]}}}})
            for w in declared(bp)]


def _objects(bp: Any) -> str:
    return dump_all(sorted((o.obj for o in rendered(bp)[0]),
                           key=lambda o: (o["kind"], o["metadata"].get("namespace", ""),
                                          o["metadata"]["name"])))


@pytest.mark.parametrize("blueprint", ["examples/app-repo/network.py",
                                       "examples/migrate-ingress-nginx/network.py"])
def test_round_trip_from_ingress_nginx_output(blueprint: str, tmp_path: Path) -> None:
    """A blueprint rendered for ingress-nginx, imported for Gateway API, synthesizes the
    objects the blueprint itself synthesizes for Gateway API."""
    path = ROOT / blueprint
    [legacy] = load_blueprints([path], overrides={"ingress": "ingress-nginx"})
    [original] = load_blueprints([path])
    inputs = rendered(legacy)[0] + _pods(legacy)
    fields = {k: str(v) for k, v in original.target.model_dump().items()
              if k in ("ingress", "gateway", "cni") and v != "calico"}
    imported = import_objects(inputs, name=original.name, target=fields)
    copy = tmp_path / "network.py"
    copy.write_text(imported.source)
    [again] = load_blueprints([copy])
    assert _objects(again) == _objects(original)
    assert verify_source(inputs, imported.source).equivalent


def test_the_example_runs_from_a_copy(tmp_path: Path) -> None:
    shutil.copytree(EXAMPLE / "manifests", tmp_path / "manifests")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    proc = subprocess.run([sys.executable, "-m", "netkit.cli", "import", "manifests",
                           "--verify"], cwd=tmp_path, capture_output=True, text=True, env=env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (tmp_path / "network.py").read_text() == (EXAMPLE / "network.py").read_text()


@pytest.mark.parametrize("with_pods", [True, False], ids=["with-deployments", "output-only"])
@pytest.mark.parametrize("example_dir", ["examples/app-repo", "examples/migrate-ingress-nginx"])
def test_round_trip_from_gateway_api_output(example_dir: str, with_pods: bool,
                                            tmp_path: Path) -> None:
    """A bundled example's synthesized GitOps output (Gateway API), imported, synthesizes the
    same objects as the example's blueprint; without Deployments, the workloads are inferred
    from the pods the policies select."""
    [original] = load_blueprints([ROOT / example_dir / "network.py"])
    inputs = load_manifests([str(ROOT / example_dir / "gitops")])
    inputs += _pods(original) if with_pods else []
    imported = import_objects(inputs)
    assert imported.plan.name == original.name
    assert not [n for n in imported.notes if n.subject in ("ListenerSet", "NetworkPolicy",
                                                           "Service")]
    copy = tmp_path / "network.py"
    copy.write_text(imported.source)
    [again] = load_blueprints([copy])
    assert _objects(again) == _objects(original)
    proof = verify_source(inputs, imported.source)
    assert proof.equivalent and not proof.repointed, proof.text()


# Every construct scenario, rendered for each target, imported back for Gateway API: always
# the same routing and flows; for these, the very same objects.
EXACT = {("zero_trust", "gateway-api"), ("zero_trust", "ingress-nginx"),
         ("services", "gateway-api"), ("services", "ingress-nginx"),
         ("rate_limited", "gateway-api"), ("rate_limited", "ingress-nginx"),
         ("tls_ingress", "gateway-api"), ("tls_ingress", "ingress-nginx"),
         ("canaries", "gateway-api"), ("canaries", "ingress-nginx"),
         ("mirror", "gateway-api"), ("dedicated_gateway", "ingress-nginx"),
         ("cross_namespace", "gateway-api"), ("nginx_gateway_fabric", "gateway-api"),
         ("staged", "gateway-api"), ("staged", "ingress-nginx")}


@pytest.mark.parametrize(("scenario", "target"), [
    (s, t) for s in SCENARIOS for t in TARGETS if (s, t) not in UNSUPPORTED])
def test_round_trip_of_every_scenario(scenario: str, target: str, tmp_path: Path) -> None:
    bp = SCENARIOS[scenario](TARGETS[target])
    inputs = rendered(bp)[0] + _pods(bp)
    fields = {k: str(v) for k, v in bp.target.model_dump().items()
              if isinstance(v, str) and v != getattr(Target(), k)}
    imported = import_objects(inputs, name=bp.name, target={**fields, "ingress": "gateway-api"})
    proof = verify_source(inputs, imported.source)
    assert proof.equivalent, imported.source + proof.text()
    if (scenario, target) in EXACT:
        copy = tmp_path / "network.py"
        copy.write_text(imported.source)
        [again] = load_blueprints([copy])
        gateway_api = SCENARIOS[scenario](bp.target.model_copy(update={"ingress": "gateway-api"}))
        assert _objects(again) == _objects(gateway_api)


@pytest.mark.parametrize("options", [
    "rps=20, per_client_ip=True, allowlist=['10.0.0.0/8', '2001:db8::/32'], status_code=503",
    "rpm=600, allowlist=['192.0.2.0/24'], status_code=429",
])
def test_round_trip_of_envoy_limits(options: str, tmp_path: Path) -> None:
    source = f'''
from netkit import Blueprint, Target
from netkit.constructs import RateLimitedService, TlsIngress, ZeroTrustNamespace


def build(env: str = "prod") -> Blueprint:
    bp = Blueprint("limits", target=Target())
    ns = ZeroTrustNamespace(bp, "shop")
    web = ns.workload("web", labels={{"app": "web"}}, ports={{"http": 8080}})
    svc = RateLimitedService(ns, "web", workload=web, port=80, target_port="http", {options})
    site = TlsIngress(ns, "site", hosts=["shop.example.com"], secret="shop-tls")
    site.route("/", svc)
    return bp
'''
    path = tmp_path / "limits.py"
    path.write_text(source)
    [original] = load_blueprints([path])
    inputs = rendered(original)[0] + _pods(original)
    imported = import_objects(inputs)
    copy = tmp_path / "network.py"
    copy.write_text(imported.source)
    [again] = load_blueprints([copy])
    assert _objects(again) == _objects(original)


def test_the_example_without_its_deployments_still_imports_with_proof(tmp_path: Path) -> None:
    """Only the network objects (no Deployments): workloads are inferred from the policies;
    what needs the pods' named ports stays as it is, and the proof still holds."""
    for name in ("namespace", "services", "ingresses", "networkpolicies"):
        shutil.copy(EXAMPLE / "manifests" / f"{name}.yaml", tmp_path)
    imported = import_manifests([str(tmp_path)])
    assert 'shop.workload("api", labels={"app": "api"}, ports={"http": 9000})' in \
        imported.source
    proof = verify_source(imported.objects, imported.source)
    assert proof.equivalent, proof.text()


@pytest.mark.parametrize("with_pods", [True, False], ids=["with-deployments", "output-only"])
@pytest.mark.parametrize("ingress", ["gateway-api", "ingress-nginx"])
@pytest.mark.parametrize("name", [
    "payments", "platform", "shop"])
def test_round_trip_of_the_bundled_blueprints(name: str, ingress: str, with_pods: bool,
                                              tmp_path: Path) -> None:
    """blueprints/*.py synthesized for either ingress, imported for Gateway API, synthesize
    the objects the blueprint synthesizes for Gateway API."""
    path = ROOT / "blueprints" / f"{name}.py"
    for bp, expected in zip(load_blueprints([path], overrides={"ingress": ingress}),
                            load_blueprints([path]), strict=True):
        inputs = rendered(bp)[0] + (_pods(bp) if with_pods else [])
        fields = {k: str(v) for k, v in bp.target.model_dump().items()
                  if isinstance(v, str) and v != getattr(Target(), k)}
        imported = import_objects(inputs, name=bp.name,
                                  target={**fields, "ingress": "gateway-api"})
        copy = tmp_path / f"{bp.name}.py"
        copy.write_text(imported.source)
        [again] = load_blueprints([copy])
        assert _objects(again) == _objects(expected)
        assert verify_source(inputs, imported.source).equivalent


def test_every_imported_scenario_is_ruff_formatted_and_clean(tmp_path: Path) -> None:
    ruff = Path(sys.executable).parent / "ruff"
    assert ruff.exists(), "ruff comes with the test extra"
    for scenario, build in SCENARIOS.items():
        for target, chosen in TARGETS.items():
            if (scenario, target) not in UNSUPPORTED:
                bp = build(chosen)
                for pods in (_pods(bp), []):
                    source = import_objects(rendered(bp)[0] + pods).source
                    (tmp_path / f"{scenario}_{target}_{bool(pods)}.py").write_text(source)
    for args in (["format", "--check"], ["check", "--select", "F,W,I"]):
        proc = subprocess.run([str(ruff), *args, "--no-cache", "."], capture_output=True,
                              text=True, cwd=tmp_path)
        assert proc.returncode == 0, proc.stdout + proc.stderr
