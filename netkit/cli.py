"""The ``netkit`` command line: parse, call the library, print. No logic of its own."""

from __future__ import annotations

import sys
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

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
) -> None:
    """Synthesize blueprints into a GitOps directory (atomic, owned files only)."""
    with _errors():
        from netkit import synth as lib
        from netkit.config import load_config
        from netkit.errors import ConfigError
        from netkit.validate.crd import CrdRegistry

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
        crds = CrdRegistry().load([cfg.path(c) for c in cfg.crds])
        synthesis = lib.synthesize(bps, crds=crds, ignore=cfg.ignore)
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
        from netkit.validate.crd import CrdRegistry
        from netkit.validate.engine import Validator
        from netkit.validate.findings import SEVERITY_RANK

        if output_format not in ("text", *FORMATS):
            raise ConfigError("--format", f"unknown format {output_format!r}",
                              hint="text, json or sarif")
        if fail_on not in ("error", "warning"):
            raise ConfigError("--fail-on", f"unknown severity {fail_on!r}",
                              hint="error or warning")
        cfg = load_config()
        registry = CrdRegistry().load([*(crds or []), *(cfg.path(c) for c in cfg.crds)])
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


def main() -> None:
    """Console-script entry point."""
    app(prog_name="netkit")


if __name__ == "__main__":  # pragma: no cover
    main()
