"""Every construct, rendered for both ingress targets, against reviewed YAML snapshots."""

from __future__ import annotations

from typing import Any

import pytest

from netkit.errors import CapabilityError
from netkit.testing import synth
from tests.scenarios import SCENARIOS, TARGETS, UNSUPPORTED


@pytest.mark.parametrize("target", sorted(TARGETS))
@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_scenario(scenario: str, target: str, yaml_snapshot: Any) -> None:
    build = SCENARIOS[scenario]
    expected_error = UNSUPPORTED.get((scenario, target))
    if expected_error:
        with pytest.raises(CapabilityError, match=expected_error):
            synth(build(TARGETS[target]))
        return
    assert synth(build(TARGETS[target])) == yaml_snapshot
