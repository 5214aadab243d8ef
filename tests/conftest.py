"""Shared fixtures: the repo's path and a blueprint-file writer."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def write_blueprint(tmp_path: Path) -> Callable[[str, str], Path]:
    """Write a blueprint module into tmp_path and return its path."""
    def write(source: str, name: str = "bp.py") -> Path:
        path = tmp_path / name
        path.write_text(textwrap.dedent(source), encoding="utf-8")
        return path
    return write
