"""LoadError, of a manifest that cannot be read or parsed, and the bounds parsing keeps."""

from __future__ import annotations

from netkit.errors import NetkitError

MAX_DEPTH = 100  # bundled CRDs nest 38 levels; the checks downstream recurse per level
NODES_PER_CHAR = 10  # text without aliases makes at most about one node per character
MIN_NODES = 10_000


class LoadError(NetkitError):
    """A manifest file cannot be read or parsed."""


def node_limit(text: str) -> int:
    """How many nodes (list items and mapping values) ``text`` may expand to through aliases."""
    return max(MIN_NODES, NODES_PER_CHAR * len(text))
