"""The ``netkit`` command line: parse, call the library, print. No logic of its own."""

from __future__ import annotations

import sys
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Optional, TextIO

import typer

from netkit import __version__

if TYPE_CHECKING:
    from netkit.validate.findings import Finding

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
    argocd: Annotated[bool, typer.Option(
        "--argocd", help="Also write Argo CD objects ([tool.netkit.argocd]).")] = False,
) -> None:
    """Synthesize blueprints into a GitOps directory (atomic, owned files only)."""
    with _errors():
        from netkit import synth as lib
        from netkit.config import load_config
        from netkit.errors import ConfigError

        cfg = load_config()
        files = blueprints or [str(cfg.path(b)) for b in cfg.blueprints]
        if not files:
            raise ConfigError("synth", "no blueprint given",
                              hint="pass a blueprint file or set [tool.netkit] blueprints")
        out_dir = out if out is not None else (cfg.path(cfg.out) if cfg.out else None)
        if out_dir is None:
            raise ConfigError("synth", "no output directory",
                              hint="pass --out DIR or set [tool.netkit] out")
        overrides = {**cfg.target, **_pairs(target or [], "--target")}
        bps = lib.load(files, env=env or cfg.env, overrides=overrides)
        crds = cfg.crd_registry()
        if argocd and cfg.argocd is None:
            raise ConfigError("--argocd", "no [tool.netkit.argocd] table",
                              hint='add [tool.netkit.argocd] with repo_url = "https://..."')
        synthesis = lib.synthesize(bps, crds=crds, ignore=cfg.ignore, argocd=cfg.argocd)
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
        from netkit.config import load_config
        from netkit.errors import ConfigError
        from netkit.report.findings import FORMATS, text
        from netkit.sources import read
        from netkit.validate.engine import Validator
        from netkit.validate.findings import SEVERITY_RANK

        if output_format not in ("text", *FORMATS):
            raise ConfigError("--format", f"unknown format {output_format!r}",
                              hint="text, json or sarif")
        if fail_on not in ("error", "warning"):
            raise ConfigError("--fail-on", f"unknown severity {fail_on!r}",
                              hint="error or warning")
        cfg = load_config()
        registry = cfg.crd_registry(crds or [])
        sources = read(paths, env=env or cfg.env, overrides=cfg.target)
        validator = Validator(sources.target, kubernetes=kubernetes, crds=registry,
                              ignore=[*cfg.ignore, *(ignore or [])])
        findings = sources.findings + validator.validate(sources.objects)
        if output_format == "text":
            typer.echo(text(findings, color=sys.stdout.isatty()), nl=False)
        else:
            typer.echo(FORMATS[output_format](findings), nl=False)
        threshold = SEVERITY_RANK[fail_on]
        if any(SEVERITY_RANK[f.severity] >= threshold for f in findings):
            raise typer.Exit(1)


def _inputs(paths: list[str] | None, env: str | None) -> tuple[Any, Any, list[str]]:
    """(config, sources, paths): PATHs default to [tool.netkit] blueprints, else out."""
    from netkit.config import load_config
    from netkit.errors import ConfigError
    from netkit.sources import read

    cfg = load_config()
    chosen = paths or [str(cfg.path(b)) for b in cfg.blueprints] or (
        [str(cfg.path(cfg.out))] if cfg.out else [])
    if not chosen:
        raise ConfigError("netkit", "no input given",
                          hint="pass manifests or blueprints, or set [tool.netkit] blueprints")
    return cfg, read(chosen, env=env or cfg.env, overrides=cfg.target), chosen


@contextmanager
def _output(path: Path | None) -> Iterator[TextIO]:
    """stdout, or ``path`` written whole or not at all."""
    if path is None:
        yield sys.stdout
        return
    tmp = path.with_name(f".{path.name}.tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        yield fh
    tmp.replace(path)
    typer.echo(f"wrote {path}", err=True)


def _emit(text: str, output: Path | None) -> None:
    with _output(output) as out:
        out.write(text)


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
        from netkit.analysis import reachability
        from netkit.errors import ConfigError
        from netkit.report.reachability import FORMATS

        if output_format not in (*FORMATS, "html"):
            raise ConfigError("--format", f"unknown format {output_format!r}",
                              hint=", ".join([*FORMATS, "html"]))
        cfg, sources, chosen = _inputs(paths, env)
        r = reachability(sources.objects, sources.workloads)
        if output_format == "json":
            from netkit.report.reachability import write_json

            with _output(output) as out:
                write_json(r, out)
        elif output_format == "html":
            from netkit.report.html import render
            from netkit.validate.engine import Validator

            findings = sources.findings + Validator(sources.target, crds=cfg.crd_registry(),
                                                    ignore=cfg.ignore).validate(sources.objects)
            _emit(render(r, findings, ", ".join(chosen)), output)
        else:
            _emit(FORMATS[output_format](r), output)


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
        import json

        from netkit.analysis import reachability
        from netkit.analysis.explain import explain
        from netkit.errors import ConfigError
        from netkit.report.explain import text

        if protocol not in ("TCP", "UDP", "SCTP"):
            raise ConfigError("--protocol", f"unknown protocol {protocol!r}",
                              hint="TCP, UDP or SCTP")
        if not 1 <= port <= 65535:
            raise ConfigError("--port", f"port {port} is out of range 1-65535",
                              hint="a destination port number")
        _, sources, _ = _inputs(paths, env)
        r = reachability(sources.objects, sources.workloads)
        declared = {w.id for w in sources.workloads} or None
        x = explain(r, src, dst, port, protocol, workloads=declared)
        if output_format == "json":
            typer.echo(json.dumps(x.to_json(), indent=2))
        else:
            typer.echo(text(x), nl=False)


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
        import tempfile

        from netkit.analysis import reachability
        from netkit.analysis.diff import diff as flow_diff
        from netkit.analysis.git import export, repo_root
        from netkit.errors import ConfigError
        from netkit.report import diff as report
        from netkit.sources import read

        renderers = {"text": report.text, "json": report.to_json,
                     "markdown": report.markdown}
        if output_format not in renderers:
            raise ConfigError("--format", f"unknown format {output_format!r}",
                              hint="text, json or markdown")
        if base is None:
            if not paths or len(paths) != 2:
                raise ConfigError("diff", "give BASE and HEAD, or --base REF",
                                  hint="netkit diff old/ new/  or  netkit diff --base main")
            cfg, before, after = None, read([paths[0]]), read([paths[1]])
        else:
            cfg, after, chosen = _inputs(paths, env)
            root = repo_root(Path.cwd())
            with tempfile.TemporaryDirectory() as tmp:
                export(base, root, Path(tmp))
                moved = [str(Path(tmp) / Path(p).resolve().relative_to(root)) for p in chosen]
                before = read([p for p in moved if Path(p).exists()],
                              env=env or cfg.env, overrides=cfg.target)
        changes = flow_diff(reachability(before.objects, before.workloads),
                            reachability(after.objects, after.workloads))
        typer.echo(renderers[output_format](changes), nl=False)
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
