"""Declared workloads' identities in the GitOps output: written by synth where Argo CD and
kustomize never apply them, read back so that auditing the output equals auditing the
blueprints."""

from __future__ import annotations

from pathlib import Path

import yaml
from typer.testing import CliRunner

from netkit import load_blueprints
from netkit import synth as lib
from netkit.cli import app
from netkit.inputs.identities import read_identities
from netkit.validate import validate
from tests.conftest import ROOT
from tests.test_gitops import ARGO

BLUEPRINTS = sorted(str(p) for p in (ROOT / "blueprints").glob("*.py"))
runner = CliRunner()


def written(tmp_path: Path) -> Path:
    out = tmp_path / "gitops"
    result = runner.invoke(app, ["synth", *BLUEPRINTS, "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


def audit(*paths: str) -> str:
    result = runner.invoke(app, ["audit", *paths, "--format", "json"])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_auditing_the_output_equals_auditing_the_blueprints(tmp_path: Path) -> None:
    out = written(tmp_path)
    assert audit(str(out)) == audit(*BLUEPRINTS)
    assert '"shop/web"' in audit(str(out / "default" / "shop"))  # one namespace directory


def test_identities_are_schema_valid_and_never_applied() -> None:
    s = lib.synthesize(load_blueprints(BLUEPRINTS, "prod"), argocd=ARGO)
    identities = {p: d for p, d in s.files.items() if "/.netkit/" in p}
    assert sorted(identities) == ["default/payments/.netkit/workloads.yaml",
                                  "default/shop/.netkit/workloads.yaml"]
    docs = [d for data in identities.values() for d in yaml.safe_load_all(data)]
    assert {d["kind"] for d in docs} == {"PodTemplate"}
    assert [f for f in validate(docs) if f.severity != "info"] == []
    kustomizations = [d for p, d in s.files.items() if p.endswith("kustomization.yaml")]
    assert not any(b".netkit" in k for k in kustomizations)
    web = next(d for d in docs if d["metadata"]["name"] == "web")
    assert web["template"]["metadata"]["labels"] == {"app": "web-server", "track": "stable"}
    assert web["template"]["spec"]["containers"][0]["ports"] == [
        {"containerPort": 9376, "name": "http", "protocol": "TCP"}]


def test_a_namespace_without_a_directory_keeps_its_identities_with_the_cluster(
        tmp_path: Path) -> None:
    blueprint = tmp_path / "bp.py"
    blueprint.write_text(
        "from netkit import Blueprint\nfrom netkit.constructs import Namespace\n"
        "bp = Blueprint('bare')\nns = Namespace(bp, 'bare')\n"
        "ns.workload('job', labels={'app': 'job'}, ports={'metrics': 9090})\n")
    out = tmp_path / "out"
    assert runner.invoke(app, ["synth", str(blueprint), "--out", str(out)]).exit_code == 0
    assert (out / "default" / "_cluster" / ".netkit" / "workloads.yaml").is_file()
    assert '"bare/job"' in audit(str(out))


def test_excluded_folders_and_foreign_content(tmp_path: Path) -> None:
    out = written(tmp_path)
    assert {w.namespace for w in read_identities([str(out)])} == {"shop", "payments"}
    assert {w.namespace for w in read_identities([str(out)], ["payments"])} == {"shop"}
    identities = out / "default" / "shop" / ".netkit" / "workloads.yaml"
    identities.write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n")
    bad = runner.invoke(app, ["audit", str(out)])
    assert bad.exit_code == 2
    assert bad.stderr.startswith(f"error: {identities}:1: not a netkit workload identity")


def test_an_audit_of_output_without_identities_warns_per_namespace(tmp_path: Path) -> None:
    out = written(tmp_path)
    assert "NK220" not in runner.invoke(app, ["audit", str(out)]).stderr
    for identities in out.rglob(".netkit/workloads.yaml"):
        identities.unlink()
    result = runner.invoke(app, ["audit", str(out)])
    assert result.exit_code == 0
    warned = [line for line in result.stderr.splitlines() if "[NK220]" in line]
    assert [line.split(": ")[2] for line in warned] == [
        "NetworkPolicy/payments/allow-dns-egress", "NetworkPolicy/shop/allow-dns-egress"]
    html = runner.invoke(app, ["audit", str(out), "--format", "html"])
    assert html.stdout.count("NK220") == 2
