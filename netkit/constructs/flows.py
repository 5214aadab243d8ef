"""Flows: the connections constructs ask to allow, rendered into NetworkPolicy rules."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Union

from netkit.spec import AnyPodIn, CidrPeer

if TYPE_CHECKING:
    from netkit.constructs.workload import Workload
    from netkit.tree import Blueprint


@dataclass(frozen=True)
class PortSpec:
    """A port (or inclusive range) of one protocol; ``port=None`` means every port."""

    protocol: str = "TCP"
    port: int | None = None
    end_port: int | None = None


@dataclass(frozen=True)
class EdgePeer:
    """The pods of the target's gateway or ingress controller namespace; ``gateway`` is the
    Gateway (namespace, name) the entry point gets with ``gateway_mode="dedicated"``, for
    implementations that run its proxies beside it."""

    gateway: tuple[str, str] | None = None


Endpoint = Union["Workload", CidrPeer, AnyPodIn, EdgePeer]


@dataclass(frozen=True)
class Flow:
    """Allow ``src`` to open connections to ``dst`` on ``ports`` (empty: every port)."""

    src: Endpoint
    dst: Endpoint
    ports: tuple[PortSpec, ...]
    origin: str


class FlowSource:
    """Mixin for constructs that ask for flows to be allowed."""

    def flows(self) -> list[Flow]:
        """The flows this construct needs."""
        return []


def blueprint_flows(blueprint: Blueprint) -> list[Flow]:
    """Every flow asked for anywhere in ``blueprint``, in tree order."""
    return [f for c in blueprint.node.walk() if isinstance(c, FlowSource) for f in c.flows()]
