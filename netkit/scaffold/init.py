"""Write a new application repository from the templates, ready to test."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined

from netkit import __version__
from netkit.errors import ConfigError
from netkit.k8s.names import dns1123_label_errors
from netkit.serialize import dump_all

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


def scaffold(directory: Path, *, name: str, host: str | None = None,
             netkit_requirement: str | None = None) -> list[Path]:
    """Write the repository, its first GitOps output and its first snapshot; return paths."""
    if errs := dns1123_label_errors(name):
        raise ConfigError("--name", f"{name!r} is not a valid namespace name: {errs[0]}",
                          hint="use lowercase letters, digits and '-'")
    if directory.exists() and any(directory.iterdir()):
        raise ConfigError(str(directory), "directory is not empty",
                          hint="netkit init writes into a new or empty directory")
    env = Environment(loader=PackageLoader("netkit.scaffold", "templates"),
                      undefined=StrictUndefined, keep_trailing_newline=True, autoescape=False)
    values = {"name": name, "host": host or f"{name}.example.com",
              "netkit_requirement": netkit_requirement or f">={__version__}"}
    written = []
    for template, rel in FILES.items():
        path = directory / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(env.get_template(template).render(**values), encoding="utf-8")
        written.append(path)
    written += _first_outputs(directory)
    return written


def _first_outputs(directory: Path) -> list[Path]:
    """The GitOps tree and the snapshot, so `synth --check` and the tests pass at once."""
    from netkit import synth
    from netkit.inputs.blueprints import load_blueprints

    synthesis = synth.synthesize(load_blueprints(directory / "network.py", "prod"))
    synth.write(synthesis, directory / "gitops")
    snapshot = directory / SNAPSHOT
    snapshot.parent.mkdir(parents=True, exist_ok=True)
    snapshot.write_text(dump_all(o.obj for o in synthesis.objects), encoding="utf-8")
    return [directory / "gitops", snapshot]
