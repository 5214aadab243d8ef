"""The network, pinned by a reviewed snapshot and checked by intent."""

from pathlib import Path
from typing import Any

from netkit.testing import assert_isolated, assert_reachable, assert_valid, synth

BLUEPRINT = Path(__file__).resolve().parent.parent / "network.py"


def test_network_snapshot(yaml_snapshot: Any) -> None:
    assert synth(BLUEPRINT) == yaml_snapshot


def test_intent() -> None:
    network = synth(BLUEPRINT)
    assert_valid(network)
    assert_reachable(network, "orders/web", "orders/api", 8080)
    assert_reachable(network, "orders/api", "orders/db", 5432)
    assert_isolated(network, "orders/web", "orders/db")
