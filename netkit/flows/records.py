"""One observed connection attempt, its two ends, and a line that could not be read."""

from __future__ import annotations

from dataclasses import dataclass

POD, EXTERNAL, HOST = "pod", "external", "host"
Labels = tuple[tuple[str, str], ...]  # sorted


@dataclass(frozen=True)
class Peer:
    """One end of a flow: pods of a workload (``ns/name``), an address outside the pod
    network (its IP), or the node itself (``host``, which NetworkPolicy does not govern)."""

    kind: str
    id: str
    namespace: str = ""
    name: str = ""
    labels: Labels = ()
    namespace_labels: Labels = ()
    ip: str = ""

    @property
    def is_pod(self) -> bool:
        """Whether this end is pods in the cluster."""
        return self.kind == POD

    def to_json(self) -> dict[str, object]:
        """``{"id", "kind", "namespace", "name", "labels", "ip"}``."""
        return {"id": self.id, "kind": self.kind, "namespace": self.namespace,
                "name": self.name, "labels": dict(self.labels), "ip": self.ip}


@dataclass(frozen=True)
class Record:
    """A connection ``src`` → ``dst`` on ``protocol``/``port``, seen ``count`` times."""

    src: Peer
    dst: Peer
    protocol: str
    port: int
    verdict: str = "FORWARDED"
    time: str | None = None
    count: int = 1
    dst_names: tuple[str, ...] = ()


class BadRecord(ValueError):
    """A line that is not a flow record; the message says what is wrong."""


def pod(namespace: str, name: str, labels: dict[str, str] | None = None,
        namespace_labels: dict[str, str] | None = None) -> Peer:
    """Pods of workload ``name`` in ``namespace``."""
    return Peer(POD, f"{namespace}/{name}", namespace, name,
                tuple(sorted((labels or {}).items())),
                tuple(sorted((namespace_labels or {}).items())))


def external(ip: str) -> Peer:
    """An address outside the pod network."""
    return Peer(EXTERNAL, ip, ip=ip)


HOST_PEER = Peer(HOST, "host")
