"""Every construct, rendered for both ingress targets, against reviewed YAML snapshots."""

from __future__ import annotations

from typing import Any

import pytest

from netkit.errors import CapabilityError
from netkit.render import render
from netkit.render.engine import render_halves
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


@pytest.mark.parametrize("target", sorted(TARGETS))
@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_each_half_of_a_render_is_the_same_made_alone(scenario: str, target: str) -> None:
    # A check renders the halves in two processes and compares a memo keyed by halves.
    if (scenario, target) in UNSUPPORTED:
        return
    bp = SCENARIOS[scenario](TARGETS[target])
    first, second = render_halves(bp)
    assert first and second
    assert render_halves(bp, (0,)) == [first] and render_halves(bp, (1,)) == [second]
    assert render(bp) == first + second
