"""What a mesh must authorize in a namespace: the clients of each workload, by identity."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from netkit.constructs.flows import EdgePeer, Endpoint, Flow
from netkit.constructs.workload import Workload
from netkit.errors import CapabilityError
from netkit.spec import AnyPodIn, CidrPeer
from netkit.target import Target

MAX_PORT_RANGE = 64  # a mesh lists ports one by one; longer ranges are refused


@dataclass(frozen=True)
class Client:
    """A mesh client: a service account, every identity of a namespace, or a network (no
    mesh identity: plaintext)."""

    kind: Literal["ServiceAccount", "Namespace", "Network"]
    name: str
    namespace: str | None = None


@dataclass
class Inbound:
    """The clients a destination admits per TCP port (``None``: every port)."""

    workload: Workload | None  # None: every pod of the namespace
    ports: dict[int | None, list[Client]]

    @property
    def suffix(self) -> str:
        """The name part of the objects for this destination."""
        return self.workload.name if self.workload is not None else "all-pods"

    @property
    def pods(self) -> dict[str, str] | None:
        """The destination pods' labels (None: every pod of the namespace)."""
        return dict(self.workload.labels) if self.workload is not None else None


def client(end: Endpoint, target: Target) -> Client:
    """The identity a mesh sees for a flow's source."""
    if isinstance(end, Workload):
        return Client("ServiceAccount", end.service_account, str(end.namespace()))
    if isinstance(end, AnyPodIn):
        return Client("Namespace", end.namespace)
    if isinstance(end, EdgePeer):
        return Client("Namespace", target.edge_namespace)
    if isinstance(end, CidrPeer):
        return Client("Network", end.cidr)
    raise TypeError(f"unknown endpoint {end!r}")


def inbound(namespace: str, flows: Iterable[Flow], target: Target) -> list[Inbound]:
    """Per destination in ``namespace``, in flow order, the clients of each TCP port (a mesh
    carries TCP only: UDP and SCTP flows are left to NetworkPolicy)."""
    out: dict[int, Inbound] = {}
    for flow in flows:
        dst = flow.dst
        if isinstance(dst, Workload) and dst.namespace() == namespace:
            key: Workload | None = dst
        elif isinstance(dst, AnyPodIn) and dst.namespace == namespace and dst.pods is None:
            key = None
        else:
            continue
        entry = out.setdefault(id(key), Inbound(key, {}))
        who = client(flow.src, target)
        for spec in flow.ports:
            if spec.protocol != "TCP":
                continue
            for port in _ports(spec.port, spec.end_port, flow.origin):
                clients = entry.ports.setdefault(port, [])
                if who not in clients:
                    clients.append(who)
    return [i for i in out.values() if i.ports]


def _ports(port: int | None, end: int | None, where: str) -> list[int | None]:
    if port is None or end is None:
        return [port]
    if end - port >= MAX_PORT_RANGE:
        raise CapabilityError(where, f"a mesh authorizes ports one by one; {port}-{end} is "
                              f"more than {MAX_PORT_RANGE} ports", hint="narrow the range")
    return list(range(port, end + 1))

