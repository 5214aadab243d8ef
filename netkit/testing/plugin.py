"""pytest plugin: the ``yaml_snapshot`` fixture (needs syrupy)."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def yaml_snapshot(snapshot: Any) -> Any:
    """syrupy's ``snapshot`` storing multi-document YAML under ``tests/snapshots/``."""
    from netkit.testing.snapshot import YamlSnapshotExtension

    return snapshot.use_extension(YamlSnapshotExtension)
