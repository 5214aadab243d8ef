"""Upstream CRDs bundled with netkit, found through a prebuilt index without parsing YAML."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

__all__ = ["CHANNELS", "INDEX_PATH", "SCHEMA_ROOT", "BundledCrd", "bundled", "find", "lookup"]

SCHEMA_ROOT: Path = Path(__file__).resolve().parent
INDEX_PATH: Path = SCHEMA_ROOT / "index.json"
CHANNELS: tuple[str, ...] = ("standard", "experimental")
_INDEX_FORMAT = 1


@dataclass(frozen=True)
class BundledCrd:
    """One bundled CustomResourceDefinition, as ``index.json`` records it."""

    group: str
    kind: str
    plural: str
    namespaced: bool
    versions: tuple[str, ...]
    storage_version: str
    channel: str
    source: str
    path: Path

    @property
    def api_versions(self) -> tuple[str, ...]:
        """``group/version`` of every served version."""
        return tuple(f"{self.group}/{v}" for v in self.versions)

    def load(self) -> dict[str, Any]:
        """The CRD document itself (parsed on every call: cache it where that matters)."""
        import yaml  # only here: PyYAML takes a fifteenth of a synth's start-up

        with self.path.open("rb") as stream:
            for doc in yaml.load_all(stream, Loader=getattr(yaml, "CSafeLoader",
                                                            yaml.SafeLoader)):
                if (isinstance(doc, dict) and doc.get("kind") == "CustomResourceDefinition"
                        and doc["spec"]["group"] == self.group
                        and doc["spec"]["names"]["kind"] == self.kind):
                    return doc
        raise LookupError(f"{self.path}: no CRD for {self.group} {self.kind}")


def _entry(raw: dict[str, Any]) -> BundledCrd:
    rel = PurePosixPath(raw["path"])
    if rel.is_absolute() or ".." in rel.parts or rel.parts[:1] != ("crds",):
        raise ValueError(f"{INDEX_PATH}: path {raw['path']!r} is outside crds/")
    if raw["channel"] not in CHANNELS:
        raise ValueError(f"{INDEX_PATH}: unknown channel {raw['channel']!r}")
    return BundledCrd(group=raw["group"], kind=raw["kind"], plural=raw["plural"],
                      namespaced=raw["scope"] == "Namespaced", versions=tuple(raw["versions"]),
                      storage_version=raw["storage"], channel=raw["channel"],
                      source=raw["source"], path=SCHEMA_ROOT.joinpath(*rel.parts))


@functools.cache
def _index() -> dict[tuple[str, str, str], BundledCrd]:
    data = json.loads(INDEX_PATH.read_text(encoding="utf-8"))
    if data.get("format") != _INDEX_FORMAT:
        raise ValueError(f"{INDEX_PATH}: unsupported index format {data.get('format')!r}")
    crds = (_entry(raw) for raw in data["crds"])
    return {(c.group, c.kind, c.channel): c for c in crds}


def bundled() -> list[BundledCrd]:
    """Every bundled CRD, sorted by group, kind and channel (standard first)."""
    return sorted(_index().values(),
                  key=lambda c: (c.group, c.kind, CHANNELS.index(c.channel)))


def find(group: str, kind: str, *, channel: str = "standard") -> BundledCrd | None:
    """The CRD for ``group``/``kind``; ``channel="experimental"`` falls back to standard."""
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel!r}; expected one of {', '.join(CHANNELS)}")
    index = _index()
    found = index.get((group, kind, channel))
    if found is None and channel == "experimental":
        found = index.get((group, kind, "standard"))
    return found


def lookup(api_version: str, kind: str, *, channel: str = "standard") -> BundledCrd | None:
    """The CRD serving ``apiVersion``/``kind`` (as in an object), if one is bundled."""
    group, _, version = api_version.rpartition("/")
    found = find(group, kind, channel=channel) if group else None
    return found if found is not None and version in found.versions else None
