"""external.cells at scale: the sort-based partition on 1,000 to 100,000 random CIDRs (IPv4
and IPv6, nested and disjoint), side by side with the pairwise definition the tests keep as
their reference (run on the smaller sets only: it is quadratic); then a whole audit (engine
and every flow) of 10 pods whose egress policy allows such an allow-list.

Usage: python benchmarks/cells.py [--seed 1] [--reference-up-to 2000]
"""

from __future__ import annotations

import argparse
import ipaddress
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from netkit.analysis import reachability
from netkit.analysis.external import Network, cells, locator
from tests.analysis.test_cells import pairwise_cells

SIZES = (1_000, 2_000, 10_000, 100_000)


def cidrs(n: int, rng: random.Random) -> list[Network]:
    """``n`` CIDRs like a cloud allow-list: mostly IPv4 /12 to /32 in a few /8s, some IPv6."""
    out: list[Network] = []
    for _ in range(n):
        if rng.random() < 0.8:
            address = rng.choice((10, 52, 54, 203)) << 24 | rng.getrandbits(24)
            out.append(ipaddress.ip_network((address, rng.randint(12, 32)), strict=False))
        else:
            address = 0x2600_1F00 << 96 | rng.getrandbits(96)
            out.append(ipaddress.ip_network((address, rng.randint(28, 64)), strict=False))
    return out


def seconds(fn: Callable[..., object], *args: object) -> float:
    """CPU seconds of one call."""
    start = time.process_time()
    fn(*args)
    return time.process_time() - start


def allow_list_audit(nets: list[Network]) -> tuple[float, int]:
    """CPU seconds and flows of auditing 10 pods allowed egress to every CIDR of ``nets``."""
    pods = [{"apiVersion": "v1", "kind": "Pod",
             "metadata": {"name": f"p{i}", "namespace": "a", "labels": {"app": f"a{i % 3}"}},
             "spec": {"containers": [{"name": "c", "image": "i"}]}} for i in range(10)]
    policy = {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
              "metadata": {"name": "allow-list", "namespace": "a"},
              "spec": {"podSelector": {}, "policyTypes": ["Egress"], "egress": [
                  {"to": [{"ipBlock": {"cidr": str(n)}} for n in nets]}]}}
    start = time.process_time()
    flows = sum(1 for _ in reachability([*pods, policy]).flows())
    return time.process_time() - start, flows


def main() -> None:
    """One line per size: CPU seconds of cells(), of locating 10,000 addresses, and of the
    pairwise reference where it ran."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--reference-up-to", type=int, default=2_000)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    for n in SIZES:
        nets = cidrs(n, rng)
        fast = seconds(cells, nets)
        found = cells(nets)
        addresses = [str(rng.choice(nets).network_address) for _ in range(10_000)]
        lookups = seconds(list, map(locator(found), addresses))
        line = (f"{n:>7,} CIDRs ({len(found):,} cells): cells() {fast:.3f} s CPU, "
                f"10,000 lookups {lookups:.3f} s")
        if n <= args.reference_up_to:
            slow = seconds(pairwise_cells, nets)
            assert pairwise_cells(nets) == found
            line += f"; pairwise {slow:.2f} s ({slow / fast:,.0f}x slower)"
        if n <= 10_000:
            audit, flows = allow_list_audit(nets)
            line += f"; audit of an allow-list of them {audit:.2f} s ({flows:,} flows)"
        print(line)


if __name__ == "__main__":
    main()
