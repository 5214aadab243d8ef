"""Write a new application repository from the templates, ready to test."""

from __future__ import annotations

import secrets
import shutil
import sys
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined

from netkit import DISTRIBUTION, __version__
from netkit.errors import ConfigError
from netkit.k8s.names import dns1123_label_errors
from netkit.serialize import dump_all
from netkit.spec import host_errors

# template → path in the new repository
FILES = {
    "pyproject.toml.j2": "pyproject.toml",
    "network.py.j2": "network.py",
    "test_network.py.j2": "tests/test_network.py",
    "pre-commit-config.yaml.j2": ".pre-commit-config.yaml",
    "workflow.yml.j2": ".github/workflows/network.yml",
    "gitignore.j2": ".gitignore",
    "README.md.j2": "README.md",
}
SNAPSHOT = "tests/snapshots/test_network/test_network_snapshot.yaml"


def python_string(value: str) -> str:
    """``value`` as a Python string literal, double-quoted like the code around it."""
    text = repr(value)
    # Without a '"' in the value, repr's quotes can be swapped: nothing inside needs them.
    return f'"{text[1:-1]}"' if '"' not in value else text


def quoted(value: str) -> str:
    """``value`` as a double-quoted string that TOML and YAML both read back unchanged."""
    out = []
    for char in value:
        if char in '"\\':
            out.append("\\" + char)
        elif char.isascii() and char.isprintable():
            out.append(char)
        else:
            code = ord(char)
            out.append(f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}")
    return '"' + "".join(out) + '"'


def scaffold(directory: Path, *, name: str, host: str | None = None,
             netkit_requirement: str | None = None) -> list[Path]:
    """Write the repository, its first GitOps output and its first snapshot, all or nothing;
    return the paths."""
    if errs := dns1123_label_errors(name):
        raise ConfigError("--name", f"{name!r} is not a valid namespace name: {errs[0]}",
                          hint="use lowercase letters, digits and '-'")
    host = host or f"{name}.example.com"
    if errs := host_errors(host) or (["must not be a wildcard"] if "*" in host else []):
        raise ConfigError("--host", f"{host!r} is not a valid host name: {errs[0]}",
                          hint="a DNS name like shop.example.com")
    if directory.exists() and not directory.is_dir():
        raise ConfigError(str(directory), "is not a directory",
                          hint="netkit init writes into a new or empty directory")
    if directory.exists() and any(directory.iterdir()):
        raise ConfigError(str(directory), "directory is not empty",
                          hint="netkit init writes into a new or empty directory")
    env = Environment(loader=PackageLoader("netkit.scaffold", "templates"),
                      undefined=StrictUndefined, keep_trailing_newline=True, autoescape=False)
    env.filters.update(python=python_string, quoted=quoted)
    values = {"name": name, "host": host, "distribution": DISTRIBUTION,
              "netkit_requirement": netkit_requirement or f">={__version__}"}
    # Build in a staging directory, then move it into place: a new directory is renamed
    # into place at once; an existing empty one (perhaps the shell's working directory)
    # stays, and receives the staged entries.
    target = directory.resolve()
    exists = target.is_dir()
    if not exists:
        target.parent.mkdir(parents=True, exist_ok=True)
    staging = (target if exists else target.parent) / f".{target.name}.{secrets.token_hex(6)}.tmp"
    staging.mkdir()
    try:
        for template, rel in FILES.items():
            path = staging / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(env.get_template(template).render(**values), encoding="utf-8")
        _first_outputs(staging)
        if not exists:
            staging.rename(target)
        else:
            for entry in sorted(staging.iterdir()):
                entry.rename(target / entry.name)
            staging.rmdir()
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return [directory / rel for rel in (*FILES.values(), "gitops", SNAPSHOT)]


def _first_outputs(directory: Path) -> None:
    """The GitOps tree and the snapshot, so `synth --check` and the tests pass at once."""
    from netkit import synth
    from netkit.inputs.blueprints import load_blueprints

    # The new repository holds what the templates make, not the blueprint's bytecode.
    before, sys.dont_write_bytecode = sys.dont_write_bytecode, True
    try:
        blueprints = load_blueprints(directory / "network.py", "prod")
    finally:
        sys.dont_write_bytecode = before
    synthesis = synth.synthesize(blueprints)
    synth.write(synthesis, directory / "gitops")
    snapshot = directory / SNAPSHOT
    snapshot.parent.mkdir(parents=True, exist_ok=True)
    snapshot.write_text(dump_all(o.obj for o in synthesis.objects), encoding="utf-8")
