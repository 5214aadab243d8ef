"""The verdict on every observed flow under the policies given, with the policy that decided."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from netkit.analysis.engine import Reachability, reachability
from netkit.analysis.explain import Explanation, Side, explain
from netkit.findings import Finding
from netkit.flows.aggregate import Aggregate, Observed
from netkit.flows.fqdn import FqdnRule
from netkit.flows.records import HOST, Peer
from netkit.flows.staged import as_enforced
from netkit.k8s.pods import ContainerPort, PodTemplate
from netkit.objects import KubeObject

ALLOWED, DENIED, EXEMPT = "allowed", "denied", "exempt"
TWIN = " (another pod)"
# Cuts the world into "addresses no policy names" cells, so every address has an endpoint;
# it selects no pod, so it decides nothing.
_WORLD = {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
          "metadata": {"name": "netkit-observed-world", "namespace": "netkit-flows"},
          "spec": {"podSelector": {"matchLabels": {"netkit.dev/observed-world": "none"}},
                   "policyTypes": ["Ingress"],
                   "ingress": [{"from": [{"ipBlock": {"cidr": "0.0.0.0/0"}},
                                         {"ipBlock": {"cidr": "::/0"}}]}]}}


@dataclass
class Verdict:
    """One aggregated flow and whether the policies admit it."""

    flow: Aggregate
    src: Peer
    dst: Peer
    verdict: str
    reason: str
    explanation: Explanation | None = None

    @property
    def denied(self) -> bool:
        """Whether the policies would deny the flow."""
        return self.verdict == DENIED

    @property
    def breaks(self) -> bool:
        """Whether denying it breaks traffic that works today (the dataplane forwarded it
        at least once)."""
        return self.denied and not self.flow.only_dropped

    def side(self, direction: str) -> Side | None:
        """The egress or ingress side of the explanation."""
        if self.explanation is None:
            return None
        side: Side = getattr(self.explanation, direction)
        return side

    def to_json(self) -> dict[str, Any]:
        """One flow of the ``audit --flows`` JSON contract."""
        f = self.flow
        return {"from": f.src, "to": f.dst, "protocol": f.protocol, "port": f.port,
                "count": f.count, "first_seen": f.first, "last_seen": f.last,
                "observed": dict(sorted(f.verdicts.items())), "verdict": self.verdict,
                "breaks": self.breaks, "reason": self.reason,
                "egress": None if self.explanation is None else self.explanation.egress.to_json(),
                "ingress": None if self.explanation is None
                else self.explanation.ingress.to_json()}


@dataclass
class FlowAudit:
    """The verdicts on a flow log, the allows it never used, and its malformed lines."""

    observed: Observed
    verdicts: list[Verdict]
    unused: list[Finding] = field(default_factory=list)
    title: str = ""
    # the input's own reachability, for the HTML page's matrix (computed only there)
    matrix: Callable[[], Reachability] | None = None

    @property
    def denied(self) -> list[Verdict]:
        """The flows the policies would deny that work today (`--fail-on-denied` fails on
        these; flows the dataplane only ever dropped are denied already)."""
        return [v for v in self.verdicts if v.breaks]

    @property
    def findings(self) -> list[Finding]:
        """Malformed lines (NK401), then allows never seen (NK402)."""
        return [*self.observed.findings(), *self.unused]


def _template(e: Any, name: str) -> PodTemplate:
    return PodTemplate(e.namespace, name, e.kind, e.label_map(),
                       [ContainerPort(n, port, proto) for n, proto, port in e.named_ports],
                       e.ip)


def _namespaces(objects: Sequence[KubeObject], observed: Observed) -> list[dict[str, Any]]:
    """Namespaces the input lacks, with the labels the flow log saw on them."""
    given = {o.name for o in objects if o.kind == "Namespace"}
    labels: dict[str, dict[str, str]] = {}
    for p in observed.peers.values():
        if p.is_pod and p.namespace not in given and p.namespace_labels:
            labels.setdefault(p.namespace, {}).update(p.namespace_labels)
    return [{"apiVersion": "v1", "kind": "Namespace",
             "metadata": {"name": ns, "labels": labels[ns]}} for ns in sorted(labels)]


def flow_reachability(objects: Iterable[KubeObject], workloads: Sequence[PodTemplate],
                      observed: Observed) -> Reachability:
    """Reachability of the input plus the observed workloads it lacks (with the labels the
    log saw), a second pod of every workload that talks to itself, and every address."""
    objs: list[KubeObject | dict[str, Any]] = [*as_enforced(objects)]
    objs += [*_namespaces([o for o in objs if isinstance(o, KubeObject)], observed), _WORLD]
    first = reachability(objs, workloads)
    known = {e.id: e for e in first.endpoints}
    extra = [PodTemplate(p.namespace, p.name, "Observed", dict(p.labels))
             for p in sorted(observed.peers.values(), key=lambda p: p.id)
             if p.is_pod and p.id not in known]
    selves = sorted({f.src for f in observed.flows.values() if f.src == f.dst
                     and observed.peers[f.src].is_pod})
    fresh = {t.id: t for t in extra}
    for pid in selves:
        e = known.get(pid)
        twin = (_template(e, e.name + TWIN) if e is not None else
                PodTemplate(fresh[pid].namespace, fresh[pid].name + TWIN, "Observed",
                            dict(fresh[pid].labels)))
        extra.append(twin)
    return reachability(objs, [*workloads, *extra]) if extra else first


def engine_id(r: Reachability, peer: Peer, *, twin: bool = False) -> str:
    """The endpoint that stands for ``peer``: its workload, or the world cell of its address."""
    if peer.is_pod:
        return peer.id + TWIN if twin else peer.id
    cell = r.cluster.locate(peer.ip)
    assert cell is not None  # _WORLD's /0 blocks hold every address
    return cell.id


def _side_text(direction: str, side: Side) -> str:
    if side.allowed_by:
        return f"{direction} allowed by " + ", ".join(f"{a['policy']} {a['rule']}"
                                                      for a in side.allowed_by)
    if side.allowed:
        return f"{direction} open ({side.note})" if side.note else f"{direction} open"
    return f"{direction} denied: {side.note} (isolated by {', '.join(side.policies)})"


def reason(x: Explanation) -> str:
    """The deciding policies in one line: what admits each side, or what denies."""
    sides = (("egress", x.egress), ("ingress", x.ingress))
    if x.allowed:
        return "; ".join(_side_text(d, s) for d, s in sides)
    return "; ".join(_side_text(d, s) for d, s in sides if not s.allowed)


def _by_name(x: Explanation, v: Aggregate, src: Peer, names: set[str],
             rules: Sequence[FqdnRule]) -> str | None:
    """The CiliumNetworkPolicy admitting by DNS name what only egress by address denies."""
    if x.allowed or x.egress.allowed or not x.ingress.allowed or not names:
        return None
    found = [r.policy for r in rules if r.admits(src, names, v.protocol, v.port)]
    return ("egress allowed by " + ", ".join(sorted(set(found))) + " toFQDNs "
            + ", ".join(sorted(names))) if found else None


def judge(r: Reachability, observed: Observed, fqdn: Sequence[FqdnRule] = ()
          ) -> list[Verdict]:
    """The verdict on every aggregated flow, sorted by source, destination, protocol, port;
    ``fqdn`` rules admit egress to addresses the log knew by name."""
    out = []
    memo: dict[tuple[str, str, str, int], Explanation] = {}
    for flow in observed.sorted_flows():
        src, dst = observed.peers[flow.src], observed.peers[flow.dst]
        if HOST in (src.kind, dst.kind):
            out.append(Verdict(flow, src, dst, EXEMPT, "node-local traffic (kubelet probes, "
                               "health checks): NetworkPolicy does not govern it"))
            continue
        if not src.is_pod and not dst.is_pod:
            out.append(Verdict(flow, src, dst, EXEMPT, "neither end is a pod"))
            continue
        a = engine_id(r, src)
        b = engine_id(r, dst, twin=flow.src == flow.dst)
        key = (a, b, flow.protocol, flow.port)
        x = memo.get(key)
        if x is None:
            x = memo[key] = explain(r, a, b, flow.port, flow.protocol)
        by_name = _by_name(x, flow, src, observed.names.get(dst.id, set()), fqdn)
        if by_name is not None:
            out.append(Verdict(flow, src, dst, ALLOWED, by_name, x))
            continue
        out.append(Verdict(flow, src, dst, ALLOWED if x.allowed else DENIED, reason(x), x))
    return out
