"""Objects as exported from a cluster (``kubectl get -o yaml``) versus as a client submits
them: the API server sets ``status`` itself, so an export carries one that a create ignores."""

from __future__ import annotations

from typing import Any

SERVER_SET = ("status",)


def as_submitted(obj: dict[str, Any]) -> dict[str, Any]:
    """``obj`` without the top-level fields only the API server sets (the same dict when it
    has none); server-populated metadata (managedFields, uid, ...) is valid ObjectMeta."""
    if not any(key in obj for key in SERVER_SET):
        return obj
    return {k: v for k, v in obj.items() if k not in SERVER_SET}
