"""Suggestions as blueprint code: ``ns.workload(...)`` and ``ns.allow(...)`` lines."""

from __future__ import annotations

import json
import keyword
import re

from netkit.flows.records import Peer
from netkit.flows.suggest import Opening, Port, Suggestion, port_name


def identifier(text: str) -> str:
    """A Python name for a namespace or workload: ``payments-api`` → ``payments_api``."""
    name = re.sub(r"\W", "_", text)
    if name[:1].isdigit():
        name = f"_{name}"
    return f"{name}_" if keyword.iskeyword(name) else name


def _cidr(peer: Peer) -> str:
    return f'cidr("{peer.ip}/{128 if ":" in peer.ip else 32}")'


def _labels(peer: Peer) -> str:
    return json.dumps(dict(peer.labels))


class _Names:
    """Variables for namespaces and workloads, and the named ports of each workload."""

    def __init__(self, s: Suggestion) -> None:
        self.s = s
        denying = {o.src.namespace for o in s.openings if o.egress and o.src.is_pod} | {
            o.dst.namespace for o in s.openings if o.ingress and o.dst.is_pod}
        self.owned = s.owned if s.owned is not None else frozenset(denying)
        self.vars: dict[str, str] = {}
        self.ports: dict[str, dict[Port, str]] = {}
        for o in s.openings:
            for peer in (o.src, o.dst):
                if self.is_var(peer) and peer.id not in self.vars:
                    self._name(peer)
            if self.is_var(o.dst):
                self._ports(o.dst, o.ports)

    def is_var(self, peer: Peer) -> bool:
        return peer.is_pod and peer.namespace in self.owned

    def _name(self, peer: Peer) -> None:
        taken = set(self.vars.values()) | {identifier(n) for n in self.owned}
        name = identifier(peer.name)
        if name in taken:
            name = identifier(f"{peer.namespace}_{peer.name}")
        self.vars[peer.id] = name

    def _ports(self, peer: Peer, ports: list[Port]) -> None:
        names = self.ports.setdefault(peer.id, {})
        declared = self.s.declared.get(peer.id)
        for port in ports:
            if port in names:
                continue
            if declared is not None:
                match = [n for n, p in declared.items() if p == port]
                if match:
                    names[port] = match[0]
                continue
            names[port] = port_name(port, list(names.values()))

    def expr(self, peer: Peer) -> str:
        if peer.id in self.vars:
            return self.vars[peer.id]
        if peer.is_pod:
            return f'any_pod_in("{peer.namespace}", pods={_labels(peer)})'
        return _cidr(peer)

    def declaration(self, peer_id: str, peer: Peer) -> str | None:
        if peer_id in self.s.declared:
            return None
        ports = self.ports.get(peer_id, {})
        items = ", ".join(
            f'"{n}": {num}' if proto == "TCP" else
            f'"{n}": WorkloadPort(port={num}, protocol="{proto}")'
            for (proto, num), n in sorted(ports.items(), key=lambda kv: kv[1]))
        suffix = f", ports={{{items}}}" if items else ""
        return (f'{self.vars[peer_id]} = {identifier(peer.namespace)}.workload('
                f'"{peer.name}", labels={_labels(peer)}{suffix})')


def _port_args(names: _Names, o: Opening, port: Port) -> tuple[str, str]:
    protocol, number = port
    named = names.ports.get(o.dst.id, {}).get(port)
    if named is not None:
        return f'port="{named}"', ""
    args = f"port={number}" + ("" if protocol == "TCP" else f', protocol="{protocol}"')
    declared = names.s.declared.get(o.dst.id)
    if declared and names.is_var(o.dst):
        return args, f"  # declare {number}/{protocol} in {o.dst.id}'s ports first"
    return args, ""


def _lines(names: _Names, o: Opening) -> list[str]:
    owner = o.dst if names.is_var(o.dst) else o.src if names.is_var(o.src) else None
    ports = ", ".join(f"{p}/{n}" for p, n in o.ports)
    if owner is None:
        return [f"# {o.src.id} -> {o.dst.id} {ports}: neither end is in a namespace this "
                "blueprint manages"]
    ns = identifier(owner.namespace)
    out = []
    for end, direction, denies in ((o.src, "egress", o.egress), (o.dst, "ingress", o.ingress)):
        if denies and end.is_pod and not names.is_var(end):
            out.append(f"# {direction} at {end.id} denies too; that namespace is not in this "
                       "blueprint")
    src, dst = names.expr(o.src), names.expr(o.dst)
    if not o.dst.is_pod and o.names and names.s.fqdn and names.is_var(o.src):
        for protocol, number in o.ports:
            proto = "" if protocol == "TCP" else f', protocol="{protocol}"'
            out += [f'{ns}.allow_egress_fqdn({src}, "{name}", port={number}{proto})'
                    for name in o.names]
        return out
    note = f"  # {', '.join(o.names)}" if o.names and not o.dst.is_pod else ""
    for port in o.ports:
        args, comment = _port_args(names, o, port)
        out.append(f"{ns}.allow({src}, to={dst}, {args}){comment or note}")
    return out


def as_python(s: Suggestion) -> str:
    """Lines for the blueprint's ``build()``: namespaces and workloads it does not declare
    yet, then one ``allow`` per observed port (variables named after namespaces and
    workloads, as ``netkit why`` names them)."""
    names = _Names(s)
    head = [f"# netkit suggest: {s.flows} observed flow(s) from {s.source} that the policies "
            "would deny,", "# admitted exactly (identities and ports as observed). For build(),"
            " with at the top of the file:",
            "# from netkit.constructs import WorkloadPort, ZeroTrustNamespace, any_pod_in, cidr",
            ""]
    if s.dropped_only:
        head.insert(2, f"# {s.dropped_only} denied flow(s) the dataplane only ever dropped "
                       "are left out: nothing depended on them.")
    if s.unlabelled:
        head.insert(2, f"# left out, no labels in the log to select them by: "
                       f"{', '.join(s.unlabelled)}")
    body: list[str] = []
    used = sorted({peer_id.split("/")[0] for peer_id in names.vars})
    body += [f'{identifier(n)} = ZeroTrustNamespace(bp, "{n}")' for n in used
             if s.owned is None or n not in s.owned]
    peers = {p.id: p for o in s.openings for p in (o.src, o.dst)}
    body += [d for pid in sorted(names.vars)
             if (d := names.declaration(pid, peers[pid])) is not None]
    if body:
        body.append("")
    groups: dict[str, list[str]] = {}
    for o in s.openings:
        owner = o.dst.id if names.is_var(o.dst) else o.src.id
        group = groups.setdefault(owner, [])
        group += [line for line in _lines(names, o) if line not in group]
    for owner in sorted(groups):
        body += [f"# {owner}", *groups[owner], ""]
    if not s.openings:
        body.append("# nothing to add: every observed flow is allowed")
    return "\n".join(head + body).rstrip("\n") + "\n"
