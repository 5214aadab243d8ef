"""The world outside the cluster, cut into cells by the ipBlocks that policies mention.

Mentioned CIDRs either nest or are disjoint, so every address has an innermost mentioned
CIDR containing it; a cell is named after that CIDR and holds the addresses in it that no
more specific mentioned CIDR holds. An ipBlock (cidr minus excepts) matches a whole cell or
none of it, which is what makes cells exact.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def network(text: str) -> Network | None:
    """A CIDR, host bits masked as the apiserver's sloppy parser does; None if invalid."""
    try:
        return ipaddress.ip_network(text.strip(), strict=False)
    except (ValueError, AttributeError):
        return None


@dataclass(frozen=True)
class Cell:
    """Addresses in ``network`` outside every more specific mentioned CIDR."""

    network: Network
    holes: tuple[Network, ...]

    @property
    def id(self) -> str:
        """``ext/10.0.0.0/8``."""
        return f"ext/{self.network}"

    def representative(self) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
        """One address of the cell, or None when the holes cover it."""
        candidates = [self.network]
        for hole in sorted(self.holes, key=lambda h: h.prefixlen):
            nxt: list[Network] = []
            for c in candidates:
                if hole.subnet_of(c):  # type: ignore[arg-type]
                    nxt.extend(c.address_exclude(hole))  # type: ignore[arg-type]
                elif not c.subnet_of(hole):  # type: ignore[arg-type]
                    nxt.append(c)
            candidates = nxt
        return candidates[0].network_address if candidates else None


def within(inner: Network, outer: Network) -> bool:
    """``inner`` ⊆ ``outer`` (False across IP versions)."""
    return inner.version == outer.version and inner.subnet_of(outer)  # type: ignore[arg-type]


def cells(mentioned: Iterable[Network]) -> list[Cell]:
    """The non-empty cells of the mentioned CIDRs, sorted by address."""
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


def innermost(address: str, all_cells: list[Cell]) -> Cell | None:
    """The cell an address falls in (None when no mentioned CIDR contains it)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return None
    best = None
    for cell in all_cells:
        if ip.version == cell.network.version and ip in cell.network and (
                best is None or cell.network.prefixlen > best.network.prefixlen):
            best = cell
    return best


def block_matches(cell: Cell, cidr: Network, excepts: tuple[Network, ...]) -> bool:
    """Whether the ipBlock ``cidr`` minus ``excepts`` contains the cell's addresses."""
    return within(cell.network, cidr) and not any(within(cell.network, x) for x in excepts)
