"""Staged enforcement: Calico staged policies that are evaluated and logged but not enforced,
an error with the alternative elsewhere, and a one-line move to enforced that diff shows."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from netkit import Blueprint, Target
from netkit.cli import app
from netkit.constructs import ZeroTrustNamespace
from netkit.errors import CapabilityError, ConfigError, ConstructError
from netkit.testing import synth

runner = CliRunner()
NETWORK = '''\
from netkit import Blueprint, Target
from netkit.constructs import ZeroTrustNamespace


def build(env: str = "prod") -> Blueprint:
    bp = Blueprint("shop", target=Target(cni="calico", enforcement="staged"))
    shop = ZeroTrustNamespace(bp, "shop")
    web = shop.workload("web", labels={"app": "web"}, ports={"http": 8080})
    api = shop.workload("api", labels={"app": "api"}, ports={"http": 8080})
    shop.allow(web, to=api, port="http")
    return bp
'''


def test_staged_renders_calico_staged_policies_only_for_policies() -> None:
    bp = Blueprint("shop", target=Target(enforcement="staged"))
    ZeroTrustNamespace(bp, "shop").workload("web", labels={"app": "web"})
    kinds = sorted(o["kind"] for o in synth(bp).objects)
    assert kinds == ["Namespace", "StagedKubernetesNetworkPolicy",
                     "StagedKubernetesNetworkPolicy"]
    assert synth(bp).rules("warning") == []  # valid against the bundled Calico CRDs


@pytest.mark.parametrize("cni", ["cilium", "antrea", "kindnet"])
def test_a_cni_without_staged_policies_is_an_error_with_the_alternative(cni: str) -> None:
    bp = Blueprint("shop", target=Target(cni=cni, enforcement="staged"))
    ZeroTrustNamespace(bp, "shop")
    with pytest.raises(CapabilityError) as caught:
        synth(bp)
    assert f"cni={cni!r} has none" in caught.value.message
    assert caught.value.hint is not None and "netkit audit --flows" in caught.value.hint


def test_one_namespace_can_differ_from_the_target() -> None:
    bp = Blueprint("shop", target=Target(cni="cilium"))
    ZeroTrustNamespace(bp, "shop", enforcement="enforced")
    assert {o["kind"] for o in synth(bp).objects} == {"Namespace", "NetworkPolicy"}
    with pytest.raises(ConstructError, match="enforcement"):
        ZeroTrustNamespace(bp, "other", enforcement="audit")  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="enforcement"):
        Target().with_overrides({"enforcement": "later"})


def test_staged_to_enforced_is_one_line_and_diff_shows_it(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch
                                                          ) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    network = tmp_path / "network.py"
    network.write_text(NETWORK, encoding="utf-8")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run(["git", "init", "-q"], check=True)
    subprocess.run([*git, "add", "network.py"], check=True)
    subprocess.run([*git, "commit", "-qm", "staged"], check=True)
    network.write_text(NETWORK.replace(', enforcement="staged"', ""), encoding="utf-8")
    changed = subprocess.run(["git", "diff", "--numstat"], capture_output=True, text=True,
                             check=True).stdout.split()
    assert changed[:2] == ["1", "1"]
    result = runner.invoke(app, ["diff", "--base", "HEAD", "network.py", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["added"] == []
    closed = {(c["from"], c["to"]) for c in data["removed"]}
    assert ("shop/api", "shop/web") in closed and ("shop/web", "shop/api") in closed


def test_audit_flows_judges_staged_policies_as_they_will_be_enforced(tmp_path: Path) -> None:
    network = tmp_path / "network.py"
    network.write_text(NETWORK, encoding="utf-8")
    log = tmp_path / "flows.csv"
    log.write_text("src,dst,port,src_labels,dst_labels\n"
                   "shop/web,shop/api,8080,app=web,app=api\n"
                   "shop/api,shop/web,8080,app=api,app=web\n", encoding="utf-8")
    result = runner.invoke(app, ["audit", "--flows", str(log), str(network), "--format", "json",
                                 "--fail-on-denied"])
    assert result.exit_code == 1
    verdicts = {(f["from"], f["to"]): f["verdict"] for f in json.loads(result.stdout)["flows"]}
    assert verdicts == {("shop/web", "shop/api"): "allowed", ("shop/api", "shop/web"): "denied"}


def test_network_md_says_the_policies_are_staged(tmp_path: Path) -> None:
    network = tmp_path / "network.py"
    network.write_text(NETWORK, encoding="utf-8")
    result = runner.invoke(app, ["synth", str(network), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    doc = (tmp_path / "out" / "default" / "shop" / "NETWORK.md").read_text(encoding="utf-8")
    assert "| `default-deny` | all pods | Ingress, Egress (staged: logged, not enforced) |" in doc
    listed = (tmp_path / "out" / "default" / "shop").iterdir()
    assert {p.name for p in listed if p.name.startswith("stagedkubernetesnetworkpolicy-")} == {
        "stagedkubernetesnetworkpolicy-default-deny.yaml",
        "stagedkubernetesnetworkpolicy-allow-dns-egress.yaml",
        "stagedkubernetesnetworkpolicy-allow-egress-web.yaml",
        "stagedkubernetesnetworkpolicy-allow-ingress-api.yaml"}
