"""netkit validate: inputs, formats, exit codes, suppressions, CRDs; synth refuses bad output."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from netkit.cli import app
from netkit.validate import validate
from netkit.validate.engine import PARALLEL_OBJECTS, Validator
from tests.conftest import ROOT

runner = CliRunner()

BAD = """\
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: shop
spec:
  selector: {app: web}
  ports:
  - port: 0
---
# a comment between documents
apiVersion: v1
kind: Service
metadata:
  name: lb
  namespace: shop
spec:
  type: LoadBalancer
  selector: {app: web}
  ports:
  - port: 443
"""

ROUTE = """\
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: r, namespace: shop}
spec:
  hostnames: [a.example.com]
  rules:
  - backendRef: []
"""


def crd(group: str, kind: str, spec: dict[str, Any]) -> str:
    """A CustomResourceDefinition serving v1 of ``kind`` with ``spec`` as its spec's schema."""
    plural = f"{kind.lower()}s"
    version = {"name": "v1", "served": True, "storage": True, "schema": {"openAPIV3Schema": {
        "type": "object", "properties": {"spec": spec}}}}
    return yaml.safe_dump({
        "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
        "metadata": {"name": f"{plural}.{group}"},
        "spec": {"group": group, "names": {"kind": kind, "plural": plural},
                 "scope": "Namespaced", "versions": [version]}})


WIDGET_CRD = crd("example.com", "Widget", {"type": "object",
                                           "properties": {"size": {"type": "integer"}}})
WIDGET = """\
apiVersion: example.com/v1
kind: Widget
metadata: {name: w, namespace: shop}
spec: {colour: blue}
"""


@pytest.fixture
def bad_file(tmp_path: Path) -> Path:
    path = tmp_path / "manifests" / "bad.yaml"
    path.parent.mkdir()
    path.write_text(BAD)
    return path


def test_text_output_file_line_and_exit_1(bad_file: Path) -> None:
    result = runner.invoke(app, ["validate", str(bad_file.parent)])
    assert result.exit_code == 1
    # Each finding points at the line of its field (the nearest one written, if it is missing).
    assert f"{bad_file}:9 Service/shop/web" in result.stdout
    assert "error   NK010 spec.ports[0].port: Invalid value: 0" in result.stdout
    assert f"{bad_file}:17 Service/shop/lb" in result.stdout
    assert result.stdout.rstrip().endswith("1 error, 1 warning, 0 info")


def test_json_output(bad_file: Path) -> None:
    result = runner.invoke(app, ["validate", str(bad_file), "--format", "json"])
    assert result.exit_code == 1
    findings = json.loads(result.stdout)["findings"]
    assert {"rule", "severity", "object", "field", "message", "hint", "file", "line"} <= set(
        findings[0])
    assert [(f["rule"], f["line"], f["field"]) for f in findings] == [
        ("NK010", 9, "spec.ports[0].port"), ("NK115", 17, "spec.loadBalancerSourceRanges")]


def test_sarif_output(bad_file: Path) -> None:
    result = runner.invoke(app, ["validate", str(bad_file), "--format", "sarif"])
    log = json.loads(result.stdout)
    assert log["version"] == "2.1.0"
    run = log["runs"][0]
    assert {r["id"] for r in run["tool"]["driver"]["rules"]} == {"NK010", "NK115"}
    first = run["results"][0]
    assert first["level"] == "error" and first["ruleId"] == "NK010"
    assert first["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": bad_file.as_uri()},  # outside the repository: absolute
        "region": {"startLine": 9}}


def test_fail_on_warning_and_ignore(bad_file: Path, tmp_path: Path) -> None:
    lb_only = tmp_path / "lb.yaml"
    lb_only.write_text(BAD.split("---\n")[1])
    assert runner.invoke(app, ["validate", str(lb_only)]).exit_code == 0
    assert runner.invoke(app, ["validate", str(lb_only), "--fail-on", "warning"]).exit_code == 1
    ignored = runner.invoke(app, ["validate", str(lb_only), "--fail-on", "warning",
                                  "--ignore", "NK115"])
    assert ignored.exit_code == 0 and "0 errors, 0 warnings" in ignored.stdout


def test_ignore_annotation_suppresses_one_object() -> None:
    lb = {"apiVersion": "v1", "kind": "Service", "metadata": {
        "name": "lb", "namespace": "a", "annotations": {"netkit.dev/ignore": "NK115, NK101"}},
          "spec": {"type": "LoadBalancer", "ports": [{"port": 443}]}}
    other = {**lb, "metadata": {"name": "other", "namespace": "a"}}
    assert [f.object for f in validate([lb, other])] == ["Service/a/other"]


def test_project_wide_ignore_from_config(tmp_path: Path, bad_file: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.netkit]\nignore = ["NK115"]\n')
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["validate", str(bad_file), "--format", "json"])
    assert [f["rule"] for f in json.loads(result.stdout)["findings"]] == ["NK010"]


def test_stdin(bad_file: Path) -> None:
    result = runner.invoke(app, ["validate", "-"], input=bad_file.read_text())
    assert result.exit_code == 1 and "<stdin>:1 Service/shop/web" in result.stdout


def test_unusable_input_exits_2(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("kind: Service\nmetadata: [\n")
    result = runner.invoke(app, ["validate", str(broken)])
    assert result.exit_code == 2 and result.stderr.startswith(f"error: {broken}:3: invalid YAML")
    missing = runner.invoke(app, ["validate", str(tmp_path / "nope")])
    assert missing.exit_code == 2 and "no such file or directory" in missing.stderr
    assert runner.invoke(app, ["validate", str(broken), "--format", "xml"]).exit_code == 2


def test_unknown_kind_warns_once_and_crds_give_schemas(tmp_path: Path) -> None:
    path = tmp_path / "widgets.yaml"
    path.write_text(WIDGET + "---\n" + WIDGET.replace("name: w,", "name: w2,"))
    (tmp_path / "crds").mkdir()
    (tmp_path / "crds" / "widget.yaml").write_text(WIDGET_CRD)
    plain = runner.invoke(app, ["validate", str(path), "--format", "json"])
    rules = [f["rule"] for f in json.loads(plain.stdout)["findings"]]
    assert rules == ["NK002"] and plain.exit_code == 0
    strict = runner.invoke(app, ["validate", str(path), "--crds", str(tmp_path / "crds"),
                                 "--format", "json"])
    findings = json.loads(strict.stdout)["findings"]
    assert strict.exit_code == 1
    assert [(f["rule"], f["field"], f["message"]) for f in findings] == [
        ("NK001", "spec", "unknown field(s) 'colour'")] * 2


def test_crds_from_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.netkit]\ncrds = ["widget.yaml"]\n')
    (tmp_path / "widget.yaml").write_text(WIDGET_CRD)
    (tmp_path / "w.yaml").write_text(WIDGET)
    monkeypatch.chdir(tmp_path)
    assert runner.invoke(app, ["validate", "w.yaml"]).exit_code == 1


def test_bundled_crds_give_custom_resources_a_schema(tmp_path: Path) -> None:
    path = tmp_path / "route.yaml"
    path.write_text(ROUTE)
    result = runner.invoke(app, ["validate", str(path), "--format", "json"])
    findings = json.loads(result.stdout)["findings"]
    assert result.exit_code == 1
    assert [(f["rule"], f["field"], f["message"]) for f in findings] == [
        ("NK001", "spec.rules[0]", "unknown field(s) 'backendRef'")]


def test_a_users_crd_replaces_the_bundled_one(tmp_path: Path) -> None:
    path = tmp_path / "route.yaml"
    path.write_text(ROUTE)
    user_crd = tmp_path / "httproute-crd.yaml"
    user_crd.write_text(crd("gateway.networking.k8s.io", "HTTPRoute",
                            {"type": "object", "x-kubernetes-preserve-unknown-fields": True}))
    result = runner.invoke(app, ["validate", str(path), "--crds", str(user_crd),
                                 "--format", "json"])
    assert "NK001" not in {f["rule"] for f in json.loads(result.stdout)["findings"]}


TCP_ROUTE_V1ALPHA2 = """\
apiVersion: gateway.networking.k8s.io/v1alpha2
kind: TCPRoute
metadata: {name: db, namespace: shop}
spec:
  rules:
  - backendRefs: [{name: db, port: 5432}]
    colour: blue
"""


@pytest.mark.parametrize(("setting", "rules"), [
    ("", ["NK005"]),  # the standard channel does not serve TCPRoute v1alpha2
    ('gateway_api_channel = "standard"', ["NK005"]),
    ('gateway_api_channel = "experimental"', ["NK001"]),
])
def test_gateway_api_channel_from_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                         setting: str, rules: list[str]) -> None:
    (tmp_path / "pyproject.toml").write_text(f"[tool.netkit]\n{setting}\n")
    (tmp_path / "route.yaml").write_text(TCP_ROUTE_V1ALPHA2)
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["validate", "route.yaml", "--format", "json"])
    found = json.loads(result.stdout)["findings"]
    assert [f["rule"] for f in found if f["rule"] in ("NK001", "NK002", "NK005")] == rules


def test_unknown_gateway_api_channel_is_a_config_error(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.netkit]\ngateway_api_channel = "beta"\n')
    (tmp_path / "route.yaml").write_text(ROUTE)
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["validate", "route.yaml"])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {tmp_path / 'pyproject.toml'}: [tool.netkit] "
                                    "gateway_api_channel: ")
    assert "'standard' or 'experimental'" in result.stderr


@pytest.mark.parametrize("target", ["ingress=gateway-api", "ingress=ingress-nginx"])
def test_synthesized_gitops_tree_has_a_schema_for_every_object(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, target: str) -> None:
    monkeypatch.chdir(ROOT)  # the repo's [tool.netkit]: its blueprints, env and output
    out = tmp_path / "gitops"
    synth = runner.invoke(app, ["synth", "--out", str(out), "--target", target])
    assert synth.exit_code == 0, synth.output
    result = runner.invoke(app, ["validate", str(out), "--format", "json"])
    findings = json.loads(result.stdout)["findings"]
    assert [f for f in findings if f["rule"] in ("NK001", "NK002")] == []
    assert {"ciliumnetworkpolicy", "clusterissuer", "gateway", "gatewayclass"} <= {
        p.name.split("-")[0] for p in out.rglob("*.yaml")}  # custom resources were checked


def test_schema_errors_for_core_kinds() -> None:
    obj = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"},
           "spec": {"ports": [{"port": 80}], "colour": "blue"}}
    found = [(f.rule, f.field, f.message) for f in validate([obj]) if f.rule == "NK001"]
    assert found == [("NK001", "spec", "unknown field(s) 'colour'")]


def test_not_an_object() -> None:
    assert [f.rule for f in validate([{"metadata": {"name": "x"}}])] == ["NK003"]


def test_kubernetes_version_flag(tmp_path: Path) -> None:
    path = tmp_path / "svc.yaml"
    path.write_text("apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec:\n  ports: "
                    "[{port: 80}]\n  trafficDistribution: PreferSameNode\n")
    assert runner.invoke(app, ["validate", str(path), "--kubernetes", "1.33"]).exit_code == 1
    assert runner.invoke(app, ["validate", str(path), "--kubernetes", "1.35"]).exit_code == 0
    bad = runner.invoke(app, ["validate", str(path), "--kubernetes", "latest"])
    assert bad.exit_code == 2 and "not a version like 1.36" in bad.stderr


def test_blueprint_input_names_construct_paths() -> None:
    result = runner.invoke(app, ["validate", str(ROOT / "blueprints" / "shop.py"),
                                 "--format", "json"])
    assert result.exit_code == 0, result.output
    findings = json.loads(result.stdout)["findings"]
    assert [(f["rule"], f["origin"]) for f in findings] == [("NK121", "shop:shop/site")]


def test_synth_refuses_to_write_invalid_output(tmp_path: Path,
                                               write_blueprint: Callable[..., Path]) -> None:
    bp = write_blueprint("""
        from netkit import Blueprint, Manifest

        def build(env):
            bp = Blueprint("bad")
            Manifest(bp, "svc", {"apiVersion": "v1", "kind": "Service",
                                 "metadata": {"name": "web", "namespace": "a"},
                                 "spec": {"ports": [{"port": 0}]}})
            return bp
    """)
    out = tmp_path / "out"
    result = runner.invoke(app, ["synth", str(bp), "--out", str(out)])
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert lines[0].startswith("error: bad:svc: Service/a/web: spec.ports[0].port: [NK010]")
    assert lines[-1].startswith("error: bad:svc: 1 validation error(s), nothing written")
    assert not out.exists()


def test_readme_lists_every_rule() -> None:
    from netkit.findings import RULES

    readme = (ROOT / "README.md").read_text()
    for rule in RULES.values():
        assert f"| `{rule.id}` | {rule.severity} | {rule.title} |" in readme, rule.id


def test_objects_that_fail_their_schema_get_no_deeper_checks() -> None:
    broken = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "1web"},
              "spec": {"ports": [{"port": 0}], "colour": "blue"}}
    assert [f.rule for f in validate([broken])] == ["NK001"]


def test_audit_reports_malformed_policies_and_leaves_them_out(tmp_path: Path) -> None:
    path = tmp_path / "np.yaml"
    path.write_text("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p}"
                    "\nspec:\n  podSelector: {}\n  ingress: {from: []}\n")
    result = runner.invoke(app, ["audit", str(path)])
    assert result.exit_code == 1
    assert result.stderr == (f"error: {path}:6: NetworkPolicy/default/p: spec.ingress: [NK001] "
                             "must be array or null (hint: the object is left out of the "
                             "analysis)\n")


def test_synth_warns_once_about_a_kind_without_a_schema(tmp_path: Path,
                                                        write_blueprint: Callable[..., Path]
                                                        ) -> None:
    bp = write_blueprint("""
        from netkit import Blueprint, Manifest

        def build(env):
            bp = Blueprint("widgets")
            for name in ("a", "b"):
                Manifest(bp, name, {"apiVersion": "example.com/v1", "kind": "Widget",
                                    "metadata": {"name": name, "namespace": "shop"}})
            return bp
    """)
    result = runner.invoke(app, ["synth", str(bp), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert result.stderr.count("[NK002] no schema for example.com/v1 Widget") == 1


def test_many_objects_checked_in_two_processes_give_the_findings_of_one() -> None:
    def config_map(i: int, **more: Any) -> dict[str, Any]:
        return {"apiVersion": "v1", "kind": "ConfigMap",
                "metadata": {"name": f"c{i}", "namespace": "a"}, **more}

    widget = {"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"}}
    objs = [widget, *(config_map(i) for i in range(PARALLEL_OBJECTS)),
            config_map(-1, data={"k": 1}), {**widget, "metadata": {"name": "w2"}}]
    validator = Validator(kubernetes="1.36")
    found = validator.validate(objs, parallel=True)
    assert found == validator.validate(objs) == validate(objs, kubernetes="1.36")
    # NK002 once for the kind, though each process saw a Widget first
    assert [(f.rule, f.object) for f in found if f.rule in ("NK001", "NK002")] == [
        ("NK001", "ConfigMap/a/c-1"), ("NK002", "Widget/default/w")]
