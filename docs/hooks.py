"""mkdocs hooks: generate the pages that must not drift from the code, at build time.

- ``reference/cli.md`` from the typer app (click's own help text, per command);
- ``reference/rules.md`` from ``netkit.findings.RULES``;
- in any page, markers that run netkit and embed what it prints:

  ``<!-- netkit:render examples/x.py -->``
      the blueprint file's source, then its YAML per target (tabs), synthesized with
      ``netkit.testing.synth``; ``expect-error=TARGET[,TARGET]`` shows the one-line error a
      target must give instead (and fails the build if it renders); ``targets=A,B`` renders
      one tab per Target override instead of per ingress (``cni=cilium+cluster_mesh=true``:
      several fields, joined by ``+``);
  ``<!-- netkit:files examples/x.py -->``
      the files ``netkit synth`` writes for it;
  ``<!-- netkit:show examples/x.yaml -->``
      a file's text, as a code block named after it;
  ``<!-- netkit:run ARGS -->``
      ``netkit ARGS`` run in ``docs/`` (exit status 0 or 1), its stdout in a code block;
  ``{{ dist }}``
      the distribution name from ``pyproject.toml`` (for ``pip install`` lines).

Nothing generated is written into ``docs/``; a failing example fails the build.
"""

from __future__ import annotations

import os
import re
import shlex
import sys
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
TARGETS = ("gateway-api", "ingress-nginx")
WIDTH = 88  # columns of the CLI help text

MARKER = re.compile(r"^<!-- netkit:(?P<verb>\w+) (?P<args>.*?) -->$", re.MULTILINE)


@cache
def _dist() -> str:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib  # type: ignore[import-not-found, unused-ignore]
    return str(tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["name"])


# --- generated pages -----------------------------------------------------------------------

def cli_page() -> str:
    """The CLI reference: the help of ``netkit`` and of every command, as click prints it."""
    import typer

    from netkit.cli import app

    # typer may vendor its own click: make contexts through the command, not click.Context
    root: Any = typer.main.get_command(app)
    ctx = root.context_class(root, info_name="netkit", terminal_width=WIDTH,
                             max_content_width=WIDTH)
    names = root.list_commands(ctx)
    parts = ["# CLI reference", "",
             "Generated from the command-line parser at build time: this is exactly what "
             "`--help` prints.", "",
             "| command | what it does |", "| --- | --- |"]
    for name in names:
        cmd = root.commands[name]
        parts.append(f"| [`netkit {name}`](#netkit-{name}) | {cmd.get_short_help_str(200)} |")
    parts += ["", "## `netkit`", "", "```text", root.get_help(ctx), "```"]
    for name in names:
        cmd = root.commands[name]
        sub = cmd.context_class(cmd, info_name=name, parent=ctx, terminal_width=WIDTH,
                                max_content_width=WIDTH)
        parts += ["", f"## `netkit {name}` {{#netkit-{name}}}", "", "```text",
                  cmd.get_help(sub), "```"]
    return "\n".join(parts) + "\n"


def rule_section(rule: Any) -> list[str]:
    """One rule: why it matters, the fix, and its tested examples (triggering and fixed)."""
    out = [f"## {rule.id}: {rule.title} {{#{rule.id.lower()}}}", "",
           f"**{rule.severity}** · `netkit explain {rule.id}`", "", rule.rationale, "",
           f"**Fix:** {rule.fix}", ""]
    for fixed, label in ((False, f"Reports {rule.id}"), (True, "Fixed")):
        example = rule.example(fixed=fixed)
        out += [f'=== "{label}"', "", f"    `{example.command}`", "",
                _fence(example.language, example.text, 4, title=example.name), ""]
    return out


def rules_page() -> str:
    """The rule catalogue, from ``netkit.findings.RULES``: a table, then each rule."""
    from netkit.findings import RULES

    rows = [f"| [`{r.id}`](#{r.id.lower()}) | {r.severity} | {r.title} |"
            for r in RULES.values()]
    return "\n".join([
        "# Rules", "",
        f"Every finding carries one of these {len(RULES)} rule ids; its severity is the "
        "rule's. Generated from `netkit.findings.RULES` at build time; every example below "
        "is run by the test suite, and `netkit explain NK115` prints the same in a terminal.",
        "", "| rule | severity | what |", "| --- | --- | --- |", *rows, "",
        "Suppress a rule on one object with the annotation `netkit.dev/ignore: NK115` "
        "(comma-separated for several), everywhere with `--ignore NK115` or "
        "`[tool.netkit] ignore = [\"NK115\"]`. `netkit validate --fail-on warning` also fails "
        "on warnings; `netkit synth` refuses to write when any error remains.", "",
        *[line for r in RULES.values() for line in rule_section(r)]])


GENERATED = {"reference/cli.md": cli_page, "reference/rules.md": rules_page}


# --- markers -------------------------------------------------------------------------------

def _fence(lang: str, body: str, indent: int = 0, title: str | None = None) -> str:
    attrs = f' title="{title}"' if title else ""
    block = f"```{lang}{attrs}\n{body.rstrip()}\n```"
    return textwrap.indent(block, " " * indent) if indent else block


OPTIONS = ("expect-error=", "lang=", "targets=")


def _options(args: str) -> tuple[list[str], dict[str, str]]:
    """A marker's words, and its own ``key=value`` options (``lang=``, ``expect-error=``)."""
    words = shlex.split(args)
    opts = dict(w.split("=", 1) for w in words if w.startswith(OPTIONS))
    return [w for w in words if not w.startswith(OPTIONS)], opts


def render(path: str, expect_error: frozenset[str] = frozenset(),
           targets: tuple[str, ...] = ()) -> str:
    """The blueprint file's source and, for each target (each ingress, or each of
    ``targets``' overrides), its YAML or the expected error."""
    from netkit.errors import NetkitError
    from netkit.serialize import dump_all
    from netkit.testing import synth

    file = DOCS / path
    out = [_fence("python", file.read_text(), title=path), ""]
    for target in targets or TARGETS:
        override = (dict(f.split("=", 1) for f in target.split("+")) if targets
                    else {"ingress": target})
        try:
            result = synth(file, target=override)
        except NetkitError as exc:
            if target not in expect_error:
                raise PluginError(f"{path} on {target}: {exc.line()}") from None
            out += [f'=== "{target}"', "",
                    "    netkit refuses, with this error:", "",
                    _fence("text", f"error: {exc.line()}", 4), ""]
            continue
        if target in expect_error:
            raise PluginError(f"{path} on {target}: rendered, but the page says it must fail")
        out += [f'=== "{target}"', "", _fence("yaml", dump_all(result.objects), 4), ""]
        if result.findings:
            out += ['    !!! note "Findings"', "",
                    _fence("text", "\n".join(f.line_text() for f in result.findings), 8),
                    ""]
    return "\n".join(out)


def file_listing(path: str) -> str:
    """The files ``netkit synth`` writes for a blueprint file, as a listing."""
    from netkit.testing import synth

    return _fence("text", "\n".join(sorted(synth(DOCS / path).files)))


@contextmanager
def _cwd(path: Path) -> Iterator[None]:
    before = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(before)


def run(args: list[str], lang: str) -> str:
    """``netkit ARGS`` run in ``docs/``, its command line and stdout as code blocks."""
    from typer.testing import CliRunner

    from netkit.cli import app

    with _cwd(DOCS):
        result = CliRunner().invoke(app, args, prog_name="netkit")
    if result.exit_code not in (0, 1):
        raise PluginError(f"netkit {shlex.join(args)} exited {result.exit_code}: "
                          f"{result.stderr.strip() or result.exception!r}")
    return "\n".join([_fence("console", f"$ netkit {shlex.join(args)}"), "",
                      _fence(lang, result.stdout)])


def expand(markdown: str) -> str:
    """``markdown`` with every marker replaced by what netkit prints for it."""
    def one(match: re.Match[str]) -> str:
        verb, (words, opts) = match["verb"], _options(match["args"])
        if verb == "render":
            expect = frozenset(filter(None, opts.get("expect-error", "").split(",")))
            targets = tuple(filter(None, opts.get("targets", "").split(",")))
            return render(words[0], expect, targets)
        if verb == "files":
            return file_listing(words[0])
        if verb == "show":
            return _fence(Path(words[0]).suffix.lstrip("."), (DOCS / words[0]).read_text(),
                          title=words[0])
        if verb == "run":
            return run(words, opts.get("lang", "text"))
        raise PluginError(f"unknown marker netkit:{verb}")

    return MARKER.sub(one, markdown).replace("{{ dist }}", _dist())


# --- mkdocs events -------------------------------------------------------------------------

def on_files(files: Files, config: Any) -> Files:
    """Add the generated pages, in memory only."""
    for uri, make in GENERATED.items():
        files.append(File.generated(config, uri, content=make()))
    return files


def on_page_markdown(markdown: str, page: Any, config: Any, files: Files) -> str:
    """Expand the markers of each page; a failing one stops the build, naming the page."""
    from netkit.errors import NetkitError

    try:
        return expand(markdown)
    except NetkitError as exc:
        raise PluginError(f"{page.file.src_uri}: {exc.line()}") from None
    except PluginError as exc:
        raise PluginError(f"{page.file.src_uri}: {exc}") from None
