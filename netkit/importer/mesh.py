"""The Istio objects a mesh target renders for zero-trust namespaces (STRICT mTLS, allow-nothing,
an ALLOW policy per destination) back to ``Target(mesh="istio", trust_domain=...)`` and the
workloads' service accounts; whether the blueprint renders them again exactly is checked once
it renders."""

from __future__ import annotations

from typing import Any

from netkit.importer.inventory import cleaned
from netkit.importer.plan import BlueprintPlan, RenderedAgain, WorkloadRef
from netkit.objects import KubeObject
from netkit.render.namespace import MESH_ANNOTATIONS, MESH_LABELS
from netkit.target import Target

GROUP = "security.istio.io/"
KINDS = ("PeerAuthentication", "AuthorizationPolicy")
DEFAULT_TRUST_DOMAIN = "cluster.local"


def _istio(obj: KubeObject) -> bool:
    return obj.kind in KINDS and obj.api_version.startswith(GROUP)


def _principals(obj: KubeObject) -> list[tuple[str, str, str]]:
    """(trust domain, namespace, service account) of each principal ``obj`` admits."""
    out = []
    for rule in obj.spec.get("rules") or []:
        for source in (rule or {}).get("from") or []:
            for p in ((source or {}).get("source") or {}).get("principals") or []:
                domain, sep, rest = str(p).partition("/ns/")
                namespace, sep2, account = rest.partition("/sa/")
                if sep and sep2 and account:
                    out.append((domain, namespace, account))
    return out


def mesh_fields(objects: list[KubeObject]) -> dict[str, str]:
    """Target fields for the Istio mesh whose namespace-wide objects (STRICT mTLS and
    allow-nothing) are in the input, with its trust domain when all principals agree on one
    other than the default."""
    strict = {o.namespace for o in objects if _istio(o) and o.kind == "PeerAuthentication"
              and o.name == "default" and o.spec == {"mtls": {"mode": "STRICT"}}}
    closed = {o.namespace for o in objects if _istio(o) and o.kind == "AuthorizationPolicy"
              and o.name == "allow-nothing" and not o.spec}
    if not strict & closed:
        return {}
    domains = {d for o in objects if _istio(o) for d, _, _ in _principals(o)}
    found = {"mesh": "istio"}
    if len(domains) == 1 and DEFAULT_TRUST_DOMAIN not in domains:
        found["trust_domain"] = domains.pop()
    return found


def _rendered_name(name: str) -> bool:
    return name in ("default", "allow-nothing") or name.startswith(("allow-", "plaintext-"))


def import_mesh(others: list[KubeObject], plan: BlueprintPlan, target: Target
                ) -> list[KubeObject]:
    """Service accounts from the principals of the Istio policies of zero-trust namespaces,
    whose objects the mesh target renders again; the rest of ``others``."""
    if target.mesh != "istio":
        return others
    zero_trust = {ns.name for ns in plan.namespaces if ns.zero_trust}
    for ns in plan.namespaces:
        if ns.zero_trust:  # the labels and annotations the mesh puts on its namespaces
            ns.labels = _without(ns.labels, MESH_LABELS[target.mesh])
            ns.annotations = _without(ns.annotations, MESH_ANNOTATIONS[target.mesh])
    mine = [o for o in others if _istio(o) and o.namespace in zero_trust
            and _rendered_name(o.name)]
    for obj in mine:
        if obj.kind == "AuthorizationPolicy":
            _service_accounts(obj, plan)
        plan.rendered_again.append(RenderedAgain(cleaned(obj.obj), ("mesh", obj.namespace)))
    return [o for o in others if all(o is not m for m in mine)]


def _without(values: dict[str, str], rendered: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in values.items() if rendered.get(k) != v}


def _service_accounts(policy: KubeObject, plan: BlueprintPlan) -> None:
    """Name the service accounts of the inferred workloads that are clients of ``policy``'s
    destination, matching its principals to them in the order the allows list them."""
    labels: Any = (policy.spec.get("selector") or {}).get("matchLabels")
    ns = plan.namespace(policy.namespace)
    dst = next((w for w in ns.workloads if labels and w.labels == labels), None)
    if dst is None:
        return
    target = WorkloadRef(ns.name, dst.name)
    sources = list(dict.fromkeys(a.src for other in plan.namespaces for a in other.allows
                                 if a.dst == target and isinstance(a.src, WorkloadRef)))
    principals = list(dict.fromkeys((n, a) for _, n, a in _principals(policy)))
    for namespace in {n for n, _ in principals}:
        clients = [plan.namespace(s.namespace).workload(s.name) for s in sources
                   if isinstance(s, WorkloadRef) and s.namespace == namespace]
        known = {c.service_account or "default" for c in clients if c and not c.inferred}
        unknown = [c for c in clients if c and c.inferred]
        accounts = [a for n, a in principals if n == namespace and a not in known]
        if len(unknown) == len(accounts):
            for client, account in zip(unknown, accounts, strict=True):
                client.service_account = None if account == "default" else account
