"""What to open so that every observed flow the policies deny is admitted, and no more:
per source and destination identity, the exact protocols and ports seen."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from netkit.flows.aggregate import Observed
from netkit.flows.records import Peer
from netkit.flows.verdicts import Verdict

Port = tuple[str, int]  # (protocol, number)


@dataclass
class Opening:
    """``src`` → ``dst`` on ``ports``, and which of its sides deny today."""

    src: Peer
    dst: Peer
    ports: list[Port] = field(default_factory=list)
    egress: bool = False
    ingress: bool = False
    names: tuple[str, ...] = ()


@dataclass
class Suggestion:
    """The openings for a flow log, and the flows left to a person."""

    source: str
    openings: list[Opening]
    dropped_only: int = 0
    unlabelled: list[str] = field(default_factory=list)
    fqdn: bool = False  # the target allows egress to DNS names
    owned: frozenset[str] | None = None  # namespaces the blueprint manages (None: any)
    declared: Mapping[str, Mapping[str, Port]] = field(default_factory=dict)

    @property
    def flows(self) -> int:
        """How many (source, destination, port) flows the openings admit."""
        return sum(len(o.ports) for o in self.openings)


def suggest(verdicts: Iterable[Verdict], observed: Observed, *, fqdn: bool = False,
            owned: Iterable[str] | None = None,
            declared: Mapping[str, Mapping[str, Port]] | None = None) -> Suggestion:
    """Openings for every denied flow that the dataplane forwarded at least once (a flow it
    only ever dropped was working without being needed), grouped by source and destination.

    ``owned``: namespaces the blueprint manages; ``declared``: its workloads' named ports
    (``{"ns/name": {"http": ("TCP", 8080)}}``).
    """
    by_pair: dict[tuple[str, str], Opening] = {}
    out = Suggestion(observed.source, [], fqdn=fqdn,
                     owned=None if owned is None else frozenset(owned),
                     declared=dict(declared or {}))
    for v in verdicts:
        if not v.denied or v.explanation is None:
            continue
        if v.flow.only_dropped:
            out.dropped_only += 1
            continue
        unlabelled = [p.id for p in (v.src, v.dst) if p.is_pod and not p.labels]
        if unlabelled:
            out.unlabelled += [i for i in unlabelled if i not in out.unlabelled]
            continue
        o = by_pair.get((v.src.id, v.dst.id))
        if o is None:
            o = by_pair[(v.src.id, v.dst.id)] = Opening(
                v.src, v.dst, names=tuple(sorted(observed.names.get(v.dst.id, ()))))
        o.ports.append((v.flow.protocol, v.flow.port))
        o.egress |= not v.explanation.egress.allowed
        o.ingress |= not v.explanation.ingress.allowed
    out.openings = [by_pair[k] for k in sorted(by_pair)]
    return out


def port_name(port: Port, taken: Sequence[str] = ()) -> str:
    """An IANA-style name for an observed port: ``http``, ``https``, ``dns``, else
    ``tcp-8080``."""
    protocol, number = port
    well_known = {("TCP", 80): "http", ("TCP", 443): "https", ("TCP", 53): "dns-tcp",
                  ("UDP", 53): "dns"}
    name = well_known.get(port, f"{protocol.lower()}-{number}")
    return name if name not in taken else f"{protocol.lower()}-{number}"
