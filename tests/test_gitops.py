"""Argo CD output, sync waves, NETWORK.md, and every directory building with kubectl kustomize."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from netkit import Blueprint, Manifest, load_blueprints
from netkit import synth as lib
from netkit.analysis.model import MalformedInput
from netkit.errors import CheckFailed
from netkit.gitops.argocd import ArgoCdConfig
from netkit.testing import synth
from netkit.validate.crd_registry import CrdRegistry
from tests.conftest import ROOT

BLUEPRINTS = [ROOT / "blueprints" / f"{n}.py" for n in ("platform", "shop", "payments")]
ARGO = ArgoCdConfig(repo_url="https://git.example.com/platform/gitops.git", revision="main",
                    path_prefix="gitops")
KUBECTL = shutil.which("kubectl") or str(Path(sys.executable).parent / "kubectl")


def synthesis(mode: str = "applicationset") -> lib.Synthesis:
    cfg = ARGO.model_copy(update={"mode": mode})
    return lib.synthesize(load_blueprints(BLUEPRINTS, "prod"), argocd=cfg)


def by(s: lib.Synthesis, kind: str, name: str) -> dict[str, Any]:
    return next(o.obj for o in s.objects if o.kind == kind and o.name == name)


def wave(obj: dict[str, Any]) -> int:
    return int(obj["metadata"]["annotations"]["argocd.argoproj.io/sync-wave"])


@pytest.mark.parametrize("mode", ["applicationset", "applications"])
def test_argo_objects_validate_against_upstream_crds(mode: str) -> None:
    argo = [o.obj for o in synthesis(mode).objects if o.obj["apiVersion"].startswith("argoproj")]
    assert argo
    crds = CrdRegistry()  # with the bundled Argo CD CRDs
    for obj in argo:
        schema = crds.get(obj["apiVersion"], obj["kind"])
        assert schema is not None and schema.validate(obj) == [], obj["metadata"]["name"]
        text = yaml.safe_dump(obj)
        assert "CreateNamespace" not in text  # netkit owns the Namespace objects


def test_application_set_generates_one_app_per_directory() -> None:
    s = synthesis()
    appset = by(s, "ApplicationSet", "default-netkit")
    git = appset["spec"]["generators"][0]["git"]
    assert git["directories"] == [{"path": "gitops/default/*"},
                                  {"path": "gitops/default/_argocd", "exclude": True}]
    policy = appset["spec"]["template"]["spec"]["syncPolicy"]
    assert policy["automated"] == {"prune": True, "selfHeal": True}
    assert "_argocd/applicationset-default-netkit.yaml" in " ".join(s.files)


def test_applications_mode_lists_every_directory() -> None:
    s = synthesis("applications")
    apps = sorted((o.name, o.obj["spec"]["source"]["path"]) for o in s.objects
                  if o.kind == "Application")
    assert apps == [("default-cluster", "gitops/default/_cluster"),
                    ("default-gateway", "gitops/default/gateway"),
                    ("default-payments", "gitops/default/payments"),
                    ("default-shop", "gitops/default/shop")]


def test_sync_waves_order_the_rollout() -> None:
    s = synthesis()
    assert wave(by(s, "Namespace", "shop")) < wave(by(s, "Gateway", "shared")) < 0
    assert wave(by(s, "ListenerSet", "site")) < wave(by(s, "Service", "web"))
    allow = [wave(o.obj) for o in s.objects if o.kind == "NetworkPolicy"
             and o.name.startswith("allow-")]
    assert max(allow) < wave(by(s, "NetworkPolicy", "default-deny"))
    assert wave(by(s, "Service", "web")) < wave(by(s, "HTTPRoute", "site-web")) < wave(
        by(s, "BackendTrafficPolicy", "site-web-ratelimit"))
    for o in s.objects:
        if o.obj["apiVersion"].startswith("argoproj.io/"):
            continue  # the bootstrap objects themselves are applied, not synced
        options = o.obj["metadata"]["annotations"].get("argocd.argoproj.io/sync-options", "")
        custom = o.obj["apiVersion"].split("/")[0] not in ("v1", "networking.k8s.io")
        assert ("SkipDryRunOnMissingResource=true" in options) is custom, o.ref
        assert isinstance(o.obj["metadata"]["annotations"]["argocd.argoproj.io/sync-wave"], str)


def test_without_argocd_no_waves() -> None:
    result = synth(BLUEPRINTS[1])
    assert all("argocd.argoproj.io/sync-wave" not in o["metadata"]["annotations"]
               for o in result.objects)


def test_network_md_per_namespace() -> None:
    files = synthesis().files
    doc = files["default/shop/NETWORK.md"].decode()
    assert doc.startswith("# Network of namespace `shop`")
    assert "| cafe.example.com | `/tea` | path | web:80 (90%), web-canary:80 (10%) |" in doc
    assert "| `shop/api` | `shop/db` | TCP 5432 |" in doc
    assert "`shop/web` | `shop/db`" not in doc
    assert "| `default-deny` | all pods | Ingress, Egress |" in doc
    assert "default/_cluster/NETWORK.md" not in files
    assert b"NETWORK.md" not in files["default/shop/kustomization.yaml"]


def _kustomize(directory: Path) -> list[tuple[str, str, str]]:
    out = subprocess.run([KUBECTL, "kustomize", str(directory)], capture_output=True,
                         text=True, check=True).stdout
    return sorted((d["kind"], d["metadata"].get("namespace", ""), d["metadata"]["name"])
                  for d in yaml.safe_load_all(out) if d)


def test_every_directory_builds_with_kubectl_kustomize(tmp_path: Path) -> None:
    s = synthesis()
    lib.write(s, tmp_path)
    cluster = tmp_path / "default"
    expected = sorted((o.kind, o.namespace or "", o.name) for o in s.objects)
    assert _kustomize(cluster) == expected
    for directory in sorted(p for p in cluster.iterdir() if p.is_dir()):
        mine = sorted((o.kind, o.namespace or "", o.name) for o in s.objects
                      if f"/{directory.name}/" in f"/{o.obj['metadata'].get('namespace', '')}/"
                      or (directory.name == "_cluster" and not o.namespace)
                      or (directory.name == "_argocd" and o.kind == "ApplicationSet"))
        assert _kustomize(directory) == mine, directory.name


def test_validation_still_running_beside_the_write_decides_first(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # As for a large input: validation runs in a child while the files are staged.
    monkeypatch.setattr(lib, "PARALLEL_OBJECTS", 1)
    bp = Blueprint("bad")
    Manifest(bp, "svc", {"apiVersion": "v1", "kind": "Service",
                         "metadata": {"name": "web", "namespace": "a"},
                         "spec": {"ports": [{"port": 0}]}})
    result = lib.synthesize([bp], parallel=True)
    fresh = tmp_path / "fresh"
    with pytest.raises(CheckFailed, match=r"1 validation error\(s\), nothing written"):
        lib.write(result, fresh)
    assert not fresh.exists()
    # A problem of the output directory (a file netkit does not own in the way) comes second.
    out = tmp_path / "out"
    (out / "default" / "a").mkdir(parents=True)
    (out / "default" / "a" / "service-web.yaml").write_text("mine\n")
    for options in ({}, {"check": True}, {"dry_run": True}):
        with pytest.raises(CheckFailed):
            lib.write(result, out, **options)
    assert (out / "default" / "a" / "service-web.yaml").read_text() == "mine\n"
    assert sorted(p.name for p in out.rglob("*")) == ["a", "default", "service-web.yaml"]


@pytest.mark.parametrize("parallel_objects", [10**9, 1])
def test_a_malformed_policy_is_refused_as_the_analysis_refuses_it(
        parallel_objects: int, monkeypatch: pytest.MonkeyPatch) -> None:
    # NETWORK.md is made from objects validation checks beside it, in a child for a large
    # input; what it refuses, the analysis refuses as it always did.
    monkeypatch.setattr(lib, "PARALLEL_OBJECTS", parallel_objects)
    bp = Blueprint("bad")
    Manifest(bp, "np", {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
                        "metadata": {"name": "x", "namespace": "a"},
                        "spec": {"podSelector": {}, "ingress": [
                            {"from": [{"ipBlock": {"cidr": "10.0.0.0/8", "bogus": 1}}]}]}})
    with pytest.raises(MalformedInput, match="NetworkPolicy x is malformed"):
        lib.synthesize([bp], parallel=True).findings  # noqa: B018
