"""Read inputs as they were at a git revision, for `netkit diff --base REF`."""

from __future__ import annotations

import subprocess
import tarfile
import tempfile
from pathlib import Path

from netkit.errors import ConfigError


def repo_root(start: Path) -> Path:
    """The top of the git work tree holding ``start``."""
    try:
        out = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=start,
                             capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        raise ConfigError(str(start), "not inside a git repository",
                          hint="pass two paths instead: netkit diff BASE HEAD") from None
    return Path(out.strip())


def export(ref: str, root: Path, into: Path) -> None:
    """Write the tree of ``ref`` into ``into``."""
    with tempfile.TemporaryFile() as archive:
        proc = subprocess.run(["git", "archive", "--format=tar", ref], cwd=root,
                              stdout=archive, stderr=subprocess.PIPE)
        if proc.returncode != 0:
            raise ConfigError("--base", f"cannot read git revision {ref!r}: "
                              f"{proc.stderr.decode().strip()}",
                              hint="use a branch, tag or commit, e.g. origin/main")
        archive.seek(0)
        with tarfile.open(fileobj=archive) as tar:
            if hasattr(tarfile, "data_filter"):
                tar.extractall(into, filter="data")
            else:  # pragma: no cover - Python before 3.10.12
                tar.extractall(into)
