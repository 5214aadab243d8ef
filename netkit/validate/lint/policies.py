"""NetworkPolicy checks: selection, peers, DNS under egress deny, breadth (NK105-NK117)."""

from __future__ import annotations

from typing import Any

from netkit.capabilities import CNIS
from netkit.k8s.meta import NAMESPACE_NAME_LABEL
from netkit.k8s.networking import effective_policy_types
from netkit.k8s.selectors import describe, matches, pods, selector_key
from netkit.objects import KubeObject, as_dict
from netkit.validate.field import SPEC
from netkit.validate.lint.index import Index, Report

EVERYWHERE = ("0.0.0.0/0", "::/0")
DNS_PORT_NAMES = ("dns", "domain")


def check(index: Index, report: Report) -> None:
    """Run the NetworkPolicy checks."""
    policies = index.of("NetworkPolicy")
    target = index.target
    enforcing = target is None or CNIS[target.cni].network_policy
    dns: dict[str, list[Any]] = {}  # namespace -> podSelectors of policies allowing DNS
    isolating: list[KubeObject] = []
    for policy in policies:
        spec = policy.spec
        selected = _pods(policy)
        if not enforcing and target is not None:
            report.add("NK114", policy, f"cni={target.cni!r} does not enforce NetworkPolicy; "
                       f"this policy has no effect on {selected}",
                       hint="use a CNI that enforces it")
        if policy.namespace in index.workloads and not _selects_any(
                index, policy.namespace, spec.get("podSelector")):
            report.add("NK105", policy, f"podSelector matches no workload: no {selected}",
                       field=SPEC.child("podSelector"),
                       hint="fix the selector or the pod template labels")
        for direction, peers_key in (("ingress", "from"), ("egress", "to")):
            for i, rule in enumerate(spec.get(direction) or []):
                _rule(index, report, policy, direction, peers_key, i, rule or {})
        if "Egress" in effective_policy_types(spec):
            isolating.append(policy)
        if any(_allows_dns(rule or {}) for rule in spec.get("egress") or []):
            dns.setdefault(policy.namespace, []).append(spec.get("podSelector"))
    allowing = {ns: _Selectors(selectors) for ns, selectors in dns.items()}
    for policy in isolating:
        if not _dns_covered(index, policy, allowing.get(policy.namespace, _NONE)):
            report.add("NK107", policy, f"egress of {_pods(policy)} is denied and no "
                       "policy allows them DNS (UDP 53), so they cannot resolve names",
                       field=SPEC.child("policyTypes"),
                       hint="allow egress to kube-dns on UDP and TCP 53, unless these pods "
                            "truly need no names")


def _pods(policy: KubeObject) -> str:
    return pods(policy.spec.get("podSelector"), policy.namespace)


class _Selectors:
    """Pod selectors, each found by the labels it matches: one that requires labels by one of
    its pairs, the others tried on every pod."""

    def __init__(self, selectors: list[Any]) -> None:
        self.selectors = selectors
        self.by_pair: dict[tuple[str, str], list[Any]] = {}
        self.others: list[Any] = []
        for s in selectors:
            pairs = as_dict(as_dict(s).get("matchLabels"))
            first = next(iter(pairs.items()), None)
            if first is not None and isinstance(first[1], str):
                self.by_pair.setdefault((str(first[0]), first[1]), []).append(s)
            else:
                self.others.append(s)

    def any_matches(self, labels: dict[str, str]) -> bool:
        """Whether one of the selectors matches ``labels``."""
        return any(matches(s, labels) for pair in labels.items()
                   for s in self.by_pair.get(pair, ())) or any(
            matches(s, labels) for s in self.others)


_NONE = _Selectors([])


def _dns_covered(index: Index, policy: KubeObject, allowing: _Selectors) -> bool:
    """Whether every pod ``policy`` isolates for egress is selected by a policy allowing DNS:
    checked on the workloads when the input has them, else on the selectors."""
    selector = policy.spec.get("podSelector")
    isolated = index.selected(policy.namespace, selector)
    if isolated:
        return all(allowing.any_matches(t.labels) for t in isolated)
    return any(_covers(s, selector) for s in allowing.selectors)


def _covers(wide: Any, narrow: Any) -> bool:
    """Whether selector ``wide`` selects at least every pod ``narrow`` does (a sufficient
    test: equal, empty, or matchLabels alone that ``narrow`` also requires)."""
    if not wide or selector_key(wide) == selector_key(narrow):
        return True
    wide_labels = wide.get("matchLabels") or {}
    narrow_labels = (narrow or {}).get("matchLabels") or {}
    return not wide.get("matchExpressions") and all(
        narrow_labels.get(k) == v for k, v in wide_labels.items())


def _selects_any(index: Index, ns: str, selector: Any) -> bool:
    return bool(index.selected(ns, selector))


def _namespaces(index: Index, selector: Any) -> list[str] | None:
    """Namespaces a selector matches; one selected by name is implied even if not given."""
    names = (selector or {}).get("matchLabels") or {}
    if set(names) == {NAMESPACE_NAME_LABEL} and not (selector or {}).get("matchExpressions"):
        return [str(names[NAMESPACE_NAME_LABEL])]
    known = dict(index.namespaces)
    for ns in index.workloads:
        known.setdefault(ns, {NAMESPACE_NAME_LABEL: ns})
    if not index.namespaces:
        return None
    return [ns for ns, labels in known.items() if matches(selector, labels)]


def _rule(index: Index, report: Report, policy: KubeObject, direction: str, peers_key: str, i: int,
          rule: dict[str, Any]) -> None:
    at = SPEC.child(direction).index(i)
    ports = rule.get("ports") or []
    if not ports or any(isinstance(p, dict) and p.get("port") is None for p in ports):
        report.add("NK117", policy, f"{direction} rule allows every port"
                   + (" of a protocol" if ports else "")
                   + f" of {_pods(policy)}",
                   field=at.child("ports"),
                   hint="list the ports the flow needs")
    for j, peer in enumerate(rule.get(peers_key) or []):
        peer = peer or {}
        block = peer.get("ipBlock") or {}
        if direction == "ingress" and block.get("cidr") in EVERYWHERE:
            report.add("NK116", policy, f"ingress from {block['cidr']} admits the whole "
                       f"internet to {_pods(policy)}",
                       field=at.child("from").index(j).child("ipBlock").child("cidr"),
                       hint="narrow the CIDR, or put the workload behind a gateway")
        if block:
            continue
        namespaces: list[str] | None = [policy.namespace]
        if "namespaceSelector" in peer:
            namespaces = _namespaces(index, peer["namespaceSelector"])
            if namespaces == []:
                report.add("NK106", policy, "namespaceSelector matches no namespace",
                           field=at.child(peers_key).index(j).child("namespaceSelector"),
                           hint="check the namespace labels")
                continue
        given = [ns for ns in namespaces or () if ns in index.workloads]
        if ("podSelector" in peer and given and len(given) == len(namespaces or ())
                and not any(_selects_any(index, ns, peer["podSelector"]) for ns in given)):
            report.add("NK106", policy, f"podSelector {describe(peer['podSelector']) or '{}'} "
                       f"matches no workload in {', '.join(sorted(given))}",
                       field=at.child(peers_key).index(j).child("podSelector"),
                       hint="check the peer's labels")


def _allows_dns(rule: dict[str, Any]) -> bool:
    ports = rule.get("ports") or []
    if not ports:
        return True
    for p in ports:
        if not isinstance(p, dict) or (p.get("protocol") or "TCP") != "UDP":
            continue
        port, end = p.get("port"), p.get("endPort")
        if port is None or port in DNS_PORT_NAMES or port == 53:
            return True
        if isinstance(port, int) and isinstance(end, int) and port <= 53 <= end:
            return True
    return False
