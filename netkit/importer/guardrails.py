"""ClusterNetworkPolicies in the form ClusterGuardrails renders (``<id>-allow-dns`` first,
then monitoring, metadata, tenants and a baseline deny) back to that construct; whether it
renders them again exactly is checked once the blueprint renders."""

from __future__ import annotations

from typing import Any

from netkit.constructs.guardrails import METADATA_ADDRESSES, MonitoringScrapes
from netkit.constructs.zero_trust import DnsEgress
from netkit.importer.plan import GuardrailsPlan, as_id
from netkit.k8s.meta import NAMESPACE_NAME_LABEL
from netkit.objects import KubeObject

KIND = "ClusterNetworkPolicy"
GROUP = "policy.networking.k8s.io/"
DNS_SUFFIX = "-allow-dns"


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


def _dns(policy: KubeObject) -> DnsEgress:
    [rule] = policy.spec["egress"]
    pods = [p["pods"] for p in rule["to"] if "pods" in p]
    networks = [n for p in rule["to"] if "networks" in p for n in p["networks"]]
    if len(pods) != 1 or len(networks) > 1:
        raise NotGuardrails("DNS peers other than kube-dns and one NodeLocal address")
    local = networks[0].rsplit("/", 1)[0] if networks else None
    return DnsEgress(_name_of(pods[0]["namespaceSelector"]), _labels(pods[0]["podSelector"]),
                     local)


def _monitoring(policy: KubeObject) -> MonitoringScrapes:
    [rule] = policy.spec["ingress"]
    [peer] = rule["from"]
    ports = tuple(int(p["tcp"]["destinationPort"]["number"]) for p in rule["protocols"])
    return MonitoringScrapes(_name_of(peer["pods"]["namespaceSelector"]),
                             _labels(peer["pods"]["podSelector"]), ports)


def _tenant(policy: KubeObject) -> tuple[str, str]:
    [(label, tenant)] = policy.spec["subject"]["namespaces"]["matchLabels"].items()
    return str(label), str(tenant)


def _exempt(policy: KubeObject) -> list[str]:
    subject = policy.spec["subject"]["namespaces"]
    if not subject:
        return []
    [expr] = subject["matchExpressions"]
    if expr["key"] != NAMESPACE_NAME_LABEL or expr["operator"] != "NotIn":
        raise NotGuardrails("a baseline subject other than namespaces not in a list")
    return [str(v) for v in expr["values"]]


def guardrails(gid: str, policies: dict[str, KubeObject]) -> GuardrailsPlan:
    """The ClusterGuardrails ``gid`` whose rendered policies are ``policies`` (by suffix)."""
    dns = _dns(policies["allow-dns"])
    options: dict[str, Any] = {}
    if dns != DnsEgress():
        options["dns"] = dns
    if "allow-monitoring" in policies:
        options["monitoring"] = _monitoring(policies["allow-monitoring"])
    if "deny-metadata" in policies:
        [rule] = policies["deny-metadata"].spec["egress"]
        addresses = tuple(str(n) for p in rule["to"] for n in p["networks"])
        if addresses != METADATA_ADDRESSES:
            options["metadata_addresses"] = list(addresses)
    else:
        options["deny_metadata"] = False
    tenants = [_tenant(p) for s, p in policies.items() if s.startswith("tenant-")]
    if tenants:
        if len({label for label, _ in tenants}) != 1:
            raise NotGuardrails("tenants told apart by different labels")
        options["tenant_label"] = tenants[0][0]
        options["tenants"] = [t for _, t in tenants]
    if "baseline-deny" in policies:
        exempt = _exempt(policies["baseline-deny"])
        if exempt != ["kube-system"]:
            options["exempt_namespaces"] = exempt
    else:
        options["baseline_deny"] = False
    return GuardrailsPlan(gid, int(policies["allow-dns"].spec["priority"]),
                          tuple(options.items()))


def import_guardrails(others: list[KubeObject]
                      ) -> tuple[list[GuardrailsPlan], list[tuple[str, KubeObject]],
                                 list[tuple[str, str]]]:
    """The guardrails among ``others``, the policies they stand for (by guardrails id), and
    why groups that looked like guardrails are not."""
    policies = [o for o in others if o.kind == KIND and o.api_version.startswith(GROUP)]
    ids = [o.name[:-len(DNS_SUFFIX)] for o in policies if o.name.endswith(DNS_SUFFIX)]
    found: list[GuardrailsPlan] = []
    used: list[tuple[str, KubeObject]] = []
    problems: list[tuple[str, str]] = []
    for gid in ids:
        mine = {o.name[len(gid) + 1:]: o for o in policies if o.name.startswith(f"{gid}-")}
        known = {s: o for s, o in mine.items() if s in (
            "allow-dns", "allow-monitoring", "deny-metadata", "baseline-deny")
            or s.startswith("tenant-")}
        if as_id(gid) != gid:
            problems.append((gid, "not a construct id"))
            continue
        try:
            found.append(guardrails(gid, known))
        except (NotGuardrails, TypeError, AttributeError, KeyError, ValueError) as exc:
            why = str(exc) if isinstance(exc, NotGuardrails) else "an unexpected shape"
            problems.append((gid, why))
            continue
        used += [(gid, o) for o in known.values()]
    return found, used, problems
