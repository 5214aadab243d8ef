"""The world outside the cluster, cut into cells by the ipBlocks that policies mention.

Mentioned CIDRs either nest or are disjoint, so every address has an innermost mentioned
CIDR containing it; a cell is named after that CIDR and holds the addresses in it that no
more specific mentioned CIDR holds. An ipBlock (cidr minus excepts) matches a whole cell or
none of it, which is what makes cells exact.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable
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


def _order(n: Network) -> tuple[int, int, int]:
    return (n.version, int(n.network_address), n.prefixlen)


def cells(mentioned: Iterable[Network]) -> list[Cell]:
    """The non-empty cells of the mentioned CIDRs, sorted by address.

    Sorted by address then prefix length, every CIDR follows the CIDRs that contain it, so a
    stack of the open enclosing CIDRs yields each one's maximal sub-CIDRs (its holes) in one
    pass. Holes are disjoint, so they cover the cell exactly when their sizes add up to it.
    """
    nets = sorted(set(mentioned), key=_order)
    holes: dict[Network, list[Network]] = {n: [] for n in nets}
    open_: list[Network] = []
    for net in nets:
        while open_ and not within(net, open_[-1]):
            open_.pop()
        if open_:
            holes[open_[-1]].append(net)
        open_.append(net)
    return [Cell(net, tuple(inner)) for net, inner in holes.items()
            if sum(h.num_addresses for h in inner) < net.num_addresses]


def locator(all_cells: Iterable[Cell]) -> Callable[[str], Cell | None]:
    """A lookup of the cell an address falls in (None when no mentioned CIDR contains it or
    the address is invalid), probing one table per prefix length, longest first."""
    tables: dict[tuple[int, int], dict[int, Cell]] = {}
    for cell in all_cells:
        net = cell.network
        tables.setdefault((net.version, net.prefixlen), {})[int(net.network_address)] = cell
    order = sorted(tables, key=lambda k: -k[1])

    def locate(address: str) -> Cell | None:
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return None
        bits, value = ip.max_prefixlen, int(ip)
        for version, length in order:
            if version == ip.version:
                found = tables[(version, length)].get(value >> (bits - length) << (bits - length))
                if found is not None:
                    return found
        return None
    return locate


def block_matches(cell: Cell, cidr: Network, excepts: tuple[Network, ...]) -> bool:
    """Whether the ipBlock ``cidr`` minus ``excepts`` contains the cell's addresses."""
    return within(cell.network, cidr) and not any(within(cell.network, x) for x in excepts)
