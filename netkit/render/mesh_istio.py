"""Istio: STRICT mTLS, a namespace-wide allow-nothing, and an ALLOW policy per destination by
its clients' principals, namespaces or (plaintext) networks."""

from __future__ import annotations

from typing import Any

from netkit.constructs.zero_trust import ZeroTrustNamespace
from netkit.k8s import istio
from netkit.render.mesh import Client, Inbound
from netkit.target import Target


def istio_objects(ns: ZeroTrustNamespace, destinations: list[Inbound], target: Target
                  ) -> list[dict[str, Any]]:
    """The namespace's PeerAuthentications and AuthorizationPolicies."""
    out = [istio.peer_authentication("default", ns.name, mode="STRICT"),
           istio.authorization_policy("allow-nothing", ns.name, pods=None, rules=None)]
    for dst in destinations:
        out.append(istio.authorization_policy(f"allow-{dst.suffix}", ns.name, pods=dst.pods,
                                              rules=_rules(dst, target.trust_domain)))
        plaintext = [p for p, clients in dst.ports.items()
                     if any(c.kind == "Network" for c in clients)]
        if plaintext and dst.pods is not None:
            # Clients outside the mesh have no certificate: accept plaintext on their ports.
            whole = None in plaintext
            out.append(istio.peer_authentication(
                f"plaintext-{dst.suffix}", ns.name, pods=dst.pods,
                mode="PERMISSIVE" if whole else "STRICT",
                port_modes=None if whole else {p: "PERMISSIVE" for p in plaintext
                                               if p is not None}))
    return out


def _rules(dst: Inbound, trust_domain: str) -> list[dict[str, Any]]:
    """One rule per set of clients, listing the ports they may use."""
    by_clients: dict[tuple[Client, ...], list[int | None]] = {}
    for port, clients in dst.ports.items():
        by_clients.setdefault(tuple(clients), []).append(port)
    rules = []
    for who, ports in by_clients.items():
        rule: dict[str, Any] = {"from": _sources(who, trust_domain)}
        if None not in ports:
            rule["to"] = [{"operation": {"ports": [str(p) for p in ports]}}]
        rules.append(rule)
    return rules


def _sources(clients: tuple[Client, ...], trust_domain: str) -> list[dict[str, Any]]:
    principals = [istio.principal(trust_domain, str(c.namespace), c.name) for c in clients
                  if c.kind == "ServiceAccount"]
    namespaces = [c.name for c in clients if c.kind == "Namespace"]
    networks = [c.name for c in clients if c.kind == "Network"]
    out = []
    for key, values in (("principals", principals), ("namespaces", namespaces),
                        ("ipBlocks", networks)):
        if values:
            out.append({"source": {key: values}})
    return out
