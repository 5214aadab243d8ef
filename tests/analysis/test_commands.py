"""netkit audit / why / diff: formats, contracts and exit codes."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from typer.testing import CliRunner

from netkit.cli import app
from tests.conftest import ROOT

runner = CliRunner()
SHOP = str(ROOT / "blueprints" / "shop.py")
PAYMENTS = str(ROOT / "blueprints" / "payments.py")


def audit(fmt: str, *paths: str) -> str:
    result = runner.invoke(app, ["audit", *(paths or (SHOP, PAYMENTS)), "--format", fmt])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_audit_json_contract() -> None:
    data = json.loads(audit("json"))
    assert set(data) == {"endpoints", "flows"}
    ids = [e["id"] for e in data["endpoints"]]
    assert {"shop/web", "shop/api", "shop/db", "payments/api"} <= set(ids)
    assert all(set(e) == {"id", "namespace", "name", "kind", "labels", "implied"}
               for e in data["endpoints"])
    web = next(e for e in data["endpoints"] if e["id"] == "shop/web")
    assert web == {"id": "shop/web", "namespace": "shop", "name": "web", "kind": "Workload",
                   "labels": {"app": "web-server", "track": "stable"}, "implied": False}
    dns = next(e for e in data["endpoints"] if e["id"] == "kube-system/kube-dns")
    assert dns["implied"] and dns["kind"] == "ClusterDNS"
    flows = {(f["from"], f["to"]): f["allowed"] for f in data["flows"]}
    assert flows[("shop/web", "kube-system/kube-dns")] == {
        "TCP": [[53, 53]], "UDP": [[53, 53]], "SCTP": []}
    flows = {(f["from"], f["to"]): f["allowed"] for f in data["flows"]}
    assert flows[("shop/api", "shop/db")] == {"TCP": [[5432, 5432]], "UDP": [], "SCTP": []}
    assert flows[("shop/api", "payments/api")]["TCP"] == [[8443, 8443]]
    assert ("shop/web", "shop/db") not in flows
    assert all(a != b for a, b in flows)
    assert list(flows) == sorted(flows)


def test_audit_text_formats() -> None:
    table = audit("table")
    assert "shop/api" in table and "TCP 5432" in table and "flows between" in table
    rows = list(csv.reader(io.StringIO(audit("csv"))))
    assert rows[0] == ["from", "to", "protocol", "ports"]
    assert ["shop/api", "shop/db", "TCP", "5432"] in rows
    assert "| `shop/api` | `shop/db` | TCP 5432 |" in audit("markdown")
    dot = audit("dot")
    assert dot.startswith("digraph reachability {") and '"shop/api" -> "shop/db"' in dot
    mermaid = audit("mermaid")
    assert mermaid.startswith("flowchart LR") and "-->|\"TCP 5432\"|" in mermaid


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.urls: list[str] = []
        self.ids: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        for key, value in attrs:
            if key in ("src", "href") and value and not value.startswith("#"):
                self.urls.append(value)
            if key == "id" and value:
                self.ids.append(value)


def test_audit_html_is_self_contained(tmp_path: Path) -> None:
    out = tmp_path / "audit.html"
    result = runner.invoke(app, ["audit", SHOP, PAYMENTS, "--format", "html", "-o", str(out)])
    assert result.exit_code == 0, result.output
    page = out.read_text()
    parser = _Page()
    parser.feed(page)
    assert parser.urls == [] and "<script" not in page and "@import" not in page
    assert {"matrix", "graph", "flows", "findings"} <= set(parser.ids)
    assert parser.tags.count("svg") == 1 and "path" in parser.tags and "circle" in parser.tags
    assert "shop/api → shop/db: TCP 5432" in page
    assert "NK121" in page  # findings from validation are part of the report
    # grouped by namespace, with a legend naming the implied parts, and the toggle
    for box in ("shop", "payments", "kube-system", "outside the cluster"):
        assert f">{box}</text>" in page
    assert ("implied: the cluster has it, the input omits it "
            "(<code>kube-system/kube-dns</code>)") in page
    assert '<input type="checkbox" id="hide-open">' in page
    assert page.count('class="edge open"') == page.count('<tr class="open">') > 0


@pytest.mark.skipif(not shutil.which("chromium"), reason="no headless browser installed")
def test_audit_html_renders_in_a_browser(tmp_path: Path) -> None:
    out = tmp_path / "audit.html"
    runner.invoke(app, ["audit", SHOP, "--format", "html", "-o", str(out)])
    dom = subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu",
                          "--disable-background-networking", "--no-first-run",
                          f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom",
                          out.as_uri()], capture_output=True, text=True, timeout=60).stdout
    assert "Reachability audit" in dom and "<svg" in dom
    # the checkbox hides the unconstrained flows with CSS alone: a copy of the page with a
    # probe script (the report itself has none) reports what is displayed once it is checked
    probe = tmp_path / "probe.html"
    probe.write_text(out.read_text().replace("</body>", """<script>
      const shown = () => [...document.querySelectorAll('.edge.open, tr.open')]
        .filter(e => getComputedStyle(e).display !== 'none').length;
      const before = shown();
      document.getElementById('hide-open').checked = true;
      document.body.dataset.probe = before + '/' + shown() + '/' +
        [...document.querySelectorAll('.edge:not(.open)')]
          .filter(e => getComputedStyle(e).display !== 'none').length;
    </script></body>"""))
    dom = subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu",
                          "--disable-background-networking", "--no-first-run",
                          f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom",
                          probe.as_uri()], capture_output=True, text=True, timeout=60).stdout
    before, after, application = re.search(r'data-probe="(\d+)/(\d+)/(\d+)"', dom).groups()
    assert int(before) > 0 and int(after) == 0 and int(application) > 0


def test_why_denied_text_and_fix() -> None:
    result = runner.invoke(app, ["why", "shop/web", "shop/db", SHOP, "--port", "5432"])
    assert result.exit_code == 1, result.output  # DENIED
    out = result.stdout
    assert out.startswith("shop/web -> shop/db TCP/5432: DENIED")
    assert "isolated by: shop/default-deny, shop/allow-dns-egress, shop/allow-egress-web" in out
    assert "kind: NetworkPolicy" in out and "name: allow-ingress-db-from-web" in out
    assert "shop.allow(web, to=db, port=5432)" in out


def test_why_json_names_policies_and_rules() -> None:
    result = runner.invoke(app, ["why", "shop/api", "shop/db", SHOP, "--port", "5432",
                                 "--format", "json"])
    data = json.loads(result.stdout)
    assert data["allowed"] is True
    assert data["egress"]["allowed_by"] == [{"policy": "shop/allow-egress-api",
                                             "rule": "egress[0]"}]
    assert data["ingress"]["allowed_by"] == [{"policy": "shop/allow-ingress-db",
                                              "rule": "ingress[0]"}]
    assert "shop/default-deny" in data["ingress"]["policies"]
    assert data["fix"] == [] and data["blueprint_fix"] is None


def test_why_open_side_and_udp(tmp_path: Path) -> None:
    path = tmp_path / "pods.yaml"
    path.write_text("apiVersion: v1\nkind: Pod\nmetadata: {name: a, namespace: x, labels: "
                    "{app: a}}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: b, namespace: "
                    "x, labels: {app: b}}\n")
    result = runner.invoke(app, ["why", "x/a", "x/b", str(path), "--port", "53", "--protocol",
                                 "UDP", "--format", "json"])
    data = json.loads(result.stdout)
    assert data["allowed"] and not data["egress"]["isolated"]
    assert "no policy selects x/a for egress" in data["egress"]["note"]


@pytest.mark.parametrize(("args", "message"), [
    (["shop/nope", "shop/db", SHOP, "--port", "1"], "shop/nope: no such endpoint"),
    (["shop/web", "shop/db", SHOP, "--port", "0"], "--port: port 0 is out of range"),
    (["shop/web", "shop/db", SHOP, "--port", "1", "--protocol", "ICMP"], "unknown protocol"),
])
def test_why_bad_input(args: list[str], message: str) -> None:
    result = runner.invoke(app, ["why", *args])
    assert result.exit_code == 2 and message in result.stderr


def _policy_dirs(tmp_path: Path) -> tuple[Path, Path]:
    pods = ("apiVersion: v1\nkind: Pod\nmetadata: {name: web, namespace: a, labels: {app: web}}"
            "\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: db, namespace: a, labels: "
            "{app: db}}\n")
    deny = ("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: d, "
            "namespace: a}\nspec:\n  podSelector: {}\n  policyTypes: [Ingress]\n")
    allow = ("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, "
             "namespace: a}\nspec:\n  podSelector: {matchLabels: {app: db}}\n  ingress:\n  - "
             "ports: [{port: 5432}, {port: 5433}]\n")
    base, head = tmp_path / "base", tmp_path / "head"
    for d in (base, head):
        d.mkdir()
        (d / "pods.yaml").write_text(pods)
        (d / "deny.yaml").write_text(deny)
    (head / "allow.yaml").write_text(allow)
    return base, head


def test_diff_two_paths_all_formats(tmp_path: Path) -> None:
    base, head = _policy_dirs(tmp_path)
    result = runner.invoke(app, ["diff", str(base), str(head), "--format", "json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {"added": [
        {"from": "a/web", "to": "a/db", "protocol": "TCP", "ports": [[5432, 5433]],
         "decided_by": [
             {"side": "egress", "layer": "default", "action": "Accept", "policy": "",
              "rule": ""},
             {"side": "ingress", "layer": "NetworkPolicy", "action": "Accept",
              "policy": "a/p", "rule": "ingress[0]"}]}],
        "removed": []}
    text = runner.invoke(app, ["diff", str(base), str(head)]).stdout
    assert ("+ a/web -> a/db TCP 5432-5433  (egress: default; ingress: NetworkPolicy a/p "
            "ingress[0])") in text and "1 flow(s) opened, 0 closed" in text
    md = runner.invoke(app, ["diff", str(head), str(base), "--format", "markdown"]).stdout
    assert md.startswith("### netkit: 0 flow(s) opened, 1 closed")
    assert "| 🔴 | `a/web` | `a/db` | TCP | 5432-5433 | ingress: NetworkPolicy a/d |" in md
    gate = runner.invoke(app, ["diff", str(base), str(head), "--fail-on-added"])
    assert gate.exit_code == 1
    assert runner.invoke(app, ["diff", str(head), str(base), "--fail-on-added"]).exit_code == 0


def test_diff_against_a_git_revision(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    base, head = _policy_dirs(tmp_path)
    repo = tmp_path / "repo"
    shutil.copytree(base, repo / "manifests")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    subprocess.run([*git, "add", "."], cwd=repo, check=True)
    subprocess.run([*git, "commit", "-qm", "base"], cwd=repo, check=True)
    shutil.copy(head / "allow.yaml", repo / "manifests" / "allow.yaml")
    monkeypatch.chdir(repo)
    result = runner.invoke(app, ["diff", "--base", "HEAD", "manifests", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert [c["ports"] for c in json.loads(result.stdout)["added"]] == [[[5432, 5433]]]
    bad = runner.invoke(app, ["diff", "--base", "no-such-ref", "manifests"])
    assert bad.exit_code == 2 and "cannot read git revision 'no-such-ref'" in bad.stderr


def test_diff_needs_two_inputs_or_base(tmp_path: Path) -> None:
    result = runner.invoke(app, ["diff", str(tmp_path)])
    assert result.exit_code == 2 and "give BASE and HEAD, or --base REF" in result.stderr
