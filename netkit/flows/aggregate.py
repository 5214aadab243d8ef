"""Flow logs read as a stream and aggregated by source, destination, protocol and port:
memory grows with distinct flows and identities, never with records."""

from __future__ import annotations

import csv
import json
import multiprocessing
import os
import sys
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from netkit.errors import NetkitError
from netkit.findings import Finding
from netkit.flows import hubble, plain
from netkit.flows.records import BadRecord, Peer, Record

MAX_LISTED = 100  # malformed lines reported one by one; the rest are counted
PARALLEL_BYTES = 8 << 20  # below this, starting workers costs more than it saves
Key = tuple[str, str, str, int]


class FlowLogError(NetkitError):
    """A flow log that cannot be read at all: empty, or in no known form."""


class Aggregate:
    """Every record of one (source, destination, protocol, port)."""

    __slots__ = ("count", "dst", "first", "last", "port", "protocol", "src", "verdicts")

    def __init__(self, src: str, dst: str, protocol: str, port: int) -> None:
        self.src, self.dst, self.protocol, self.port = src, dst, protocol, port
        self.count = 0
        self.first: str | None = None
        self.last: str | None = None
        self.verdicts: dict[str, int] = {}

    def add(self, record: Record) -> None:
        """Count one record in."""
        self.count += record.count
        self.verdicts[record.verdict] = self.verdicts.get(record.verdict, 0) + record.count
        t = record.time
        if t is not None:
            if self.first is None or t < self.first:
                self.first = t
            if self.last is None or t > self.last:
                self.last = t

    def merge(self, other: Aggregate) -> None:
        """Count ``other``'s records (of the same flow) in."""
        self.count += other.count
        for verdict, n in other.verdicts.items():
            self.verdicts[verdict] = self.verdicts.get(verdict, 0) + n
        if other.first is not None and (self.first is None or other.first < self.first):
            self.first = other.first
        if other.last is not None and (self.last is None or other.last > self.last):
            self.last = other.last

    @property
    def key(self) -> Key:
        """``(src, dst, protocol, port)``."""
        return (self.src, self.dst, self.protocol, self.port)

    @property
    def only_dropped(self) -> bool:
        """Whether the dataplane dropped every record (nothing depended on it working)."""
        return set(self.verdicts) <= {"DROPPED", "ERROR"}


@dataclass
class Observed:
    """The aggregated flows of one log, the identities they name, and what was left out."""

    source: str
    peers: dict[str, Peer] = field(default_factory=dict)
    names: dict[str, set[str]] = field(default_factory=dict)
    flows: dict[Key, Aggregate] = field(default_factory=dict)
    records: int = 0
    skipped: int = 0
    malformed: list[Finding] = field(default_factory=list)
    malformed_total: int = 0

    def add(self, record: Record) -> None:
        """Aggregate one record."""
        self.records += record.count
        src, dst = self._peer(record.src), self._peer(record.dst)
        key = (src, dst, record.protocol, record.port)
        agg = self.flows.get(key)
        if agg is None:
            agg = self.flows[key] = Aggregate(*key)
        agg.add(record)
        if record.dst_names:
            self.names.setdefault(dst, set()).update(record.dst_names)

    def _peer(self, peer: Peer) -> str:
        known = self.peers.get(peer.id)
        if known is peer:
            return peer.id
        if known is None:
            self.peers[peer.id] = peer
        elif known != peer:  # pods of one workload: keep the labels they all carry
            self.peers[peer.id] = Peer(
                known.kind, known.id, known.namespace, known.name,
                tuple(sorted(set(known.labels) & set(peer.labels))),
                tuple(sorted(set(known.namespace_labels) | set(peer.namespace_labels))),
                known.ip)
        return peer.id

    def merge(self, other: Observed) -> None:
        """Add what ``other`` read (the next part of the same log)."""
        for peer in other.peers.values():
            self._peer(peer)
        for peer_id, names in other.names.items():
            self.names.setdefault(peer_id, set()).update(names)
        for key, agg in other.flows.items():
            mine = self.flows.get(key)
            if mine is None:
                self.flows[key] = agg
            else:
                mine.merge(agg)
        self.records += other.records
        self.skipped += other.skipped
        self.malformed = (self.malformed + other.malformed)[:MAX_LISTED]
        self.malformed_total += other.malformed_total

    def bad(self, line: int, message: str) -> None:
        """Note a malformed line (listed up to ``MAX_LISTED``, then counted)."""
        self.malformed_total += 1
        if len(self.malformed) < MAX_LISTED:
            self.malformed.append(Finding("NK401", message, file=self.source, line=line,
                                          hint="fix or drop the line; the others were read"))

    def findings(self) -> list[Finding]:
        """NK401 for each listed malformed line, and one for those only counted."""
        more = self.malformed_total - len(self.malformed)
        if more <= 0:
            return list(self.malformed)
        return [*self.malformed, Finding(
            "NK401", f"{more} more malformed line(s) not listed", file=self.source,
            hint=f"the first {MAX_LISTED} are listed above")]

    def sorted_flows(self) -> list[Aggregate]:
        """The aggregates by source, destination, protocol and port."""
        return [self.flows[k] for k in sorted(self.flows)]


def _lines(stream: Iterable[bytes], first: int = 1) -> Iterator[tuple[int, bytes]]:
    for number, raw in enumerate(stream, first):
        line = raw.strip().removeprefix(b"\xef\xbb\xbf")  # a BOM, as spreadsheets write
        if line:
            yield number, line


# Replies as Hubble writes them (compact JSON): left out before parsing, half of a log.
_REPLIES = (b'"is_reply":true', b'"isReply":true')


def _json_record(line: bytes) -> Record | None:
    if _REPLIES[0] in line or _REPLIES[1] in line:
        return None
    try:
        obj: Any = json.loads(line)
    except ValueError as exc:
        raise BadRecord(f"not JSON: {exc}") from None
    if not isinstance(obj, dict):
        raise BadRecord("a line must be one JSON object")
    if "src" in obj or "dst" in obj:
        return plain.parse(obj)
    return hubble.parse(obj)


def _csv_rows(first: bytes, rest: Iterable[tuple[int, bytes]]
              ) -> Iterator[tuple[int, dict[str, str] | BadRecord]]:
    header = [h.strip() for h in next(csv.reader([first.decode("utf-8", "replace")]))]
    for number, line in rest:
        try:
            values = next(csv.reader([line.decode("utf-8")]))
        except (UnicodeDecodeError, csv.Error) as exc:
            yield number, BadRecord(f"not a CSV row: {exc}")
            continue
        if len(values) != len(header):
            yield number, BadRecord(f"{len(values)} values for {len(header)} columns "
                                    f"({', '.join(header)})")
            continue
        yield number, {k: v.strip() for k, v in zip(header, values, strict=True) if v.strip()}


def read(path: str, stream: IO[bytes] | None = None) -> Observed:
    """Aggregate the flow log at ``path`` (``-``: standard input), Hubble JSON, plain JSON
    lines or plain CSV, told apart line by line (JSON) or by the header (CSV). A large JSON
    file is read in two forked workers, each aggregating a half."""
    name = "<stdin>" if path == "-" else path
    observed = Observed(name)
    if stream is None and path != "-":
        parts = _in_workers(path)
        if parts is not None:
            for part in parts:
                observed.merge(part)
            return _checked(observed)
        with Path(path).open("rb") as fh:
            return _read(fh, observed)
    return _read(stream or sys.stdin.buffer, observed)


def _json_lines(observed: Observed, lines: Iterable[tuple[int, bytes]]) -> None:
    for number, line in lines:
        try:
            record = _json_record(line)
        except BadRecord as exc:
            observed.bad(number, str(exc))
            continue
        if record is None:
            observed.skipped += 1
        else:
            observed.add(record)


def _read_part(part: tuple[str, int, int, int]) -> Observed:
    """The JSON lines of bytes ``start``..``end`` of ``path``, numbered from ``first_line``."""
    path, start, end, first_line = part
    observed = Observed(path)
    with Path(path).open("rb") as fh:
        fh.seek(start)
        _json_lines(observed, _lines(_until(fh, start, end), first_line))
    return observed


def _until(fh: IO[bytes], start: int, end: int) -> Iterator[bytes]:
    position = start
    for raw in fh:
        if position >= end:
            return
        position += len(raw)
        yield raw


def _in_workers(path: str) -> list[Observed] | None:
    """The halves of a large JSON-lines file, aggregated in two forked workers; None when
    the file is small or CSV, there is one core, or fork is unavailable."""
    workers = min(2, os.cpu_count() or 1)
    size = Path(path).stat().st_size
    if (workers < 2 or size < PARALLEL_BYTES
            or "fork" not in multiprocessing.get_all_start_methods()):
        return None
    with Path(path).open("rb") as fh:
        if fh.read(1) != b"{":
            return None
        fh.seek(size // 2)
        fh.readline()
        middle = fh.tell()
        fh.seek(0)
        newlines = 0
        while fh.tell() < middle:
            newlines += fh.read(min(1 << 20, middle - fh.tell())).count(b"\n")
    parts = [(path, 0, middle, 1), (path, middle, size, 1 + newlines)]
    context: Any = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        return list(pool.map(_read_part, parts))


def _checked(observed: Observed) -> Observed:
    """``observed``, unless the log held no line at all or only malformed ones."""
    if not observed.records and not observed.skipped:
        if not observed.malformed:
            raise FlowLogError(observed.source, "no flow records (the file is empty)",
                               hint="hubble observe -o json > flows.json, or the plain CSV "
                                    "form with a src,dst,protocol,port header")
        first_bad = observed.malformed[0]
        raise FlowLogError(f"{observed.source}:{first_bad.line}", "no flow records: every "
                           f"line is malformed ({first_bad.message})",
                           hint="Hubble JSON lines (hubble observe -o json), or plain CSV "
                                "with a src,dst,protocol,port header")
    return observed


def _read(stream: IO[bytes], observed: Observed) -> Observed:
    lines = _lines(stream)
    first = next(lines, None)
    if first is None:
        return _checked(observed)
    header = [h.strip() for h in first[1].decode("utf-8", "replace").split(",")]
    if first[1].startswith(b"{") or not {"src", "dst", "port"} <= set(header):
        _json_lines(observed, _chain(first, lines))
    else:
        for number, row in _csv_rows(first[1], lines):
            try:
                if isinstance(row, BadRecord):
                    raise row
                observed.add(plain.parse(row))
            except BadRecord as exc:
                observed.bad(number, str(exc))
    return _checked(observed)


def _chain(first: tuple[int, bytes], rest: Iterator[tuple[int, bytes]]
           ) -> Iterator[tuple[int, bytes]]:
    yield first
    yield from rest
