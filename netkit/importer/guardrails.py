"""Cluster-wide policies in the form ClusterGuardrails renders (ClusterNetworkPolicy, or
CiliumClusterwideNetworkPolicy: ``<id>-allow-dns`` first, then monitoring, metadata, tenants
and a baseline deny) back to that construct; whether it renders them again exactly is checked
once the blueprint renders."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from netkit.constructs.guardrails import METADATA_ADDRESSES, MonitoringScrapes
from netkit.constructs.zero_trust import DnsEgress
from netkit.importer.plan import GuardrailsPlan, as_id
from netkit.k8s.cilium import NAMESPACE_LABELS_PREFIX, POD_NAMESPACE_LABEL
from netkit.k8s.meta import NAMESPACE_NAME_LABEL
from netkit.objects import KubeObject

DNS_SUFFIX = "-allow-dns"
SUFFIXES = ("allow-dns", "allow-monitoring", "deny-metadata", "baseline-deny")


class NotGuardrails(Exception):
    """The policies are not in the form ClusterGuardrails renders."""


def _name_of(selector: Any) -> str:
    labels = (selector or {}).get("matchLabels") or {}
    if set(selector or {}) != {"matchLabels"} or set(labels) != {NAMESPACE_NAME_LABEL}:
        raise NotGuardrails("a namespace selected by other than its name")
    return str(labels[NAMESPACE_NAME_LABEL])


def _labels(selector: Any) -> tuple[tuple[str, str], ...]:
    if set(selector or {}) != {"matchLabels"}:
        raise NotGuardrails("a pod selector with expressions")
    return tuple((str(k), str(v)) for k, v in selector["matchLabels"].items())


def _not_in(expressions: Any, key: str) -> list[str]:
    [expr] = expressions
    if expr["key"] != key or expr["operator"] != "NotIn":
        raise NotGuardrails("a baseline subject other than namespaces not in a list")
    return [str(v) for v in expr["values"]]


# -- ClusterNetworkPolicy ------------------------------------------------------------------


def _cnp_dns(spec: dict[str, Any]) -> DnsEgress:
    [rule] = spec["egress"]
    pods = [p["pods"] for p in rule["to"] if "pods" in p]
    networks = [n for p in rule["to"] if "networks" in p for n in p["networks"]]
    if len(pods) != 1 or len(networks) > 1:
        raise NotGuardrails("DNS peers other than kube-dns and one NodeLocal address")
    return DnsEgress(_name_of(pods[0]["namespaceSelector"]), _labels(pods[0]["podSelector"]),
                     networks[0].rsplit("/", 1)[0] if networks else None)


def _cnp_monitoring(spec: dict[str, Any]) -> MonitoringScrapes:
    [rule] = spec["ingress"]
    [peer] = rule["from"]
    ports = tuple(int(p["tcp"]["destinationPort"]["number"]) for p in rule["protocols"])
    return MonitoringScrapes(_name_of(peer["pods"]["namespaceSelector"]),
                             _labels(peer["pods"]["podSelector"]), ports)


def _cnp_metadata(spec: dict[str, Any]) -> tuple[str, ...]:
    [rule] = spec["egress"]
    return tuple(str(n) for p in rule["to"] for n in p["networks"])


def _cnp_tenant(spec: dict[str, Any]) -> tuple[str, str]:
    [(label, tenant)] = spec["subject"]["namespaces"]["matchLabels"].items()
    return str(label), str(tenant)


def _cnp_exempt(spec: dict[str, Any]) -> list[str]:
    subject = spec["subject"]["namespaces"]
    return _not_in(subject["matchExpressions"], NAMESPACE_NAME_LABEL) if subject else []


# -- CiliumClusterwideNetworkPolicy ----------------------------------------------------------


def _cilium_peer(selector: Any) -> tuple[str, tuple[tuple[str, str], ...]]:
    """The namespace and pod labels of a Cilium endpoint selector."""
    labels = dict(_labels(selector))
    namespace = labels.pop(POD_NAMESPACE_LABEL, None)
    if namespace is None or not all(k.startswith("k8s:") for k in labels):
        raise NotGuardrails("peers other than pods of a namespace named")
    return namespace, tuple((k[len("k8s:"):], v) for k, v in labels.items())


def _cilium_dns(spec: dict[str, Any]) -> DnsEgress:
    first, *rest = spec["egress"]
    [selector] = first["toEndpoints"]
    networks = [c for r in rest for c in r["toCIDR"]]
    if len(networks) > 1:
        raise NotGuardrails("DNS peers other than kube-dns and one NodeLocal address")
    namespace, pods = _cilium_peer(selector)
    return DnsEgress(namespace, pods, networks[0].rsplit("/", 1)[0] if networks else None)


def _cilium_monitoring(spec: dict[str, Any]) -> MonitoringScrapes:
    [rule] = spec["ingress"]
    [selector] = rule["fromEndpoints"]
    [ports] = rule["toPorts"]
    namespace, pods = _cilium_peer(selector)
    return MonitoringScrapes(namespace, pods, tuple(int(p["port"]) for p in ports["ports"]))


def _cilium_metadata(spec: dict[str, Any]) -> tuple[str, ...]:
    return tuple(str(c) for rule in spec["egressDeny"] for c in rule["toCIDR"])


def _cilium_tenant(spec: dict[str, Any]) -> tuple[str, str]:
    [(key, tenant)] = spec["endpointSelector"]["matchLabels"].items()
    if not str(key).startswith(NAMESPACE_LABELS_PREFIX):
        raise NotGuardrails("a tenant selected by other than a namespace label")
    return str(key)[len(NAMESPACE_LABELS_PREFIX):], str(tenant)


def _cilium_exempt(spec: dict[str, Any]) -> list[str]:
    selector = spec["endpointSelector"]
    return _not_in(selector["matchExpressions"], POD_NAMESPACE_LABEL) if selector else []


@dataclass(frozen=True)
class Form:
    """How one policy kind holds each guardrail option."""

    dns: Callable[[dict[str, Any]], DnsEgress]
    monitoring: Callable[[dict[str, Any]], MonitoringScrapes]
    metadata: Callable[[dict[str, Any]], tuple[str, ...]]
    tenant: Callable[[dict[str, Any]], tuple[str, str]]
    exempt: Callable[[dict[str, Any]], list[str]]


FORMS = {
    ("policy.networking.k8s.io/", "ClusterNetworkPolicy"): Form(
        _cnp_dns, _cnp_monitoring, _cnp_metadata, _cnp_tenant, _cnp_exempt),
    ("cilium.io/", "CiliumClusterwideNetworkPolicy"): Form(
        _cilium_dns, _cilium_monitoring, _cilium_metadata, _cilium_tenant, _cilium_exempt),
}


def guardrails(gid: str, policies: dict[str, KubeObject], form: Form, priority: int
               ) -> GuardrailsPlan:
    """The ClusterGuardrails ``gid`` whose rendered policies are ``policies`` (by suffix)."""
    dns = form.dns(policies["allow-dns"].spec)
    options: dict[str, Any] = {}
    if dns != DnsEgress():
        options["dns"] = dns
    if "allow-monitoring" in policies:
        options["monitoring"] = form.monitoring(policies["allow-monitoring"].spec)
    if "deny-metadata" in policies:
        addresses = form.metadata(policies["deny-metadata"].spec)
        if addresses != METADATA_ADDRESSES:
            options["metadata_addresses"] = list(addresses)
    else:
        options["deny_metadata"] = False
    tenants = [form.tenant(p.spec) for s, p in policies.items() if s.startswith("tenant-")]
    if tenants:
        if len({label for label, _ in tenants}) != 1:
            raise NotGuardrails("tenants told apart by different labels")
        options["tenant_label"] = tenants[0][0]
        options["tenants"] = [t for _, t in tenants]
    if "baseline-deny" in policies:
        exempt = form.exempt(policies["baseline-deny"].spec)
        if exempt != ["kube-system"]:
            options["exempt_namespaces"] = exempt
    else:
        options["baseline_deny"] = False
    return GuardrailsPlan(gid, priority, tuple(options.items()))


def import_guardrails(others: list[KubeObject]
                      ) -> tuple[list[GuardrailsPlan], list[tuple[str, KubeObject]],
                                 list[tuple[str, str]]]:
    """The guardrails among ``others``, the policies they stand for (by guardrails id), and
    why groups that looked like guardrails are not. Cilium's policies have no priorities:
    its guardrails get consecutive ranges from 0."""
    found: list[GuardrailsPlan] = []
    used: list[tuple[str, KubeObject]] = []
    problems: list[tuple[str, str]] = []
    unranked = 0
    for (group, kind), form in FORMS.items():
        policies = [o for o in others if o.kind == kind and o.api_version.startswith(group)]
        for gid in [o.name[:-len(DNS_SUFFIX)] for o in policies if o.name.endswith(DNS_SUFFIX)]:
            mine = {o.name[len(gid) + 1:]: o for o in policies if o.name.startswith(f"{gid}-")}
            known = {s: o for s, o in mine.items() if s in SUFFIXES or s.startswith("tenant-")}
            if as_id(gid) != gid:
                problems.append((gid, "not a construct id"))
                continue
            rank = known["allow-dns"].spec.get("priority")
            try:
                found.append(guardrails(gid, known, form,
                                        unranked if rank is None else int(rank)))
            except (NotGuardrails, TypeError, AttributeError, KeyError, ValueError) as exc:
                why = str(exc) if isinstance(exc, NotGuardrails) else "an unexpected shape"
                problems.append((gid, why))
                continue
            if rank is None:
                unranked += len(known) - ("baseline-deny" in known)
            used += [(gid, o) for o in known.values()]
    return found, used, problems
