"""The ``netkit`` command line: parse, call the library, print. No logic of its own."""

from __future__ import annotations

import atexit
import copy
import gc
import os
import sys
import threading
import traceback
import weakref
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, Optional

import typer
from typer.core import TyperGroup

from netkit import __version__
from netkit.plugin_lookup import skip_while_off

if TYPE_CHECKING:
    from netkit.findings import Finding

_state = {"debug": False}


class _Netkit(TyperGroup):
    """The ``netkit`` group: ``--debug`` also works after a subcommand (``netkit synth x.py
    --debug``), as kubectl's global flags do."""

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        debug = next(p for p in self.params if p.name == "debug")
        _add_debug(debug, self.commands.values())


def _add_debug(debug: Any, commands: Iterable[Any]) -> None:
    """Give ``commands`` (and their subcommands) a copy of the group's ``--debug`` option."""
    for command in commands:
        option = copy.copy(debug)
        option.expose_value = False  # the command's function has no such parameter
        option.callback = _debug_after
        command.params.append(option)
        if isinstance(command, TyperGroup):
            _add_debug(debug, command.commands.values())


def _debug_after(ctx: Any, param: Any, value: bool) -> bool:
    if value:
        _state["debug"] = True
    return value


app = typer.Typer(cls=_Netkit, add_completion=True, no_args_is_help=True,
                  rich_markup_mode=None,
                  help="Typed network-as-code for Kubernetes: synthesize, validate and "
                       "audit network YAML.")


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
    """Turn errors into one ``error:`` line and the right exit code: 2 for bad input and
    OS errors, 130 for Ctrl-C, 3 for internal errors; a closed stdout ends quietly."""
    from netkit.errors import NetkitError

    try:
        yield
    except NetkitError as exc:
        _fail(exc.line(), exc.exit_code)
    except BrokenPipeError:  # `netkit audit | head`: the reader has what it wanted
        _discard_stdout()
        raise typer.Exit(0) from None
    except OSError as exc:
        where = " -> ".join(str(f) for f in (exc.filename, exc.filename2) if f is not None)
        _fail(NetkitError(where, exc.strerror or str(exc),
                          hint="check the path, its permissions and free space").line(), 2)
    except KeyboardInterrupt:
        _fail("interrupted", 130)
    except (typer.Exit, typer.Abort):
        raise
    except Exception as exc:
        _fail(f"internal error: {type(exc).__name__}: {exc} "
              "(hint: rerun with --debug and report it)", 3)


def _fail(line: str, code: int) -> NoReturn:
    if _state["debug"]:
        traceback.print_exc()
    typer.echo(f"error: {line}", err=True)
    raise typer.Exit(code) from None


def _discard_stdout() -> None:
    """Point stdout at /dev/null, so flushing it at exit cannot fail again."""
    try:
        fd = os.open(os.devnull, os.O_WRONLY)
        os.dup2(fd, sys.stdout.fileno())
        os.close(fd)
    except (OSError, ValueError):  # no real file descriptor (e.g. under CliRunner)
        pass


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


def _alone(option: str, others: dict[str, bool]) -> None:
    """Refuse ``option`` together with any of the ``others`` that are given."""
    from netkit.errors import ConfigError

    if given := [name for name, on in others.items() if on]:
        raise ConfigError(option, f"cannot be combined with {', '.join(given)}",
                          hint=f"{option} writes no files; drop {', '.join(given)}")


def _print_findings(findings: list[Finding], verbose: bool) -> None:
    shown = [f for f in findings if verbose or f.severity != "info"]
    for finding in shown:
        typer.echo(finding.line_text(), err=True)
    hidden = len(findings) - len(shown)
    if hidden:
        typer.echo(f"({hidden} info finding(s) hidden; --verbose shows them)", err=True)


def _input_errors(sources: Any, *, summary: bool = False) -> bool:
    """Print the findings on input the analysis left out or read differently (and, with
    ``summary``, the kinds it does not analyse); whether any is an error."""
    checked = sources.analysable
    _print_findings(checked.findings, verbose=False)
    line = checked.summary() if summary else None
    if line:
        typer.echo(line, err=True)
    return any(f.severity == "error" for f in checked.findings)


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
    stdout: Annotated[bool, typer.Option(
        "--stdout", help="Print all objects as one multi-document YAML stream (in file path "
                         "order) instead of writing files; needs no --out.")] = False,
    force: Annotated[bool, typer.Option(
        "--force", help="Overwrite owned files edited by hand; stop owning (never delete) "
                        "edited ones netkit no longer writes.")] = False,
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
        if stdout:
            _alone("--stdout", {"--out": out is not None, "--check": check, "--dry-run": dry_run})
            files = lib.project_files(cfg, blueprints)
        else:
            files, out_dir = lib.project_paths(cfg, blueprints, out)
        _out_of_collections()
        synthesis = lib.synthesize_project(cfg, files, env=env,
                                           overrides=_pairs(target or [], "--target"),
                                           argocd=argocd, out=None if stdout else out_dir,
                                           plan_ahead=check or dry_run)
        if stdout:
            _print_findings(synthesis.findings, verbose)
            typer.echo(lib.stream(synthesis), nl=False)
            return
        try:  # the files are staged while validation may still run
            plan = lib.write(synthesis, out_dir, check=check, dry_run=dry_run, force=force)
        except Exception:
            _print_findings(synthesis.findings, verbose)
            raise
        _print_findings(synthesis.findings, verbose)
        for line in plan.lines() if (check or dry_run) else []:
            typer.echo(line)
        if check and plan.changed:
            typer.echo(f"error: {out_dir}: output is stale "
                       f"({len(plan.lines())} file(s) differ) "
                       "(hint: run `netkit synth` and commit the result)", err=True)
            raise typer.Exit(1)
        state = "would change" if dry_run else "checked" if check else "wrote"
        typer.echo(f"{state} {out_dir}: {synthesis.object_count} objects, "
                   f"{len(plan.create)} created, {len(plan.update)} updated, "
                   f"{len(plan.delete)} deleted, {len(plan.unchanged)} unchanged")


@app.command()
def validate(
    paths: Annotated[list[str], typer.Argument(
        help="YAML or JSON files, directories (recursive), - for stdin, or blueprint .py "
             "files.")],
    output_format: Annotated[str, typer.Option(
        "--format", help="text, json, sarif, junit or github (workflow annotations).")
    ] = "text",
    kubernetes: Annotated[Optional[str], typer.Option(  # noqa: UP045
        "--kubernetes", help="Version whose schema and rules apply (X.Y).")] = None,
    crds: Annotated[Optional[list[str]], typer.Option(  # noqa: UP045
        "--crds", help="CRD files or directories for custom resources (repeatable).")] = None,
    fail_on: Annotated[str, typer.Option(
        "--fail-on", help="Lowest severity that fails: error or warning.")] = "error",
    ignore: Annotated[Optional[list[str]], typer.Option(  # noqa: UP045
        "--ignore", help="Rule id to suppress everywhere (repeatable).")] = None,
    exclude: Annotated[Optional[list[str]], typer.Option(  # noqa: UP045
        "--exclude", help="Leave matching files out of directory walks, like a .gitignore "
                          "line (repeatable; snapshot folders and git-ignored files are left "
                          "out already).")] = None,
    env: Annotated[Optional[str], typer.Option(  # noqa: UP045
        "--env", help="Environment for blueprint inputs.")] = None,
    scope: Annotated[str, typer.Option(
        "--scope", help="What cross-object checks see together: each file, each dir, or all "
                        "inputs as one cluster (the default; right for synth output).")] = "all",
) -> None:
    """Validate manifests (netkit's or anyone's): schema, apiserver rules, cross-object checks.

    Directories are walked for .yaml, .yml and .json files (one object, a List, or a JSON
    array of objects each); Helm templates, chart metadata and other files that are no
    manifests are reported (NK014, NK012) and the rest is validated.
    """
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
        sources = workspace.read(paths, env=env or cfg.env, overrides=cfg.target,
                                 exclude=[*cfg.exclude, *(exclude or [])])
        findings = workspace.findings(sources, cfg, kubernetes=kubernetes, crds=crds or [],
                                      ignore=ignore or [], scope=scope)
        emit(writer, findings)
        threshold = SEVERITY_RANK[fail_on]
        if any(SEVERITY_RANK[f.severity] >= threshold for f in findings):
            raise typer.Exit(1)


def _sources(paths: list[str] | None, env: str | None, *,
             required: bool = True) -> tuple[Any, Any, list[str]]:
    """(config, sources, paths): PATHs default to [tool.netkit] blueprints, else out (else
    nothing, when not ``required``)."""
    from netkit import workspace
    from netkit.config import load_config

    cfg = load_config()
    chosen = workspace.default_inputs(paths, cfg, required=required)
    sources = workspace.read(chosen, env=env or cfg.env, overrides=cfg.target,
                             exclude=cfg.exclude)
    return cfg, sources, chosen


@app.command()
def audit(
    paths: Annotated[Optional[list[str]], typer.Argument(  # noqa: UP045
        help="Manifests (files, directories, -) or blueprint .py files (default: [tool.netkit] "
             "blueprints; with --flows and none, no policies).")] = None,
    output_format: Annotated[str, typer.Option(
        "--format", help="table, json, csv, markdown, dot, mermaid or html.")] = "table",
    output: Annotated[Optional[Path], typer.Option(  # noqa: UP045
        "--output", "-o", help="Write to this file instead of stdout.")] = None,
    env: Annotated[Optional[str], typer.Option(  # noqa: UP045
        "--env", help="Environment for blueprint inputs.")] = None,
    flows: Annotated[Optional[str], typer.Option(  # noqa: UP045
        "--flows", help="Observed flow log (Hubble JSON, or plain CSV / JSON lines; - for "
                        "stdin): the verdict on every flow instead of the reachability "
                        "(formats: table, json, markdown, html).")] = None,
    fail_on_denied: Annotated[bool, typer.Option(
        "--fail-on-denied", help="With --flows: exit 1 if the policies would deny an "
                                 "observed flow that works today.")] = False,
) -> None:
    """Show who can reach whom, on which ports, under the NetworkPolicies given; with
    --flows, whether each observed flow would be allowed.

    Objects the analysis cannot read as given (malformed, or an API version no longer
    served) are reported on stderr and left out or read as their successor, and the kinds
    it does not analyse are listed; exits 1 when such a finding is an error.
    """
    with _errors():
        from netkit import workspace
        from netkit.errors import ConfigError
        from netkit.report import choose, emit

        if flows is None:
            from netkit.report.reachability import FORMATS

            if fail_on_denied:
                raise ConfigError("--fail-on-denied", "needs --flows",
                                  hint="netkit audit --flows flows.json --fail-on-denied PATH")
            writer = choose(FORMATS, output_format)
            cfg, sources, chosen = _sources(paths, env)
            emit(writer, workspace.audit(sources, cfg, ", ".join(chosen)), output)
            _print_findings(workspace.unseen(sources, cfg), verbose=False)
            if _input_errors(sources, summary=True):
                raise typer.Exit(1)
            return
        from netkit.report.flows import FORMATS as FLOW_FORMATS

        flow_writer = choose(FLOW_FORMATS, output_format)
        cfg, sources, chosen = _sources(paths, env, required=False)
        verdicts = workspace.audit_flows(sources, flows, ", ".join(chosen) or flows)
        emit(flow_writer, verdicts, output)
        if _input_errors(sources) or (fail_on_denied and verdicts.denied):
            raise typer.Exit(1)


@app.command()
def why(
    src: Annotated[str, typer.Argument(
        help="Source endpoint: namespace/name, or a glob over endpoints ('ns/*').")],
    dst: Annotated[str, typer.Argument(
        help="Destination endpoint: namespace/name, or a glob ('kube-system/*').")],
    paths: Annotated[Optional[list[str]], typer.Argument(  # noqa: UP045
        help="Manifests or blueprints (default: [tool.netkit] blueprints).")] = None,
    port: Annotated[int, typer.Option("--port", help="Destination port.")] = ...,  # type: ignore[assignment]
    protocol: Annotated[str, typer.Option("--protocol", help="TCP, UDP or SCTP.")] = "TCP",
    output_format: Annotated[str, typer.Option("--format", help="text or json.")] = "text",
    env: Annotated[Optional[str], typer.Option(  # noqa: UP045
        "--env", help="Environment for blueprint inputs.")] = None,
) -> None:
    """Explain whether SRC may connect to DST on a port, and the smallest fix if not.

    Exits 0 when the connection is ALLOWED, 1 when it is DENIED or an input object is
    malformed (reported, and left out), 2 on input that cannot be read.
    """
    with _errors():
        from netkit import workspace
        from netkit.report import choose, emit
        from netkit.report.explain import FORMATS

        writer = choose(FORMATS, output_format)
        cfg, sources, _ = _sources(paths, env)
        answer = workspace.why(sources, src, dst, port, protocol, parts=cfg.implied.parts())
        emit(writer, answer)
        if _input_errors(sources) or not answer.allowed:
            raise typer.Exit(1)


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
    """Show the flows a change opens and closes.

    Exits 1 when an input object is malformed (reported on stderr, and left out; with
    --base, in the working tree).
    """
    with _errors():
        from netkit import workspace
        from netkit.config import load_config
        from netkit.errors import ConfigError
        from netkit.report import choose, emit
        from netkit.report.diff import FORMATS

        writer = choose(FORMATS, output_format)
        if base is None:
            if not paths or len(paths) != 2:
                raise ConfigError("diff", "give BASE and HEAD, or --base REF",
                                  hint="netkit diff old/ new/  or  netkit diff --base main")
            cfg = load_config()
            before, after = workspace.read([paths[0]]), workspace.read([paths[1]])
        else:
            cfg, after, chosen = _sources(paths, env)
            before = workspace.read_at_revision(base, chosen, env=env or cfg.env,
                                                overrides=cfg.target, exclude=cfg.exclude)
        changes = workspace.flow_diff(before, after, parts=cfg.implied.parts())
        emit(writer, changes)
        # a revision's problems are history, and its files live in a temporary export
        sides = (before, after) if base is None else (after,)
        broken = [_input_errors(side) for side in sides]
        if any(broken) or (fail_on_added and changes.added):
            raise typer.Exit(1)


@app.command(name="import")
def import_(
    paths: Annotated[list[str], typer.Argument(
        help="Manifests: files, directories (recursive), - for stdin; kubectl exports too.")],
    out: Annotated[Optional[Path], typer.Option(  # noqa: UP045
        "--out", "-o", help="Blueprint file to write (default: network.py).")] = None,
    blueprint: Annotated[Optional[str], typer.Option(  # noqa: UP045
        "--blueprint", help="Blueprint name (default: the input's netkit.dev/blueprint "
                            "label, else 'imported').")] = None,
    target: Annotated[Optional[list[str]], typer.Option(  # noqa: UP045
        "--target", help="Target fields for the blueprint, KEY=VALUE[,KEY=VALUE] "
                         "(repeatable; default ingress=gateway-api).")] = None,
    verify: Annotated[bool, typer.Option(
        "--verify", help="Synthesize the blueprint and prove it routes and admits what the "
                         "input did; exit 1 on any difference.")] = False,
    stdout: Annotated[bool, typer.Option(
        "--stdout", help="Print the blueprint instead of writing a file.")] = False,
    verify_only: Annotated[bool, typer.Option(
        "--verify-only", help="Write nothing: verify the blueprint already at --out (edited "
                              "since, perhaps) against the input.")] = False,
    output_format: Annotated[str, typer.Option(
        "--format", help="The proof's format: text, json or markdown.")] = "text",
) -> None:
    """Turn manifests (ingress-nginx Ingresses, Services, NetworkPolicies) into a blueprint."""
    with _errors():
        from netkit import importer
        from netkit.importer.proof_report import FORMATS
        from netkit.report import choose, emit, writing

        writer = choose(FORMATS, output_format)
        if stdout:
            _alone("--stdout", {"--out": out is not None, "--verify-only": verify_only})
        file = out or Path("network.py")
        if verify_only:
            proof = importer.verify_file(paths, file)
            writer(proof, sys.stdout)
            if not proof.equivalent:
                raise typer.Exit(1)
            return
        pairs = [item for value in target or [] for item in value.split(",") if item]
        result = importer.import_manifests(paths, name=blueprint,
                                           target=_pairs(pairs, "--target"))
        for note in result.notes:
            typer.echo(f"not carried over: {note.line()}", err=True)
        check = importer.verify_source(result.objects, result.source) if verify else None
        if stdout:
            typer.echo(result.source, nl=False)
        else:
            emit(writing(str), result.source, file)
            if result.notes:
                typer.echo(f"{len(result.notes)} item(s) not carried over: listed at the top "
                           f"of {file}", err=True)
        if check is not None:
            writer(check, sys.stderr if stdout else sys.stdout)
            if not check.equivalent:
                raise typer.Exit(1)


@app.command()
def suggest(
    paths: Annotated[Optional[list[str]], typer.Argument(  # noqa: UP045
        help="More manifests or blueprints whose policies apply (other namespaces, live "
             "workloads).")] = None,
    flows: Annotated[str, typer.Option(
        "--flows", help="Observed flow log (Hubble JSON, or plain CSV / JSON lines; - for "
                        "stdin).")] = ...,  # type: ignore[assignment]
    blueprint: Annotated[Optional[str], typer.Option(  # noqa: UP045
        "--blueprint", help="The blueprint the lines are for: its namespaces, workloads, "
                            "named ports and target.")] = None,
    output_format: Annotated[str, typer.Option(
        "--format", help="python (lines for the blueprint) or yaml (NetworkPolicies).")
    ] = "python",
    output: Annotated[Optional[Path], typer.Option(  # noqa: UP045
        "--output", "-o", help="Write to this file instead of stdout.")] = None,
    env: Annotated[Optional[str], typer.Option(  # noqa: UP045
        "--env", help="Environment for blueprint inputs.")] = None,
) -> None:
    """Suggest least-privilege allows that admit exactly the observed flows the policies
    would deny."""
    with _errors():
        from netkit import workspace
        from netkit.config import load_config
        from netkit.errors import ConfigError
        from netkit.report import choose, emit
        from netkit.report.suggestions import FORMATS

        writer = choose(FORMATS, output_format)
        cfg = load_config()
        if blueprint is not None and not blueprint.endswith(".py"):
            raise ConfigError("--blueprint", f"{blueprint!r} is not a blueprint .py file",
                              hint="pass manifests as PATH arguments")
        if blueprint is None:
            paths = workspace.default_inputs(paths, cfg, required=False)
        options: dict[str, Any] = {"env": env or cfg.env, "overrides": cfg.target,
                                   "exclude": cfg.exclude}
        emit(writer, workspace.suggest(workspace.read(paths or [], **options), flows,
                                       workspace.read([blueprint], **options)
                                       if blueprint else None), output)


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


@app.command()
def rules(
    output_format: Annotated[str, typer.Option(
        "--format", help="text, json or markdown.")] = "text",
) -> None:
    """List every rule: id, severity and title."""
    with _errors():
        from netkit.findings import RULES
        from netkit.report import choose, emit
        from netkit.report.rules import FORMATS

        emit(choose(FORMATS, output_format), list(RULES.values()))


@app.command()
def explain(
    rule: Annotated[str, typer.Argument(help="Rule id, e.g. NK115 (any case).")],
    example: Annotated[bool, typer.Option(
        "--example", help="Print only the example file that triggers the rule.")] = False,
    fixed: Annotated[bool, typer.Option(
        "--fixed", help="Print only the fixed example file.")] = False,
) -> None:
    """Explain a rule: why it matters, an example that triggers it, and the fix."""
    with _errors():
        from netkit.errors import ConfigError
        from netkit.findings import find_rule
        from netkit.report.rules import explanation

        found = find_rule(rule)
        if example and fixed:
            raise ConfigError("explain", "--example and --fixed print one file each",
                              hint="give one of them")
        typer.echo(found.example(fixed=fixed).text if example or fixed
                   else explanation(found), nl=False)


def main() -> None:
    """Console-script entry point."""
    global _OWN_PROCESS
    _OWN_PROCESS = True
    # Looking pydantic's plugins up reads every installed distribution's entry points, a
    # tenth of a synth's start-up; netkit's models want none. A value the user set wins.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    skip_while_off()
    if _command_name(sys.argv[1:]) == "synth":
        gc.disable()  # what its start-up makes lives on: see _out_of_collections
    code: object = 0
    try:
        _only(sys.argv[1:])(prog_name="netkit")
    except SystemExit as exc:
        code = exc.code
    finally:
        _flush()
    # Out of the except clause, whose exception (a blueprint's error, its frames) held on to
    # what the command made.
    if not isinstance(code, int | None) or (_ran_user_code() and not _finished_user_code()):
        raise SystemExit(code)  # Python's exit finishes what a blueprint started
    _flush()
    # The command is done, and so is what a blueprint started: ending here spares the tens of
    # milliseconds Python takes to free netkit's modules and a large input one by one.
    os._exit(code or 0)


def _only(argv: list[str]) -> typer.Typer:
    """``app`` with only the command ``argv`` names, when it names one: typer makes every
    command's options on each run, a twentieth of a whole check."""
    name = _command_name(argv)
    chosen = [c for c in app.registered_commands if c.callback is not None and (
        c.name or typer.main.get_command_name(c.callback.__name__)) == name]
    if not chosen:
        return app
    narrowed = copy.copy(app)
    narrowed.registered_commands = chosen
    return narrowed


def _command_name(argv: list[str]) -> str | None:
    return next((arg for arg in argv if not arg.startswith("-")), None)


_OWN_PROCESS = False  # set by main(): a command runs in a process of its own
_LOADED_BEFORE: frozenset[str] | None = None  # the modules of before any blueprint ran


def _out_of_collections() -> None:
    """In a process of its own, what the modules loaded so far made (no blueprint has run
    yet) is left out of every later collection, Python's exit's among them, which walk
    every object (a twentieth of a check); the collector, off since main() saw the command
    (the start-up's imports would run it fifty times), waits until the command is done.
    A blueprint's own objects are finalized then (see _finished_user_code), save what those
    modules still hold (say, the blueprint's value kept in a class of theirs), which is left
    as it is."""
    global _LOADED_BEFORE
    if _OWN_PROCESS and _LOADED_BEFORE is None:
        _LOADED_BEFORE = frozenset(sys.modules)
        gc.disable()
        gc.freeze()
        # Python's exit collects (and finalizes) while modules are intact only when the
        # collector is on; the blueprint's exit handlers, registered later, run before this.
        atexit.register(gc.enable)


def _ran_user_code() -> bool:
    loaded = sys.modules.get("netkit.inputs.blueprints")  # imported by whatever runs one
    return loaded is not None and bool(loaded.ran_user_code())


def _finished_user_code() -> bool:
    """Finish what the blueprints started as Python's exit does, when _out_of_collections
    knows the modules of before they ran; whether done. Their threads are waited for and the
    exit handlers run; then the modules loaded since (but netkit's) are dropped and
    collected, finalizing what they hold (a file left open is flushed) while their globals
    are still there, and those still referenced have their globals cleared, the later ones
    first. netkit's modules and those of before are left as they are: freeing them is most
    of what the rest of Python's exit takes."""
    if _LOADED_BEFORE is None:
        return False
    try:
        threading._shutdown()  # type: ignore[attr-defined]  # as Python's exit: threads first
    except BaseException:  # Ctrl-C while waiting: reported, and the exit goes on, as Python's
        typer.echo("Exception ignored on threading shutdown:", err=True)
        traceback.print_exc()
    atexit._run_exitfuncs()
    later = [sys.modules.pop(name) for name in list(sys.modules)
             if name not in _LOADED_BEFORE and name.partition(".")[0] != "netkit"]
    held = [weakref.ref(_Held(vars(module))) for module in later
            if isinstance(module, ModuleType)]
    del later
    gc.collect()
    if _cleared([ref() for ref in reversed(held)]):
        gc.collect()
    return True


class _Held:
    """Put among a module's globals, which hold it back: it outlives a collection only when
    something still holds those globals (a function of the module that a signal handler or
    another module keeps, say)."""

    __slots__ = ("__weakref__", "names")

    def __init__(self, names: dict[str, Any]) -> None:
        self.names = names
        names["__netkit_held__"] = self


def _cleared(found: list[_Held | None]) -> bool:
    """Set the globals of the modules still held to None as Python's exit does (``_private``
    ones first, then all but ``__builtins__``); whether there were any."""
    for held in found:
        if held is not None:
            keys = [k for k in held.names if isinstance(k, str)]
            for key in [k for k in keys if k[:1] == "_" and k[1:2] != "_"]:
                held.names[key] = None
            for key in [k for k in keys if k != "__builtins__"]:
                held.names[key] = None
    return any(held is not None for held in found)


def _flush() -> None:
    try:  # output still buffered meets a closed pipe here, not in Python's exit handler
        sys.stdout.flush()
    except BrokenPipeError:
        _discard_stdout()
    with suppress(OSError, ValueError):  # a closed stderr has nothing left to say
        sys.stderr.flush()


if __name__ == "__main__":  # pragma: no cover
    main()
