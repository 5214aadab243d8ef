"""The ``netkit`` command line: parse, call the library, print. No logic of its own."""

from __future__ import annotations

import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer

from netkit import __version__

if TYPE_CHECKING:
    from netkit.findings import Finding

app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode=None,
                  help="Typed network-as-code for Kubernetes: synthesize, validate and "
                       "audit network YAML.")
_state = {"debug": False}


def _version(value: bool) -> None:
    if value:
        typer.echo(f"netkit {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks on errors.")] = False,
) -> None:
    _state["debug"] = debug


@contextmanager
def _errors() -> Iterator[None]:
    """Turn library errors into one ``error:`` line and the right exit code."""
    from netkit.errors import NetkitError

    try:
        yield
    except NetkitError as exc:
        if _state["debug"]:
            traceback.print_exc()
        typer.echo(f"error: {exc.line()}", err=True)
        raise typer.Exit(exc.exit_code) from None
    except (typer.Exit, typer.Abort, KeyboardInterrupt):
        raise
    except Exception as exc:
        if _state["debug"]:
            traceback.print_exc()
        typer.echo(f"error: internal error: {type(exc).__name__}: {exc} "
                   "(hint: rerun with --debug and report it)", err=True)
        raise typer.Exit(3) from None


def _pairs(values: list[str], option: str) -> dict[str, str]:
    from netkit.errors import ConfigError

    out: dict[str, str] = {}
    for item in values:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise ConfigError(option, f"expected KEY=VALUE, got {item!r}",
                              hint=f"e.g. {option} ingress=ingress-nginx")
        out[key.strip()] = value.strip()
    return out


def _print_findings(findings: list[Finding], verbose: bool) -> None:
    shown = [f for f in findings if verbose or f.severity != "info"]
    for finding in shown:
        typer.echo(finding.line_text(), err=True)
    hidden = len(findings) - len(shown)
    if hidden:
        typer.echo(f"({hidden} info finding(s) hidden; --verbose shows them)", err=True)


@app.command()
def synth(
    blueprints: Annotated[Optional[list[str]], typer.Argument(  # noqa: UP045
        help="Blueprint files (default: [tool.netkit] blueprints).")] = None,
    out: Annotated[Optional[Path], typer.Option(  # noqa: UP045
        "--out", "-o", help="Output directory (default: [tool.netkit] out).")] = None,
    env: Annotated[Optional[str], typer.Option(  # noqa: UP045
        "--env", help="Environment passed to build(env).")] = None,
    target: Annotated[Optional[list[str]], typer.Option(  # noqa: UP045
        "--target", help="Override a Target field, KEY=VALUE (repeatable).")] = None,
    check: Annotated[bool, typer.Option(
        "--check", help="Write nothing; exit 1 if the output is stale.")] = False,
    dry_run: Annotated[bool, typer.Option(
        "--dry-run", help="Print what would change; write nothing.")] = False,
    verbose: Annotated[bool, typer.Option(
        "--verbose", "-v", help="Also print info findings.")] = False,
    argocd: Annotated[Optional[bool], typer.Option(  # noqa: UP045
        "--argocd/--no-argocd", help="Write Argo CD objects ([tool.netkit.argocd]); default: "
                                     "on when that table exists.")] = None,
) -> None:
    """Synthesize blueprints into a GitOps directory (atomic, owned files only)."""
    with _errors():
        from netkit import synth as lib
        from netkit.config import load_config

        cfg = load_config()
        files, out_dir = lib.project_paths(cfg, blueprints, out)
        synthesis = lib.synthesize_project(cfg, files, env=env,
                                           overrides=_pairs(target or [], "--target"),
                                           argocd=argocd)
        _print_findings(synthesis.findings, verbose)
        plan = lib.write(synthesis, out_dir, check=check, dry_run=dry_run)
        for line in plan.lines() if (check or dry_run) else []:
            typer.echo(line)
        if check and plan.changed:
            typer.echo(f"error: {out_dir}: output is stale "
                       f"({len(plan.lines())} file(s) differ) "
                       "(hint: run `netkit synth` and commit the result)", err=True)
            raise typer.Exit(1)
        state = "would change" if dry_run else "checked" if check else "wrote"
        typer.echo(f"{state} {out_dir}: {len(synthesis.objects)} objects, "
                   f"{len(plan.create)} created, {len(plan.update)} updated, "
                   f"{len(plan.delete)} deleted, {len(plan.unchanged)} unchanged")


@app.command()
def validate(
    paths: Annotated[list[str], typer.Argument(
        help="YAML files, directories (recursive), - for stdin, or blueprint .py files.")],
    output_format: Annotated[str, typer.Option(
        "--format", help="text, json or sarif.")] = "text",
    kubernetes: Annotated[Optional[str], typer.Option(  # noqa: UP045
        "--kubernetes", help="Version whose schema and rules apply (X.Y).")] = None,
    crds: Annotated[Optional[list[str]], typer.Option(  # noqa: UP045
        "--crds", help="CRD files or directories for custom resources (repeatable).")] = None,
    fail_on: Annotated[str, typer.Option(
        "--fail-on", help="Lowest severity that fails: error or warning.")] = "error",
    ignore: Annotated[Optional[list[str]], typer.Option(  # noqa: UP045
        "--ignore", help="Rule id to suppress everywhere (repeatable).")] = None,
    env: Annotated[Optional[str], typer.Option(  # noqa: UP045
        "--env", help="Environment for blueprint inputs.")] = None,
) -> None:
    """Validate manifests (netkit's or anyone's): schema, apiserver rules, cross-object checks."""
    with _errors():
        from netkit import workspace
        from netkit.config import load_config
        from netkit.errors import ConfigError
        from netkit.findings import SEVERITY_RANK
        from netkit.report import choose, emit
        from netkit.report.findings import FORMATS

        writer = choose(FORMATS, output_format)
        if fail_on not in ("error", "warning"):
            raise ConfigError("--fail-on", f"unknown severity {fail_on!r}",
                              hint="error or warning")
        cfg = load_config()
        sources = workspace.read(paths, env=env or cfg.env, overrides=cfg.target)
        findings = workspace.findings(sources, cfg, kubernetes=kubernetes, crds=crds or [],
                                      ignore=ignore or [])
        emit(writer, findings)
        threshold = SEVERITY_RANK[fail_on]
        if any(SEVERITY_RANK[f.severity] >= threshold for f in findings):
            raise typer.Exit(1)


def _sources(paths: list[str] | None, env: str | None) -> tuple[Any, Any, list[str]]:
    """(config, sources, paths): PATHs default to [tool.netkit] blueprints, else out."""
    from netkit import workspace
    from netkit.config import load_config

    cfg = load_config()
    chosen = workspace.default_inputs(paths, cfg)
    return cfg, workspace.read(chosen, env=env or cfg.env, overrides=cfg.target), chosen


@app.command()
def audit(
    paths: Annotated[Optional[list[str]], typer.Argument(  # noqa: UP045
        help="Manifests (files, directories, -) or blueprint .py files.")] = None,
    output_format: Annotated[str, typer.Option(
        "--format", help="table, json, csv, markdown, dot, mermaid or html.")] = "table",
    output: Annotated[Optional[Path], typer.Option(  # noqa: UP045
        "--output", "-o", help="Write to this file instead of stdout.")] = None,
    env: Annotated[Optional[str], typer.Option(  # noqa: UP045
        "--env", help="Environment for blueprint inputs.")] = None,
) -> None:
    """Show who can reach whom, on which ports, under the NetworkPolicies given."""
    with _errors():
        from netkit import workspace
        from netkit.report import choose, emit
        from netkit.report.reachability import FORMATS

        writer = choose(FORMATS, output_format)
        cfg, sources, chosen = _sources(paths, env)
        emit(writer, workspace.audit(sources, cfg, ", ".join(chosen)), output)


@app.command()
def why(
    src: Annotated[str, typer.Argument(help="Source endpoint: namespace/name.")],
    dst: Annotated[str, typer.Argument(help="Destination endpoint: namespace/name.")],
    paths: Annotated[Optional[list[str]], typer.Argument(  # noqa: UP045
        help="Manifests or blueprints (default: [tool.netkit] blueprints).")] = None,
    port: Annotated[int, typer.Option("--port", help="Destination port.")] = ...,  # type: ignore[assignment]
    protocol: Annotated[str, typer.Option("--protocol", help="TCP, UDP or SCTP.")] = "TCP",
    output_format: Annotated[str, typer.Option("--format", help="text or json.")] = "text",
    env: Annotated[Optional[str], typer.Option(  # noqa: UP045
        "--env", help="Environment for blueprint inputs.")] = None,
) -> None:
    """Explain whether SRC may connect to DST on a port, and the smallest fix if not."""
    with _errors():
        from netkit import workspace
        from netkit.report import choose, emit
        from netkit.report.explain import FORMATS

        writer = choose(FORMATS, output_format)
        _, sources, _ = _sources(paths, env)
        emit(writer, workspace.why(sources, src, dst, port, protocol))


@app.command()
def diff(
    paths: Annotated[Optional[list[str]], typer.Argument(  # noqa: UP045
        help="BASE HEAD (two inputs), or with --base the inputs to compare.")] = None,
    base: Annotated[Optional[str], typer.Option(  # noqa: UP045
        "--base", help="Git revision to compare the working tree against.")] = None,
    output_format: Annotated[str, typer.Option(
        "--format", help="text, json or markdown.")] = "text",
    fail_on_added: Annotated[bool, typer.Option(
        "--fail-on-added", help="Exit 1 when the change opens any flow.")] = False,
    env: Annotated[Optional[str], typer.Option(  # noqa: UP045
        "--env", help="Environment for blueprint inputs.")] = None,
) -> None:
    """Show the flows a change opens and closes."""
    with _errors():
        from netkit import workspace
        from netkit.errors import ConfigError
        from netkit.report import choose, emit
        from netkit.report.diff import FORMATS

        writer = choose(FORMATS, output_format)
        if base is None:
            if not paths or len(paths) != 2:
                raise ConfigError("diff", "give BASE and HEAD, or --base REF",
                                  hint="netkit diff old/ new/  or  netkit diff --base main")
            before, after = workspace.read([paths[0]]), workspace.read([paths[1]])
        else:
            cfg, after, chosen = _sources(paths, env)
            before = workspace.read_at_revision(base, chosen, env=env or cfg.env,
                                                overrides=cfg.target)
        changes = workspace.flow_diff(before, after)
        emit(writer, changes)
        if fail_on_added and changes.added:
            raise typer.Exit(1)


@app.command()
def init(
    directory: Annotated[Path, typer.Argument(help="New (or empty) directory to create.")],
    name: Annotated[Optional[str], typer.Option(  # noqa: UP045
        "--name", help="Application and namespace name (default: the directory's name).")
    ] = None,
    host: Annotated[Optional[str], typer.Option(  # noqa: UP045
        "--host", help="Public host name (default: NAME.example.com).")] = None,
) -> None:
    """Scaffold an application repository: blueprint, tests, pre-commit hook and CI."""
    with _errors():
        from netkit.scaffold.init import scaffold

        written = scaffold(directory, name=name or directory.resolve().name, host=host)
        for path in written:
            typer.echo(f"created {path}")
        typer.echo(f"next: cd {directory} && pip install -e '.[test]' && pytest")


def main() -> None:
    """Console-script entry point."""
    app(prog_name="netkit")


if __name__ == "__main__":  # pragma: no cover
    main()
