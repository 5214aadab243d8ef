"""Adopting zero trust with recorded traffic: audit, suggest, audit again."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent


def netkit(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "netkit.cli", *args], cwd=HERE,
                          capture_output=True, text=True)


def verdicts(*args: str) -> dict[str, int]:
    proc = netkit("audit", "--flows", "flows.json", *args, "--format", "json")
    assert proc.returncode == 0, proc.stderr
    summary: dict[str, int] = json.loads(proc.stdout)["summary"]
    return summary


def test_the_recorded_flows_are_what_the_script_writes() -> None:
    proc = subprocess.run([sys.executable, "record_flows.py"], cwd=HERE, capture_output=True,
                          text=True, check=True)
    assert proc.stdout == (HERE / "flows.json").read_text(encoding="utf-8")


def test_audit_suggest_audit() -> None:
    # today: no policy, so nothing is denied
    assert verdicts("workloads.yaml")["denied"] == 0
    # default deny without allows would break ten of the fourteen observed flows
    before = verdicts("start.py")
    assert (before["denied"], before["exempt"]) == (10, 1)
    assert netkit("audit", "--flows", "flows.json", "start.py",
                  "--fail-on-denied").returncode == 1
    # the suggestion is what network.py adds, unchanged
    proc = netkit("suggest", "--flows", "flows.json", "--blueprint", "start.py")
    assert proc.returncode == 0, proc.stderr
    suggested = [line for line in proc.stdout.splitlines()[4:]]
    network = (HERE / "network.py").read_text(encoding="utf-8").splitlines()
    pasted = network[network.index("    # --- suggested ---") + 1:
                     network.index("    # --- end suggested ---")]
    assert [line.removeprefix("    ") for line in pasted] == suggested
    # with the allows in, every observed flow passes, and no allow went unused
    after = verdicts("network.py")
    assert (after["denied"], after["never_seen"]) == (0, 0)
    assert netkit("audit", "--flows", "flows.json", "network.py",
                  "--fail-on-denied").returncode == 0
