"""Linkerd: a Server per destination port, admitting the MeshTLSAuthentication of its clients
through an AuthorizationPolicy; the namespace denies unlisted inbound traffic."""

from __future__ import annotations

from typing import Any

from netkit.constructs.zero_trust import ZeroTrustNamespace
from netkit.errors import CapabilityError
from netkit.k8s import linkerd
from netkit.render.mesh import Inbound
from netkit.target import Target


def linkerd_objects(ns: ZeroTrustNamespace, destinations: list[Inbound], target: Target
                    ) -> list[dict[str, Any]]:
    """The namespace's Servers, MeshTLSAuthentications and AuthorizationPolicies."""
    out = []
    for dst in destinations:
        for port, clients in dst.ports.items():
            where = f"{ns.display_path}: {dst.suffix}"
            if any(c.kind == "Network" for c in clients):
                raise CapabilityError(where, "linkerd admits clients outside the mesh only "
                                      "through a NetworkAuthentication, which netkit does not "
                                      "render", hint="mesh the client, or use mesh='istio'")
            for number in _numbers(dst, port, where):
                name = f"{dst.suffix}-{number}"
                out.append(linkerd.server(name, ns.name, pods=dst.pods, port=number))
                refs = [linkerd.identity_ref(c.kind, c.name, c.namespace) for c in clients]
                out.append(linkerd.mesh_tls_authentication(f"{name}-clients", ns.name, refs))
                out.append(linkerd.authorization_policy(name, ns.name, server_name=name,
                                                        authentication=f"{name}-clients"))
    return out


def _numbers(dst: Inbound, port: int | None, where: str) -> list[int]:
    """A Server names one port: "every port" means each TCP port the workload declares."""
    if port is not None:
        return [port]
    declared = sorted({p.port for p in (dst.workload.ports.values() if dst.workload else ())
                       if p.protocol == "TCP"})
    if not declared:
        raise CapabilityError(where, "linkerd authorizes per port, but this allow() covers "
                              "every port of pods that declare none",
                              hint="give allow() a port, or declare the workload's ports")
    return declared
