"""The documentation site: ``mkdocs build --strict`` passes, and the generated pages (CLI,
rules, construct YAML, JSON contracts, API reference) hold what the code says."""

from __future__ import annotations

import html
import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
import typer

import netkit
import netkit.constructs
from netkit.cli import app
from netkit.findings import RULES

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"

pytestmark = pytest.mark.skipif(importlib.util.find_spec("mkdocs") is None,
                                reason="mkdocs is not installed (pip install -e '.[docs]')")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file",
         str(ROOT / "mkdocs.yml"), "--site-dir", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert proc.returncode == 0, proc.stderr[-4000:]
    return out


def text(site: Path, page: str) -> str:
    """A page's article as plain text (code highlighting splits tokens into spans)."""
    doc = (site / page / "index.html").read_text(encoding="utf-8")
    article = doc[doc.index("<article"):doc.index("</article>")]
    return html.unescape(re.sub(r"<[^>]+>", "", article))


def test_generated_pages_stay_out_of_docs(site: Path) -> None:
    assert (site / "reference" / "cli" / "index.html").is_file()
    assert not (DOCS / "reference" / "cli.md").exists()
    assert not (DOCS / "reference" / "rules.md").exists()
    assert not (site / "hooks.py").exists()


def test_rules_page_lists_every_rule(site: Path) -> None:
    page = text(site, "reference/rules")
    for rule in RULES.values():
        assert re.search(rf"{rule.id}\s+{rule.severity}\s+{re.escape(rule.title)}", page), rule


def test_cli_page_lists_every_command_and_option(site: Path) -> None:
    page = text(site, "reference/cli")
    root = typer.main.get_command(app)
    commands = root.commands  # type: ignore[attr-defined]
    assert len(commands) >= 6
    for name, cmd in commands.items():
        assert f"Usage: netkit {name} " in page
        for param in cmd.params:
            for opt in param.opts:
                if opt.startswith("-"):
                    assert opt in page, (name, opt)


def test_construct_pages_show_yaml_rendered_per_target(site: Path) -> None:
    pages = sorted(p.stem for p in (DOCS / "constructs").glob("*.md") if p.stem != "index")
    # pages of layers the ingress does not change show a tab per target they depend on
    layers = {"cluster-guardrails": "cni=cilium", "mesh": "mesh=linkerd",
              "multi-cluster": "cluster_mesh=true"}
    assert len(pages) == 11
    for name in pages:
        page = text(site, f"constructs/{name}")
        if name in layers:
            assert layers[name] in page, name
        else:
            assert "gateway-api" in page and "ingress-nginx" in page, name
        assert "apiVersion:" in page and "kind: " in page, name
    assert "kind: CiliumClusterwideNetworkPolicy" in text(site, "constructs/cluster-guardrails")
    assert "error: guardrails: cni='weave' implements neither" in text(
        site, "constructs/cluster-guardrails")
    assert "io.cilium.k8s.policy.cluster: west" in text(site, "constructs/multi-cluster")
    zero_trust = text(site, "constructs/zero-trust-namespace")
    assert "name: default-deny" in zero_trust
    assert "kind: CiliumNetworkPolicy" in zero_trust and "matchName: api.stripe.com" in zero_trust
    tls = text(site, "constructs/tls-ingress")
    assert "kind: HTTPRoute" in tls and "kind: Ingress" in tls
    assert "error: cafe/site/shadow: ingress-nginx cannot mirror" in text(
        site, "constructs/canary-route")


def test_json_contracts_page_shows_each_command_output(site: Path) -> None:
    page = text(site, "reference/json")
    for command, key in (("audit", '"endpoints"'), ("validate", '"findings"'),
                         ("why", '"blueprint_fix"'), ("diff", '"added"')):
        assert f"$ netkit {command} " in page
        assert key in page, command
    assert '"rule": "NK115"' in page
    assert '"from": "shop/api"' in page


def test_api_reference_documents_public_names(site: Path) -> None:
    pages = {"api/netkit": netkit, "api/constructs": netkit.constructs}
    for page, module in pages.items():
        doc = (site / page / "index.html").read_text(encoding="utf-8")
        for name in module.__all__:
            if not name.startswith("_"):
                assert f'id="{module.__name__}.{name}"' in doc, name
    constructs = text(site, "api/constructs")
    assert netkit.constructs.ZeroTrustNamespace.__doc__.strip() in constructs  # type: ignore[union-attr]
    assert "allow_egress_fqdn(" in constructs


def test_readme_example_is_the_getting_started_example() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    example = re.search(r"```python\n(.*?)```", readme, re.DOTALL)
    assert example is not None
    assert example[1] == (DOCS / "examples" / "getting_started.py").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def hooks() -> ModuleType:
    spec = importlib.util.spec_from_file_location("netkit_docs_hooks", DOCS / "hooks.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_broken_example_fails_the_build(hooks: ModuleType, tmp_path: Path) -> None:
    from mkdocs.exceptions import PluginError

    bad = tmp_path / "bad.py"
    bad.write_text("from netkit import Blueprint\n"
                   "from netkit.constructs import Namespace\n"
                   "bp = Blueprint('x')\n"
                   "Namespace(bp, 'Not_A_Name')\n")
    with pytest.raises(PluginError, match=r"bad\.py on gateway-api: .*Not_A_Name"):
        hooks.render(str(bad))
    with pytest.raises(PluginError, match="rendered, but the page says it must fail"):
        hooks.render("examples/namespace.py", frozenset({"ingress-nginx"}))
    with pytest.raises(PluginError, match="exited 2"):
        hooks.run(["audit", str(tmp_path / "missing.yaml")], "text")
