"""Which custom resource kinds there are, from which CRDs: the user's, then netkit's bundled
ones. Their schemas (:mod:`netkit.validate.crd`, with the CEL and schema machinery) are
imported only when one is asked for."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from netkit import schemas
from netkit.inputs.manifests import read_file, yaml_files

if TYPE_CHECKING:
    from netkit.validate.crd import CustomResourceSchema

# The groups whose bundled CRDs follow [tool.netkit] gateway_api_channel.
GATEWAY_API_GROUPS = frozenset({"gateway.networking.k8s.io", "gateway.networking.x-k8s.io"})


@dataclass(frozen=True)
class CrdSource:
    """Where the CRD of one group and kind comes from, and the versions it serves."""

    where: str
    versions: tuple[str, ...]
    channel: str | None = None  # the bundled channel; None for a CRD the user added
    plural: str = ""


class CrdRegistry:
    """Custom resource schemas by (apiVersion, kind): CRDs the user added, then netkit's
    bundled ones (each parsed on first use, once per process)."""

    def __init__(self, *, bundled: bool = True, gateway_api_channel: str = "standard") -> None:
        if gateway_api_channel not in schemas.CHANNELS:
            raise ValueError(f"unknown Gateway API channel {gateway_api_channel!r}; expected "
                             f"one of {', '.join(schemas.CHANNELS)}")
        self.bundled = bundled
        self.gateway_api_channel = gateway_api_channel
        self._schemas: dict[tuple[str, str], CustomResourceSchema] = {}
        self._sources: dict[tuple[str, str], CrdSource] = {}

    def kinds(self) -> list[str]:
        """``group/version Kind`` of every schema, the user's and the bundled ones, sorted."""
        found = {f"{a} {k}" for a, k in self._schemas}
        for entry in schemas.bundled():
            crd = self._bundled(entry.group, entry.kind)
            if crd is not None and (crd.group, crd.kind) not in self._sources:
                found.update(f"{a} {crd.kind}" for a in crd.api_versions)
        return sorted(found)

    def load(self, paths: Iterable[str | Path]) -> CrdRegistry:
        """Add the CRDs in files or directories (recursive); other objects are ignored."""
        for raw in paths:
            for file in yaml_files(Path(raw)):
                for loaded in read_file(file):
                    if loaded.obj.get("kind") == "CustomResourceDefinition":
                        self.add(loaded.obj, where=f"{loaded.file}:{loaded.line}")
        return self

    def add(self, crd: dict[str, Any], *, where: str = "<crd>") -> None:
        """Add every served version of one CRD; it replaces a bundled CRD of its group/kind."""
        from netkit.validate.crd import served_schemas

        group, kind, served = served_schemas(crd, where)
        plural = str(((crd.get("spec") or {}).get("names") or {}).get("plural") or "")
        self._sources[(group, kind)] = CrdSource(where, tuple(served), plural=plural)
        for version, schema in served.items():
            self._schemas[(f"{group}/{version}", kind)] = schema

    def get(self, api_version: str, kind: str) -> CustomResourceSchema | None:
        """The schema for ``apiVersion``/``kind``, if a CRD serves that version."""
        found = self._schemas.get((api_version, kind))
        group, _, version = api_version.rpartition("/")
        if found is not None or (group, kind) in self._sources:
            return found
        crd = self._bundled(group, kind)
        if crd is None or version not in crd.versions:
            return None
        from netkit.validate.crd import bundled_schemas

        return bundled_schemas(crd)[version]

    def source(self, group: str, kind: str) -> CrdSource | None:
        """The CRD that defines ``group``/``kind`` here: the user's, else a bundled one."""
        found = self._sources.get((group, kind))
        if found is not None:
            return found
        crd = self._bundled(group, kind)
        return None if crd is None else CrdSource(str(crd.path), crd.versions, crd.channel,
                                                  crd.plural)

    def _bundled(self, group: str, kind: str) -> schemas.BundledCrd | None:
        if not self.bundled or not group:
            return None
        channel = self.gateway_api_channel if group in GATEWAY_API_GROUPS else "standard"
        return schemas.find(group, kind, channel=channel)
