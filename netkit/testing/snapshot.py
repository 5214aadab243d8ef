"""A syrupy extension storing one readable multi-document YAML file per snapshot."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from syrupy.extensions.single_file import SingleFileSnapshotExtension, WriteMode
from syrupy.location import PyTestLocation

from netkit.serialize import dump_all


def _objects(data: Any) -> list[dict[str, Any]]:
    objects = getattr(data, "objects", data)
    if isinstance(objects, dict):
        return [objects]
    return [getattr(o, "obj", o) for o in objects]


class YamlSnapshotExtension(SingleFileSnapshotExtension):
    """Snapshots as ``tests/snapshots/<test file>/<test>.yaml``, reviewed like manifests."""

    file_extension = "yaml"
    _write_mode = WriteMode.TEXT

    def serialize(self, data: Any, **kwargs: Any) -> str:
        """Objects (a list, a dict, or a SynthResult) as canonical multi-document YAML."""
        return dump_all(_objects(data))

    @classmethod
    def dirname(cls, *, test_location: PyTestLocation) -> str:
        """``snapshots/<test file stem>`` beside the test file."""
        return str(Path(test_location.filepath).parent / "snapshots" / test_location.basename)
