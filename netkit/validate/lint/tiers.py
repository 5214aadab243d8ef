"""What reachability cannot take into account, said out loud (NK201-NK203): policy kinds it
does not read, ClusterNetworkPolicies whose order upstream leaves open, and parts of Cilium
and network-policy-api rules that name things outside the model."""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

from netkit.k8s.meta import CONSTRUCT_ANNOTATION
from netkit.objects import KubeObject, as_dict, as_list
from netkit.validate.field import SPEC, Path
from netkit.validate.lint.index import Index, Report

# API groups whose kinds decide or filter traffic, and those kinds (Calico's staged policies
# are logged, not enforced, so they decide nothing).
NOT_ANALYSED: dict[str, tuple[str, ...]] = {
    "crd.projectcalico.org": ("NetworkPolicy", "GlobalNetworkPolicy", "NetworkSet",
                              "GlobalNetworkSet", "Tier"),
    "projectcalico.org": ("NetworkPolicy", "GlobalNetworkPolicy", "NetworkSet",
                          "GlobalNetworkSet", "Tier"),
    "security.istio.io": ("AuthorizationPolicy", "PeerAuthentication"),
    "policy.linkerd.io": ("Server", "ServerAuthorization", "AuthorizationPolicy"),
    "crd.antrea.io": ("NetworkPolicy", "ClusterNetworkPolicy", "Tier"),
    "k8s.ovn.org": ("EgressFirewall",),
    "networking.gke.io": ("FQDNNetworkPolicy",),
    "kuma.io": ("MeshTrafficPermission", "TrafficPermission"),
    "consul.hashicorp.com": ("ServiceIntentions",),
    "access.smi-spec.io": ("TrafficTarget",),
    "cilium.io": ("CiliumCIDRGroup",),
}

CILIUM_UNRESOLVED = {
    "fromNodes": "node identities", "toNodes": "node identities",
    "fromGroups": "cloud provider groups", "toGroups": "cloud provider groups",
    "fromRequires": "requirements (deprecated)", "toRequires": "requirements (deprecated)",
    "toServices": "Services", "icmps": "ICMP",
}
CILIUM_SECTIONS = ("ingress", "ingressDeny", "egress", "egressDeny")
SERVICE_ACCOUNT = "io.cilium.k8s.policy.serviceaccount"


def check(index: Index, report: Report) -> None:
    """Run the checks on policy kinds and parts the reachability analysis leaves out."""
    tiers: dict[tuple[str, int], list[KubeObject]] = defaultdict(list)
    for item in index.items:
        group = item.api_version.split("/")[0] if "/" in item.api_version else ""
        if item.kind in NOT_ANALYSED.get(group, ()) and (
                item.annotations.get(CONSTRUCT_ANNOTATION) is None):
            # what netkit renders from allow() mirrors its NetworkPolicies (NK140 checks)
            report.add("NK201", item, f"not analysed: {item.kind} ({group}); reachability "
                       "ignores what it allows or denies",
                       hint="express the rule as a NetworkPolicy, ClusterNetworkPolicy or "
                       "CiliumNetworkPolicy, or check this flow by other means")
        elif group == "cilium.io" and item.kind in ("CiliumNetworkPolicy",
                                                    "CiliumClusterwideNetworkPolicy"):
            _cilium(report, item)
        elif group == "policy.networking.k8s.io" and item.kind in (
                "ClusterNetworkPolicy", "AdminNetworkPolicy"):
            spec = item.spec
            tier = str(spec.get("tier") or "Admin")
            if isinstance(spec.get("priority"), int) and (spec.get("ingress")
                                                          or spec.get("egress")):
                tiers[(tier, spec["priority"])].append(item)
            _nodes(report, item)
        elif group == "policy.networking.k8s.io":
            _nodes(report, item)
    for (tier, priority), items in sorted(tiers.items()):
        for item in items[1:]:
            others = ", ".join(o.name for o in items if o is not item)
            report.add("NK202", item, f"shares priority {priority} in the {tier} tier with "
                       f"{others}: which one decides a connection both match is undefined",
                       field=SPEC.child("priority"),
                       hint="give each policy of a tier its own priority")


def _nodes(report: Report, item: KubeObject) -> None:
    for direction, key in (("ingress", "from"), ("egress", "to")):
        for i, rule in enumerate(as_list(item.spec.get(direction))):
            for j, peer in enumerate(as_list(as_dict(rule).get(key))):
                if "nodes" in as_dict(peer):
                    report.add("NK203", item, "a nodes peer matches node IPs, which the "
                               "analysis does not model: it matches nothing in the audit",
                               field=SPEC.child(direction).index(i).child(key).index(j),
                               hint="list the nodes' CIDRs as networks if they matter here")


def _cilium(report: Report, item: KubeObject) -> None:
    specs: list[tuple[Path, dict[str, Any]]] = []
    if isinstance(item.obj.get("spec"), dict):
        specs.append((SPEC, item.spec))
    for i, spec in enumerate(as_list(item.obj.get("specs"))):
        specs.append((Path("specs").index(i), as_dict(spec)))
    for path, spec in specs:
        if spec.get("nodeSelector") is not None:
            report.add("NK203", item, "a host policy (nodeSelector) applies to nodes, which "
                       "the analysis does not model", field=path.child("nodeSelector"),
                       hint="check host firewall rules by other means")
        for section in CILIUM_SECTIONS:
            for i, rule in enumerate(as_list(spec.get(section))):
                rule = as_dict(rule)
                at = path.child(section).index(i)
                for key, what in CILIUM_UNRESOLVED.items():
                    if rule.get(key):
                        report.add("NK203", item, f"{key} selects {what}, which the analysis "
                                   "does not resolve: it matches nothing in the audit",
                                   field=at.child(key), hint=_hint(key))
                for key in ("fromEndpoints", "toEndpoints"):
                    for j, selector in enumerate(as_list(rule.get(key))):
                        if SERVICE_ACCOUNT in json.dumps(selector):
                            report.add("NK203", item, "selects by service account, which the "
                                       "analysis does not know for a pod: it matches nothing "
                                       "in the audit", field=at.child(key).index(j),
                                       hint="select the pods by their labels")
                for key in ("fromCIDRSet", "toCIDRSet"):
                    for j, entry in enumerate(as_list(rule.get(key))):
                        if not as_dict(entry).get("cidr"):
                            report.add("NK203", item, "a CIDR group reference is not "
                                       "resolved: it matches nothing in the audit",
                                       field=at.child(key).index(j),
                                       hint="list the CIDRs in the rule")


def _hint(key: str) -> str:
    if key == "toServices":
        return "select the Service's pods with toEndpoints (its selector) instead"
    if key == "icmps":
        return "the audit covers TCP, UDP and SCTP only"
    return "select the peers by endpoint labels, entities or CIDRs instead"
