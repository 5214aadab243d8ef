"""netkit's cache directory and atomic writes into it: what is cached only saves time, so
what cannot be written is left out."""

from __future__ import annotations

import os
import tempfile
from contextlib import suppress
from pathlib import Path


def cache_dir() -> Path:
    """``$NETKIT_CACHE_DIR``, else ``$XDG_CACHE_HOME/netkit``, else ``~/.cache/netkit``."""
    if os.environ.get("NETKIT_CACHE_DIR"):
        return Path(os.environ["NETKIT_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "netkit"


def store(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` atomically; left out when it cannot be written."""
    with suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        try:
            with open(fd, "wb") as handle:
                handle.write(data)
            os.replace(name, path)
        finally:
            with suppress(FileNotFoundError):
                os.unlink(name)
