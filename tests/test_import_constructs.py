"""netkit import of the constructs whose objects it recognises by rendering them again
(Calico staged namespaces, ClusterGuardrails, the Istio mesh, Service exports): edited
objects are kept as Manifests, never dropped."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from netkit import Blueprint, KubeObject, Target, load_blueprints
from netkit.importer import import_objects, verify_source
from netkit.serialize import dump_all
from netkit.workspace import rendered
from tests.conftest import ROOT
from tests.scenarios import staged


def _objects(bp: Blueprint) -> str:
    return dump_all(sorted((o.obj for o in rendered(bp)[0]),
                           key=lambda o: (o["kind"], o["metadata"].get("namespace", ""),
                                          o["metadata"]["name"])))


def _again(source: str, tmp_path: Path) -> Blueprint:
    copy_ = tmp_path / "network.py"
    copy_.write_text(source)
    [again] = load_blueprints([copy_])
    return again


def _blueprint(name: str, **target: str) -> tuple[Blueprint, list[KubeObject]]:
    [bp] = load_blueprints([ROOT / "blueprints" / f"{name}.py"], overrides=target)
    return bp, rendered(bp)[0]


def test_staged_namespaces_import_with_their_own_enforcement(tmp_path: Path) -> None:
    bp = staged(Target())
    inputs = rendered(bp)[0]
    imported = import_objects(inputs)  # the target enforces: the staged namespace says so
    assert 'ZeroTrustNamespace(bp, "shop", enforcement="staged")' in imported.source
    assert 'ZeroTrustNamespace(bp, "data")' in imported.source
    assert _objects(_again(imported.source, tmp_path)) == _objects(bp)
    staged_target = import_objects(inputs, target={"enforcement": "staged"})
    assert 'ZeroTrustNamespace(bp, "data", enforcement="enforced")' in staged_target.source
    assert verify_source(inputs, staged_target.source).equivalent


def test_a_staged_policy_allow_cannot_express_stays_staged(tmp_path: Path) -> None:
    bp = staged(Target())
    inputs = rendered(bp)[0]
    odd = copy.deepcopy(next(o.obj for o in inputs if o.kind == "StagedKubernetesNetworkPolicy"
                             and o.namespace == "shop" and o.name.startswith("allow")))
    odd["metadata"]["name"] = "by-expression"
    odd["spec"]["podSelector"] = {"matchExpressions": [{"key": "app", "operator": "Exists"}]}
    imported = import_objects([*inputs, KubeObject(odd)])
    again = _again(imported.source, tmp_path)
    kept = [o for o in rendered(again)[0] if o.name == "by-expression"]
    assert [(o.kind, o.spec.get("stagedAction")) for o in kept] == [
        ("StagedKubernetesNetworkPolicy", "Set")]
    assert any(n.where == "NetworkPolicy/shop/by-expression" for n in imported.notes)


def test_mixed_staged_and_enforced_policies_are_kept_as_they_are() -> None:
    inputs = rendered(staged(Target()))[0]
    enforced = copy.deepcopy(next(o.obj for o in inputs if o.namespace == "data"
                                  and o.kind == "NetworkPolicy"))
    enforced["metadata"]["namespace"] = "shop"
    imported = import_objects([*inputs, KubeObject(enforced)])
    assert 'ZeroTrustNamespace(bp, "shop"' not in imported.source
    shop = [o for o in inputs if o.namespace == "shop" and o.kind != "Namespace"]
    assert imported.source.count('"kind": "StagedKubernetesNetworkPolicy"') == len(shop)


def _guardrails(objects: list[KubeObject]) -> list[dict[str, Any]]:
    return [o.obj for o in objects if o.kind == "ClusterNetworkPolicy"]


def test_guardrails_import_with_their_options_and_priority(tmp_path: Path) -> None:
    source = '''
from netkit import Blueprint, Target
from netkit.constructs import ClusterGuardrails, DnsEgress


def build(env: str = "prod") -> Blueprint:
    bp = Blueprint("guards", target=Target())
    ClusterGuardrails(bp, "low", priority=40, deny_metadata=False, baseline_deny=False,
                      dns=DnsEgress(node_local_address="169.254.20.10"))
    ClusterGuardrails(bp, "high", priority=3, metadata_addresses=["100.100.100.200/32"],
                      exempt_namespaces=[])
    return bp
'''
    path = tmp_path / "guards.py"
    path.write_text(source)
    [original] = load_blueprints([path])
    imported = import_objects(rendered(original)[0])
    assert "Manifest" not in imported.source
    assert 'ClusterGuardrails( bp, "high", priority=3,' in " ".join(imported.source.split())
    assert _objects(_again(imported.source, tmp_path)) == _objects(original)


def test_an_edited_guardrail_keeps_all_its_policies_as_manifests(tmp_path: Path) -> None:
    bp, inputs = _blueprint("platform")
    metadata = next(o for o in inputs if o.name == "guardrails-deny-metadata")
    metadata.obj["spec"]["priority"] = 99  # not the next of the guardrails' priorities
    imported = import_objects(inputs, name=bp.name)
    assert "ClusterGuardrails(" not in imported.source
    again = rendered(_again(imported.source, tmp_path))[0]
    assert sorted(str(o["metadata"]["name"]) for o in _guardrails(again)) == sorted(
        str(o["metadata"]["name"]) for o in _guardrails(inputs))
    assert any(n.where == "ClusterNetworkPolicy/guardrails-deny-metadata" for n in imported.notes)
    assert verify_source(inputs, imported.source).equivalent


def test_istio_mesh_and_trust_domain_are_detected(tmp_path: Path) -> None:
    bp, inputs = _blueprint("payments", trust_domain="corp.example", ingress="gateway-api")
    imported = import_objects(inputs, name=bp.name, target={"cni": "cilium"})
    assert 'mesh="istio"' in imported.source and 'trust_domain="corp.example"' in \
        imported.source
    assert 'service_account="payments-webhooks"' in imported.source
    assert "export=True" in imported.source and "Manifest" not in imported.source
    assert _objects(_again(imported.source, tmp_path)) == _objects(bp)


def test_an_edited_mesh_policy_keeps_the_istio_objects(tmp_path: Path) -> None:
    bp, inputs = _blueprint("payments")
    policy = next(o for o in inputs if o.name == "allow-webhooks")
    policy.obj["spec"]["rules"][0]["to"][0]["operation"]["methods"] = ["POST"]
    imported = import_objects(inputs, name=bp.name, target={"cni": "cilium"})
    assert "mesh=" not in imported.source
    istio = sorted(o.ref for o in rendered(_again(imported.source, tmp_path))[0]
                   if o.api_version.startswith("security.istio.io/"))
    assert istio == sorted(o.ref for o in inputs if o.api_version.startswith(
        "security.istio.io/"))
    assert '"methods": ["POST"]' in imported.source


def test_a_service_export_of_no_declared_service_stays_a_manifest() -> None:
    bp, inputs = _blueprint("payments")
    export = next(o for o in inputs if o.kind == "ServiceExport")
    other = copy.deepcopy(export.obj)
    other["metadata"]["name"] = "ledger"
    imported = import_objects([*inputs, KubeObject(other)], name=bp.name,
                              target={"cni": "cilium"})
    assert imported.source.count("export=True") == 1
    assert '"name": "ledger"' in imported.source


def test_cilium_guardrails_import_as_the_construct(tmp_path: Path) -> None:
    bp, inputs = _blueprint("platform", cni="cilium")
    imported = import_objects(inputs, name=bp.name, target={"cni": "cilium"})
    assert "ClusterGuardrails(" in imported.source
    assert "CiliumClusterwideNetworkPolicy" not in imported.source
    assert _objects(_again(imported.source, tmp_path)) == _objects(bp)
