"""PortSet: allowed ports per protocol as sorted, merged, inclusive ranges."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

PROTOCOLS = ("TCP", "UDP", "SCTP")
MIN_PORT, MAX_PORT = 1, 65535
Range = tuple[int, int]


def normalize(ranges: Iterable[Range]) -> tuple[Range, ...]:
    """Ranges sorted, with overlapping and adjacent ones merged."""
    out: list[list[int]] = []
    for lo, hi in sorted(ranges):
        if out and lo <= out[-1][1] + 1:
            out[-1][1] = max(out[-1][1], hi)
        else:
            out.append([lo, hi])
    return tuple((lo, hi) for lo, hi in out)


def _intersect(a: tuple[Range, ...], b: tuple[Range, ...]) -> tuple[Range, ...]:
    out, i, j = [], 0, 0
    while i < len(a) and j < len(b):
        lo, hi = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if lo <= hi:
            out.append((lo, hi))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return tuple(out)


def _subtract(a: tuple[Range, ...], b: tuple[Range, ...]) -> tuple[Range, ...]:
    out: list[Range] = []
    for lo, hi in a:
        start = lo
        for blo, bhi in b:
            if bhi < start or blo > hi:
                continue
            if blo > start:
                out.append((start, blo - 1))
            start = max(start, bhi + 1)
        if start <= hi:
            out.append((start, hi))
    return tuple(out)


class PortSet:
    """An immutable set of (protocol, port) pairs; ``PortSet.all()`` is every port."""

    __slots__ = ("_hash", "ranges")

    def __init__(self, ranges: Mapping[str, Iterable[Range]] | None = None) -> None:
        self.ranges: dict[str, tuple[Range, ...]] = {}
        for proto, rs in (ranges or {}).items():
            merged = normalize(rs)
            if merged:
                self.ranges[proto] = merged
        self._hash = hash(tuple(sorted(self.ranges.items())))

    @classmethod
    def all(cls) -> PortSet:
        """Every port of every protocol."""
        return ALL

    @classmethod
    def none(cls) -> PortSet:
        """No port at all."""
        return NONE

    @classmethod
    def of(cls, protocol: str, lo: int | None = None, hi: int | None = None) -> PortSet:
        """One protocol's port (or inclusive range); no port means all of its ports."""
        if lo is None:
            return cls({protocol: [(MIN_PORT, MAX_PORT)]})
        return cls({protocol: [(lo, hi if hi is not None else lo)]})

    def __bool__(self) -> bool:
        return bool(self.ranges)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PortSet) and self.ranges == other.ranges

    def __hash__(self) -> int:
        return self._hash

    def __repr__(self) -> str:
        return f"PortSet({self.to_json()})"

    def __or__(self, other: PortSet) -> PortSet:
        if not other.ranges or other is self:
            return self
        if not self.ranges:
            return other
        protos = set(self.ranges) | set(other.ranges)
        return PortSet({p: self.ranges.get(p, ()) + other.ranges.get(p, ()) for p in protos})

    def __and__(self, other: PortSet) -> PortSet:
        if self is ALL:
            return other
        if other is ALL:
            return self
        return PortSet({p: _intersect(r, other.ranges[p]) for p, r in self.ranges.items()
                        if p in other.ranges})

    def __sub__(self, other: PortSet) -> PortSet:
        return PortSet({p: _subtract(r, other.ranges.get(p, ())) for p, r in self.ranges.items()})

    def contains(self, port: int, protocol: str = "TCP") -> bool:
        """Whether ``port``/``protocol`` is in the set."""
        return any(lo <= port <= hi for lo, hi in self.ranges.get(protocol, ()))

    def to_json(self) -> dict[str, list[list[int]]]:
        """``{"TCP": [[lo, hi], ...], "UDP": [...], "SCTP": [...]}``, every protocol present."""
        return {p: [[lo, hi] for lo, hi in self.ranges.get(p, ())] for p in PROTOCOLS}

    def describe(self) -> str:
        """``TCP 80, 443-445; UDP 53`` (``all ports`` for everything)."""
        if self == ALL:
            return "all ports"
        parts = []
        for p in PROTOCOLS:
            rs = self.ranges.get(p)
            if rs:
                text = ", ".join(f"{lo}" if lo == hi else f"{lo}-{hi}" for lo, hi in rs)
                parts.append(f"{p} {'all' if rs == ((MIN_PORT, MAX_PORT),) else text}")
        return "; ".join(parts) or "nothing"


ALL = PortSet({p: [(MIN_PORT, MAX_PORT)] for p in PROTOCOLS})
NONE = PortSet()
