"""Cilium FQDN egress policies, in the form ZeroTrustNamespace.allow_egress_fqdn renders
them, back to allow_egress_fqdn calls; other Cilium policies are kept as they are."""

from __future__ import annotations

from typing import Any

from netkit.importer.plan import FqdnPlan, NamespacePlan
from netkit.k8s.cilium import fqdn_egress_policy
from netkit.objects import KubeObject
from netkit.target import Target

PREFIX = "allow-fqdn-egress-"


class NotFqdnEgress(Exception):
    """The policy is not one allow_egress_fqdn renders; the message says why."""


def _target(rule: Any) -> tuple[str, int, str]:
    fqdns, ports = rule.get("toFQDNs") or [], rule.get("toPorts") or []
    if set(rule) != {"toFQDNs", "toPorts"} or len(fqdns) != 1 or len(ports) != 1 or len(
            ports[0].get("ports") or []) != 1 or set(ports[0]) != {"ports"}:
        raise NotFqdnEgress("an egress rule other than one DNS name on one port")
    name = fqdns[0].get("matchName") or fqdns[0].get("matchPattern")
    port = ports[0]["ports"][0]
    if not str(port.get("port", "")).isdigit():
        raise NotFqdnEgress("a port that is not a number")
    return str(name), int(port["port"]), str(port.get("protocol", "TCP"))


def fqdn_egress(obj: KubeObject, ns: NamespacePlan, target: Target) -> list[FqdnPlan]:
    """The allow_egress_fqdn calls ``obj`` stands for (raises NotFqdnEgress if none)."""
    if not ns.zero_trust:
        raise NotFqdnEgress("its namespace is not a ZeroTrustNamespace")
    if target.cni != "cilium":
        raise NotFqdnEgress("the target's CNI is not cilium (pass --target cni=cilium)")
    labels = (obj.spec.get("endpointSelector") or {}).get("matchLabels") or {}
    workload = next((w for w in ns.workloads if w.labels == labels), None)
    if workload is None or obj.name != f"{PREFIX}{workload.name}":
        raise NotFqdnEgress("it selects no declared workload by its full labels")
    egress = obj.spec.get("egress") or []
    targets = [_target(rule) for rule in egress[1:]]
    dns = ns.dns_plan()
    expected = fqdn_egress_policy(obj.name, ns.name, pods=workload.labels, targets=targets,
                                  dns_namespace=dns.namespace, dns_pods=dict(dns.pods))
    if expected["spec"] != obj.spec:
        raise NotFqdnEgress("its DNS rule or selectors differ from allow_egress_fqdn's")
    return [FqdnPlan(workload.name, name, port, protocol) for name, port, protocol in targets]
