"""Workloads an input does not list (GitOps output has no Deployments), inferred from the
pods the NetworkPolicies of zero-trust namespaces select: their labels, and the ports the
policies admit them on."""

from __future__ import annotations

import re
from typing import Any

from netkit.constructs.tls_ingress import ACME_SOLVER_ID, ACME_SOLVER_LABEL, ACME_SOLVER_PORT
from netkit.importer.plan import BlueprintPlan, NamespacePlan, WorkloadPlan, as_id
from netkit.importer.policies import Edge
from netkit.k8s.networking import effective_policy_types
from netkit.k8s.selectors import matches
from netkit.objects import KubeObject

_PREFIX = re.compile(r"^allow-(ingress|egress)-")


def _labels(selector: Any) -> dict[str, str] | None:
    """A selector's matchLabels, when that is all it has."""
    if not isinstance(selector, dict) or selector.get("matchExpressions"):
        return None
    found = selector.get("matchLabels") or {}
    return {str(k): str(v) for k, v in found.items()} or None


def _selected(policy: KubeObject) -> list[tuple[dict[str, str], str | None]]:
    """(labels, name hint) of the pods ``policy`` selects or names as same-namespace peers."""
    out = []
    own = _labels(policy.spec.get("podSelector"))
    if own is not None:
        out.append((own, _PREFIX.sub("", policy.name) if _PREFIX.match(policy.name) else None))
    for direction, key in (("ingress", "from"), ("egress", "to")):
        for rule in policy.spec.get(direction) or []:
            for peer in (rule.get(key) or []) if isinstance(rule, dict) else []:
                if isinstance(peer, dict) and set(peer) == {"podSelector"}:
                    labels = _labels(peer["podSelector"])
                    if labels is not None:
                        out.append((labels, None))
    return out


def _name(ns: NamespacePlan, labels: dict[str, str], hint: str | None) -> str:
    if labels == {ACME_SOLVER_LABEL: "true"}:
        return ACME_SOLVER_ID
    base = hint or "-".join(labels.values())
    base = as_id(base)[:60]
    name, n = base, 2
    while ns.workload(name) is not None:
        name, n = f"{base}-{n}", n + 1
    return name


def _ports(policies: list[KubeObject], workload: WorkloadPlan, edge: Edge) -> None:
    """The numbered ports policies admit ``workload`` on (and which of them the edge uses)."""
    for policy in policies:
        spec = policy.spec
        mine = _labels(spec.get("podSelector")) == workload.labels
        for direction, key in (("ingress", "from"), ("egress", "to")):
            if direction.capitalize() not in effective_policy_types(spec):
                continue
            for rule in spec.get(direction) or []:
                if not isinstance(rule, dict):
                    continue
                peers = [p for p in rule.get(key) or [] if isinstance(p, dict)]
                toward = (direction == "ingress" and mine) or (direction == "egress" and any(
                    set(p) == {"podSelector"} and _labels(p["podSelector"]) == workload.labels
                    for p in peers))
                if not toward:
                    continue
                from_edge = direction == "ingress" and any(edge.is_edge(p) for p in peers)
                for port in rule.get("ports") or []:
                    number, protocol = port.get("port"), str(port.get("protocol") or "TCP")
                    if isinstance(number, int) and not port.get("endPort"):
                        if (number, protocol) not in workload.ports.values():
                            workload.ports[f"{protocol.lower()}-{number}"] = (number, protocol)
                        if from_edge:
                            workload.edge_ports.add((number, protocol))


def infer_workloads(policies: list[KubeObject], plan: BlueprintPlan, edge: Edge) -> None:
    """Declare, in each zero-trust namespace, the pods its policies select that no workload
    of the input stands for."""
    for ns in (n for n in plan.namespaces if n.zero_trust):
        mine = [p for p in policies if p.namespace == ns.name]
        hints: dict[tuple[tuple[str, str], ...], str | None] = {}
        for labels, hint in (s for p in mine for s in _selected(p)):
            known = hints.setdefault(tuple(sorted(labels.items())), hint)
            if known is None:  # a policy's own name says more than a peer's labels
                hints[tuple(sorted(labels.items()))] = hint
        # the most specific selectors first, so that broader ones match those workloads
        wanted = [(dict(k), hint) for k, hint in hints.items()]
        for labels, hint in sorted(wanted, key=lambda s: -len(s[0])):
            if any(matches({"matchLabels": labels}, w.labels) for w in ns.workloads):
                continue
            workload = WorkloadPlan(_name(ns, labels, hint), labels, inferred=True)
            if workload.name == ACME_SOLVER_ID:
                workload.ports["http"] = (ACME_SOLVER_PORT, "TCP")
            _ports(mine, workload, edge)
            ns.workloads.append(workload)
