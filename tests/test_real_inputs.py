"""Real repository trees and real cluster exports: `kubectl get -o yaml|json` dumps (typed
lists whose items carry no kind, server-populated fields), JSON files, removed API versions,
malformed objects among good ones, Helm charts and other YAML that is no manifest, the scope
of cross-object checks, and SARIF locations."""

from __future__ import annotations

import json
import shutil
import subprocess
import textwrap
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from netkit import read_manifests
from netkit.cli import app
from netkit.inputs import manifests

EXPORTS = Path(__file__).parent / "exports"
runner = CliRunner()


def cli(*args: str, **kwargs: Any) -> Any:
    return runner.invoke(app, list(args), **kwargs)


def docs(*parts: str) -> str:
    """YAML documents, each dedented, as one stream."""
    return "---\n".join(textwrap.dedent(p).lstrip("\n") for p in parts)


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def reported(*args: str) -> tuple[int, list[tuple[str, str, int | None, str | None, str]]]:
    """Exit code and (rule, file name, line, field, message) of each finding."""
    result = cli("validate", *args, "--format", "json")
    assert result.exit_code in (0, 1), result.output
    rows = json.loads(result.stdout)["findings"]
    return result.exit_code, [(f["rule"], Path(f["file"] or "").name, f["line"], f["field"],
                               f["message"]) for f in rows]


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    return tmp_path


# --- kubectl exports ---------------------------------------------------------------------------

def test_typed_list_items_get_the_list_kind_and_their_own_lines() -> None:
    read = read_manifests([str(EXPORTS)])
    assert read.findings == []
    assert [(o.api_version, o.kind, o.name, Path(o.file or "").name, o.line)
            for o in read.objects] == [
        ("v1", "Namespace", "edge", "namespaces.yaml", 3),
        ("v1", "Namespace", "shop", "namespaces.yaml", 17),
        ("networking.k8s.io/v1", "NetworkPolicy", "default-deny", "networkpolicies.yaml", 3),
        ("networking.k8s.io/v1", "NetworkPolicy", "allow-web", "networkpolicies.yaml", 31),
        ("v1", "Pod", "web-6d4cf56db6-x2k9p", "pods.json", 4),
        ("v1", "Pod", "db-0", "pods.json", 20),
        ("v1", "Pod", "proxy", "pods.json", 33)]


def test_an_export_validates_clean_with_status_and_server_fields(workdir: Path) -> None:
    assert reported(str(EXPORTS)) == (0, [])


def test_an_export_is_audited_with_its_policies() -> None:
    result = cli("audit", str(EXPORTS), "--format", "csv")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "from,to,protocol,ports",
        "edge/proxy,shop/web-6d4cf56db6-x2k9p,TCP,8080",
        "shop/db-0,edge/proxy,TCP,1-65535",
        "shop/db-0,edge/proxy,UDP,1-65535",
        "shop/db-0,edge/proxy,SCTP,1-65535",
        "shop/web-6d4cf56db6-x2k9p,edge/proxy,TCP,1-65535",
        "shop/web-6d4cf56db6-x2k9p,edge/proxy,UDP,1-65535",
        "shop/web-6d4cf56db6-x2k9p,edge/proxy,SCTP,1-65535"]  # nothing reaches the db
    assert result.stderr == ""


def test_status_on_a_kind_whose_schema_has_none_is_accepted(workdir: Path) -> None:
    write(workdir, "np.yaml", """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: deny, namespace: shop, uid: 3f1c7a52-1d0e-4c1f-9c43-5b1f2a7e9d10}
        spec: {podSelector: {}}
        status: {}
    """)
    assert reported("np.yaml") == (0, [])
    assert cli("audit", "np.yaml").exit_code == 0


def test_a_json_array_of_objects_is_read_item_by_item(workdir: Path) -> None:
    write(workdir, "objs.json", """
        [
          {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "a"}},
          {"apiVersion": "v1", "kind": "Namespace",
           "metadata": {"name": "b", "labels": {"bad label": "x"}}}
        ]
    """)
    assert reported("objs.json") == (1, [
        ("NK010", "objs.json", 4, "metadata.labels", 'Invalid value: "bad label": name part '
         "must consist of alphanumeric characters, '-', '_' or '.', and must start and end "
         "with an alphanumeric character")])


@settings(max_examples=25, deadline=None)
@given(names=st.lists(st.from_regex(r"[a-z][a-z0-9]{0,8}", fullmatch=True), min_size=1,
                      max_size=4, unique=True))
def test_a_typed_list_reads_as_the_same_objects_as_a_list(names: list[str]) -> None:
    items = [{"metadata": {"name": n, "namespace": "shop"}, "spec": {"podSelector": {}}}
             for n in names]
    typed = {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicyList",
             "items": items}
    plain = {"apiVersion": "v1", "kind": "List", "items": [
        {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", **i} for i in items]}
    as_typed = manifests.parse(json.dumps(typed, indent=1), "a.json")
    as_plain = manifests.parse(json.dumps(plain, indent=1), "b.json")
    assert [o.obj for o in as_typed] == [o.obj for o in as_plain]
    assert [o.line for o in as_typed] == [5 + 9 * k for k in range(len(names))]


# --- removed API versions ------------------------------------------------------------------

OLD_POLICY = """
    apiVersion: extensions/v1beta1
    kind: NetworkPolicy
    metadata: {name: deny, namespace: shop}
    spec: {podSelector: {}}
"""
OLD_INGRESS = """
    apiVersion: networking.k8s.io/v1beta1
    kind: Ingress
    metadata: {name: web, namespace: shop}
    spec:
      backend: {serviceName: web, servicePort: 80}
"""
POD = """
    apiVersion: v1
    kind: Pod
    metadata: {name: {name}, namespace: shop, labels: {app: {name}}}
    spec:
      containers: [{name: c, image: nginx, ports: [{containerPort: 80}]}]
"""


def test_validate_refuses_removed_api_versions_naming_the_successor(workdir: Path) -> None:
    write(workdir, "old.yaml", docs(OLD_POLICY, OLD_INGRESS))
    assert reported("old.yaml", "--kubernetes", "1.33") == (1, [
        ("NK013", "old.yaml", 1, "apiVersion", "extensions/v1beta1 NetworkPolicy was removed "
         "in Kubernetes 1.16, so Kubernetes 1.33 does not serve it"),
        ("NK013", "old.yaml", 6, "apiVersion", "networking.k8s.io/v1beta1 Ingress was removed "
         "in Kubernetes 1.22, so Kubernetes 1.33 does not serve it")])
    result = cli("validate", "old.yaml")
    assert "(hint: use apiVersion: networking.k8s.io/v1)" in result.stdout.replace(
        "\n          hint: ", " (hint: ").replace("\n", ")\n")
    assert "convert its fields (kubectl convert)" in result.stdout


def test_audit_reads_an_old_policy_as_its_successor_and_says_so(workdir: Path) -> None:
    write(workdir, "old.yaml", docs(OLD_POLICY, OLD_INGRESS, POD.replace("{name}", "a"),
                                    POD.replace("{name}", "b")))
    result = cli("audit", "old.yaml")
    assert result.exit_code == 1
    assert "0 flows between 2 endpoints" in result.stdout  # the policy isolates both pods
    assert result.stderr.splitlines() == [
        "error: old.yaml:1: NetworkPolicy/shop/deny: apiVersion: [NK013] extensions/v1beta1 "
        "NetworkPolicy was removed in Kubernetes 1.16, so Kubernetes 1.37 does not serve it; "
        "read as networking.k8s.io/v1 NetworkPolicy (hint: use apiVersion: "
        "networking.k8s.io/v1)",
        "error: old.yaml:6: Ingress/shop/web: apiVersion: [NK013] networking.k8s.io/v1beta1 "
        "Ingress was removed in Kubernetes 1.22, so Kubernetes 1.37 does not serve it; left out "
        "of the analysis (hint: use apiVersion: networking.k8s.io/v1 and convert its fields "
        "(kubectl convert))"]


# --- malformed objects among good ones -----------------------------------------------------

def test_a_malformed_object_is_a_finding_and_the_rest_is_analysed(workdir: Path) -> None:
    write(workdir, "pods.yaml", docs(POD.replace("{name}", "a"), POD.replace(
        "{name}", "b").replace("containerPort: 80", "containerPort: http")))
    audit = cli("audit", "pods.yaml")
    assert audit.exit_code == 1
    assert "0 flows between 1 endpoints" in audit.stdout
    finding = ("error: pods.yaml:11: Pod/shop/b: spec.containers[0].ports[0].containerPort: "
               "[NK001] must be integer (hint: the object is left out of the analysis)")
    assert audit.stderr.splitlines() == [finding]
    why = cli("why", "shop/a", "shop/a", "--port", "80", "pods.yaml")
    assert (why.exit_code, why.stderr.splitlines()) == (1, [finding])
    write(workdir, "before/pods.yaml", POD.replace("{name}", "a"))
    diff = cli("diff", "before", "pods.yaml")
    assert (diff.exit_code, diff.stderr.splitlines()) == (1, [finding])


def test_diff_against_a_revision_reports_only_the_working_tree(
        workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run(["git", "init", "-q"], check=True)
    bad = POD.replace("{name}", "b").replace("containerPort: 80", "containerPort: http")
    write(workdir, "pods.yaml", docs(POD.replace("{name}", "a"), bad))
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-qm", "base"], check=True)
    write(workdir, "pods.yaml", docs(POD.replace("{name}", "a"), POD.replace("{name}", "b")))
    fixed = cli("diff", "--base", "HEAD", "pods.yaml")
    assert (fixed.exit_code, fixed.stderr) == (0, "")
    assert "shop/a" in fixed.stdout and "shop/b" in fixed.stdout  # b appears: flows opened
    write(workdir, "pods.yaml", docs(POD.replace("{name}", "a"), bad))
    broken = cli("diff", "--base", "HEAD", "pods.yaml")
    assert broken.exit_code == 1
    assert broken.stderr.startswith("error: pods.yaml:11: Pod/shop/b: ")


def test_audit_lists_the_kinds_it_does_not_analyse(workdir: Path) -> None:
    write(workdir, "mixed.yaml", docs(POD.replace("{name}", "a"), """
        apiVersion: v1
        kind: Service
        metadata: {name: a, namespace: shop}
        spec: {selector: {app: a}, ports: [{port: 80}]}
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: a, namespace: shop}
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: b, namespace: shop}
        ---
        apiVersion: crd.projectcalico.org/v1
        kind: NetworkPolicy
        metadata: {name: c, namespace: shop}
        spec: {selector: all()}
        ---
        apiVersion: policy.networking.k8s.io/v1alpha2
        kind: ClusterNetworkPolicy
        metadata: {name: guard}
        spec:
          tier: Admin
          priority: 10
          subject: {namespaces: {}}
          ingress: [{name: deny-all, action: Deny, from: [{namespaces: {}}]}]
        ---
        apiVersion: cilium.io/v2
        kind: CiliumNetworkPolicy
        metadata: {name: web, namespace: shop}
        spec:
          endpointSelector: {matchLabels: {app: a}}
          ingress: [{fromEntities: [cluster]}]
    """))
    result = cli("audit", "mixed.yaml")
    assert result.exit_code == 0, result.output
    assert result.stderr == ("not analysed: 2 ConfigMap, 1 NetworkPolicy "
                             "(crd.projectcalico.org/v1), 1 Service\n")


def test_a_pod_and_a_deployment_of_one_name_stay_two_endpoints(workdir: Path) -> None:
    write(workdir, "both.yaml", docs(POD.replace("{name}", "web"), """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web, namespace: shop}
        spec:
          selector: {matchLabels: {app: api}}
          template:
            metadata: {labels: {app: api}}
            spec: {containers: [{name: c, image: nginx}]}
    """))
    result = cli("audit", "both.yaml", "--format", "json")
    assert result.exit_code == 0, result.output
    ids = [e["id"] for e in json.loads(result.stdout)["endpoints"]]
    assert ids == ["shop/deployment/web", "shop/pod/web"]


# --- repository trees ----------------------------------------------------------------------

def chart_tree(root: Path) -> None:
    write(root, "chart/Chart.yaml", "apiVersion: v2\nname: web\nversion: 0.1.0\n")
    write(root, "chart/values.yaml", "replicaCount: 2\nimage:\n  repository: nginx\n")
    write(root, "chart/templates/deployment.yaml", """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: {{ include "web.fullname" . }}
          labels:
            {{- include "web.labels" . | nindent 4 }}
    """)
    write(root, "chart/templates/service.yaml", """
        apiVersion: v1
        kind: Service
        metadata:
          name: "{{ .Release.Name }}-web"
        spec:
          ports:
            - port: 80
    """)
    write(root, "chart/templates/_helpers.tpl", '{{- define "web.fullname" -}}web{{- end }}\n')
    write(root, "app/kustomization.yaml", "resources:\n  - svc.json\n")
    write(root, "app/package.json", '{"name": "x", "version": "1.0.0"}\n')
    write(root, "app/svc.json", """
        {
          "apiVersion": "v1",
          "kind": "Service",
          "metadata": {"name": "web", "namespace": "shop"},
          "spec": {"ports": [{"port": 80, "name": "Web_1"}]}
        }
    """)
    write(root, "app/fragment.yaml", "metadata:\n  name: settings\ndata:\n  a: b\n")


def test_a_tree_with_a_chart_reports_each_file_once_and_validates_the_rest(
        workdir: Path) -> None:
    chart_tree(workdir)
    skipped = "; skipped"
    assert reported(".") == (1, [
        ("NK003", "fragment.yaml", 1, None, "object has no apiVersion or kind"),
        ("NK012", "kustomization.yaml", 1, None,
         "no apiVersion or kind, so not a manifest" + skipped),
        ("NK012", "package.json", 1, None, "no apiVersion or kind, so not a manifest" + skipped),
        ("NK010", "svc.json", 5, "spec.ports[0].name",
         'Invalid value: "Web_1": a lowercase RFC 1123 label must consist of lower case '
         "alphanumeric characters or '-', and must start and end with an alphanumeric "
         "character"),
        ("NK012", "Chart.yaml", 1, None, "Helm chart metadata, not a manifest" + skipped),
        ("NK014", "deployment.yaml", 4, None,
         "a template, not a manifest ({{ ... }} at line 4); it is not validated"),
        ("NK014", "service.yaml", 4, None,
         "a template, not a manifest ({{ ... }} at line 4); it is not validated"),
        ("NK012", "values.yaml", 1, None, "no apiVersion or kind, so not a manifest" + skipped)])


def test_a_template_outside_a_chart_is_one_finding_when_it_does_not_parse(
        workdir: Path) -> None:
    write(workdir, "svc.yaml", "apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n"
                               "  labels:\n    {{- toYaml .Values.labels | nindent 4 }}\n")
    write(workdir, "ok.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n")
    assert reported(".") == (0, [
        ("NK014", "svc.yaml", 6, None,
         "a template, not a manifest ({{ ... }} at line 6); it is not validated")])
    write(workdir, "broken.yaml", "a: 'x\n")  # broken YAML without template syntax
    result = cli("validate", ".")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: broken.yaml:2: invalid YAML")


def test_a_go_template_inside_a_string_is_still_a_manifest(workdir: Path) -> None:
    write(workdir, "cm.yaml", """
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: alerts, namespace: shop}
        data:
          summary: "{{ $labels.instance }} is down"
    """)
    assert reported("cm.yaml") == (0, [])


def test_ignore_suppresses_findings_on_input_left_out(workdir: Path) -> None:
    chart_tree(workdir)
    shutil.rmtree(workdir / "app")
    code, rows = reported(".", "--ignore", "NK012", "--ignore", "NK014")
    assert (code, rows) == (0, [])


# --- scope ---------------------------------------------------------------------------------

EXAMPLE = """
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: web, namespace: default}
    spec:
      selector: {matchLabels: {app: web}}
      template:
        metadata: {labels: {app: web}}
        spec: {containers: [{name: web, image: nginx, ports: [{containerPort: 8080}]}]}
    ---
    apiVersion: v1
    kind: Service
    metadata: {name: web, namespace: default}
    spec: {selector: {app: web}, ports: [{port: 80, targetPort: 8080}]}
    ---
    apiVersion: networking.k8s.io/v1
    kind: Ingress
    metadata: {name: web-NAME, namespace: default}
    spec:
      ingressClassName: traefik
      rules:
        - host: example.com
          http:
            paths:
              - path: /
                pathType: Prefix
                backend: {service: {name: web, port: {number: 80}}}
"""


def examples(root: Path) -> None:
    for name in ("one", "two"):
        write(root, f"{name}/{name}.yaml", EXAMPLE.replace("NAME", name))
    write(root, "one/extra.yaml", EXAMPLE.replace("NAME", "extra"))


@pytest.mark.parametrize(("scope", "found"), [
    ("all", [("extra.yaml", "one/extra.yaml"), ("two.yaml", "one/extra.yaml")]),
    ("dir", [("one.yaml", "one/extra.yaml")]),
    ("file", []),
])
def test_scope_decides_which_objects_cross_object_checks_see(
        workdir: Path, scope: str, found: list[tuple[str, str]]) -> None:
    examples(workdir)
    result = cli("validate", ".", "--scope", scope, "--format", "json")
    rows = json.loads(result.stdout)["findings"]
    assert {f["rule"] for f in rows} <= {"NK108"}
    assert len(rows) == len(found)
    assert all(f["scope"] == scope for f in rows)
    assert result.exit_code == (1 if found else 0)


def test_per_object_findings_say_so_and_a_bad_scope_is_refused(workdir: Path) -> None:
    write(workdir, "svc.yaml", "apiVersion: v1\nkind: Service\nmetadata: {name: a}\n"
                               "spec: {ports: [{port: 0}]}\n")
    result = cli("validate", "svc.yaml", "--format", "json")
    assert [f["scope"] for f in json.loads(result.stdout)["findings"]] == ["object"]
    bad = cli("validate", "svc.yaml", "--scope", "repo")
    assert bad.exit_code == 2
    assert bad.stderr == ("error: --scope: unknown scope 'repo' (hint: one of file, dir, "
                          "all)\n")


# --- SARIF ---------------------------------------------------------------------------------

def test_sarif_locates_files_left_out_and_names_the_base_and_scope(
        workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = workdir / "my repo"
    repo.mkdir()
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    chart_tree(repo / "déploiement #1")
    monkeypatch.chdir(repo / "déploiement #1")  # a subdirectory: paths still from the root
    result = cli("validate", ".", "--format", "sarif")
    run = json.loads(result.stdout)["runs"][0]
    assert run["originalUriBaseIds"] == {"%SRCROOT%": {"uri": repo.resolve().as_uri() + "/"}}
    by_uri = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]: r
              for r in run["results"] if r["ruleId"] in ("NK014", "NK012")}
    chart = "d%C3%A9ploiement%20%231/chart/"
    assert sorted(by_uri) == [
        "d%C3%A9ploiement%20%231/app/kustomization.yaml",
        "d%C3%A9ploiement%20%231/app/package.json",
        chart + "Chart.yaml", chart + "templates/deployment.yaml",
        chart + "templates/service.yaml", chart + "values.yaml"]
    template = by_uri[chart + "templates/deployment.yaml"]
    assert template["locations"] == [{"physicalLocation": {
        "artifactLocation": {"uri": chart + "templates/deployment.yaml",
                             "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 4}}}]
    assert template["properties"] == {"scope": "file"}
    assert all(r["locations"][0]["physicalLocation"]["artifactLocation"]["uriBaseId"]
               == "%SRCROOT%" for r in run["results"])


def test_a_status_the_schema_knows_is_still_checked(workdir: Path) -> None:
    write(workdir, "pod.yaml", docs(POD.replace("{name}", "a")) + "status: {podIP: 7}\n")
    assert reported("pod.yaml") == (1, [("NK001", "pod.yaml", 6, "status.podIP",
                                         "must be string or null")])


def test_kustomize_patches_and_plugin_configuration_are_no_objects(workdir: Path) -> None:
    write(workdir, "base/deployment.yaml", """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web, namespace: shop}
        spec:
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec: {containers: [{name: web, image: nginx}]}
    """)
    write(workdir, "base/kustomization.yaml", "resources: [deployment.yaml]\n")
    write(workdir, "prod/kustomization.yaml", """
        apiVersion: kustomize.config.k8s.io/v1beta1
        kind: Kustomization
        resources: [../base]
        patches:
          - path: replicas.yaml
          - patch: |-
              - op: replace
                path: /spec/replicas
                value: 3
            target: {kind: Deployment}
        patchesStrategicMerge: [image.yaml]
        transformers: [prefix.yaml]
    """)
    write(workdir, "prod/replicas.yaml", """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web, namespace: shop}
        spec: {replicas: 3}
    """)
    write(workdir, "prod/image.yaml", """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web, namespace: shop}
        spec:
          template:
            spec: {containers: [{name: web, image: nginx:1.27}]}
    """)
    write(workdir, "prod/prefix.yaml", """
        apiVersion: builtin
        kind: PrefixSuffixTransformer
        metadata: {name: prefix}
        prefix: prod-
        fieldSpecs: [{path: metadata/name}]
    """)
    kustomization = "kustomize configuration, not an object for the cluster; skipped"
    assert reported(".") == (0, [
        ("NK012", "kustomization.yaml", 1, None,
         "no apiVersion or kind, so not a manifest; skipped"),
        ("NK012", "image.yaml", 1, None, "kustomize patch (named in kustomization.yaml), not "
                                         "a complete object; skipped"),
        ("NK012", "kustomization.yaml", 1, None, kustomization),
        ("NK012", "prefix.yaml", 1, None, "kustomize transformer configuration (named in "
                                          "kustomization.yaml), not a complete object; "
                                          "skipped"),
        ("NK012", "replicas.yaml", 1, None, "kustomize patch (named in kustomization.yaml), "
                                            "not a complete object; skipped")])



def test_kustomize_parts_are_known_through_symbolic_links(workdir: Path) -> None:
    patch = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec: {replicas: 3}\n"
    write(workdir, "real/prod/kustomization.yaml", "patches: [{path: replicas.yaml}]\n")
    write(workdir, "real/prod/replicas.yaml", patch)
    write(workdir, "shared/scale.yaml", patch)
    (workdir / "real/prod/scale.yaml").symlink_to(workdir / "shared/scale.yaml")
    write(workdir, "real/prod/more/kustomization.yaml", "patches: [{path: ../scale.yaml}]\n")
    (workdir / "linked").symlink_to(workdir / "real")
    part = "kustomize patch (named in kustomization.yaml), not a complete object; skipped"
    for top in ("linked", "linked/prod", "real/prod"):
        rows = reported(top)[1]
        assert [(name, message) for rule, name, _, _, message in rows if rule == "NK012"
                and "patch" in message] == [("replicas.yaml", part), ("scale.yaml", part)], top



def test_a_kustomization_naming_an_impossible_path_is_read(workdir: Path) -> None:
    write(workdir, "kustomization.yaml", 'patches: [{path: "a\\x00b.yaml"}, {path: "/"}]\n')
    write(workdir, "cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n")
    assert reported(".") == (0, [("NK012", "kustomization.yaml", 1, None,
                                  "no apiVersion or kind, so not a manifest; skipped")])


SERVER_METADATA = st.fixed_dictionaries({}, optional={
    "uid": st.uuids().map(str),
    "resourceVersion": st.integers(1, 10**6).map(str),
    "generation": st.integers(1, 50),
    "creationTimestamp": st.just("2024-05-01T10:00:00Z"),
    "managedFields": st.just([{"apiVersion": "v1", "fieldsType": "FieldsV1",
                               "fieldsV1": {"f:metadata": {}}, "manager": "kubectl",
                               "operation": "Update", "time": "2024-05-01T10:00:00Z"}]),
    "annotations": st.just({"kubectl.kubernetes.io/last-applied-configuration": "{}\n"}),
})


@settings(max_examples=30, deadline=None)
@given(index=st.integers(0, 3), server=SERVER_METADATA, status=st.sampled_from([{}, None]))
def test_exporting_an_object_changes_no_finding(index: int, server: dict[str, Any],
                                                status: dict[str, Any] | None) -> None:
    from netkit.validate import validate

    objs = [o.obj for o in read_manifests([str(EXPORTS)]).objects]
    plain = {k: v for k, v in objs[index].items() if k != "status"}
    plain["metadata"] = {k: v for k, v in plain["metadata"].items()
                         if k in ("name", "namespace", "labels")}
    exported = {**plain, "metadata": {**plain["metadata"], **server}}
    if status is not None:
        exported["status"] = status
    assert [(f.rule, f.field) for f in validate([exported])] == [
        (f.rule, f.field) for f in validate([plain])]
