"""external.cells partitions exactly as the pairwise definition does, and locates addresses."""

from __future__ import annotations

import ipaddress
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from netkit.analysis.external import Cell, Network, cells, locator, within


def pairwise_cells(mentioned: list[Network]) -> list[Cell]:
    """The definition, comparing every pair: a cell's holes are its maximal sub-CIDRs."""
    nets = sorted(set(mentioned), key=lambda n: (n.version, n.network_address, n.prefixlen))
    out = []
    for net in nets:
        children = [n for n in nets if n != net and within(n, net)]
        maximal = tuple(c for c in children
                        if not any(o != c and within(c, o) for o in children))
        cell = Cell(net, maximal)
        if cell.representative() is not None:
            out.append(cell)
    return out


@st.composite
def cidr(draw: Any) -> Network:
    if draw(st.booleans()):  # few short prefixes near one another, so they nest and cover
        prefix = draw(st.integers(20, 32))
        address = 0x0A000000 + draw(st.integers(0, 2 ** 13 - 1)) * 2
        return ipaddress.ip_network((address, prefix), strict=False)
    prefix = draw(st.integers(100, 128))
    address = (0x20010DB8 << 96) + draw(st.integers(0, 2 ** 29 - 1)) * 4
    return ipaddress.ip_network((address, prefix), strict=False)


@settings(max_examples=300, deadline=None)
@given(st.lists(cidr(), max_size=40))
def test_cells_match_the_pairwise_definition(nets: list[Network]) -> None:
    assert cells(nets) == pairwise_cells(nets)


def test_a_cidr_covered_by_its_sub_cidrs_has_no_cell() -> None:
    nets = [ipaddress.ip_network(n) for n in ("10.0.0.0/23", "10.0.0.0/24", "10.0.1.0/24",
                                               "10.0.0.0/25")]
    assert [c.id for c in cells(nets)] == ["ext/10.0.0.0/24", "ext/10.0.0.0/25",
                                           "ext/10.0.1.0/24"]


@settings(max_examples=100, deadline=None)
@given(st.lists(cidr(), max_size=20), st.lists(cidr(), min_size=1, max_size=5))
def test_locator_finds_the_innermost_cell(nets: list[Network], probes: list[Network]) -> None:
    found = cells(nets)
    locate = locator(found)
    for probe in probes:
        address = probe.network_address
        holding = [c for c in found if address in c.network]
        expected = max(holding, key=lambda c: c.network.prefixlen) if holding else None
        assert locate(str(address)) == expected
    assert locate("not an address") is None
