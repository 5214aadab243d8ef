"""examples/adopt-zero-trust: its own test (audit → suggest → audit) passes."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import ROOT

EXAMPLE = ROOT / "examples" / "adopt-zero-trust"


def test_adopt_zero_trust_example() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    proc = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider"],
                          cwd=EXAMPLE, capture_output=True, text=True, env=env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "2 passed" in proc.stdout
