"""Defence in depth: a flow between workloads that NetworkPolicy allows and the mesh's
identity-based authorization denies, or the other way round (NK140)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from netkit.findings import Finding
from netkit.k8s.istio import principal
from netkit.k8s.linkerd import DEFAULT_INBOUND_POLICY
from netkit.k8s.pods import PodTemplate, pod_template
from netkit.k8s.selectors import matches
from netkit.objects import KubeObject

ISTIO_GROUP = "security.istio.io/"
LINKERD_GROUP = "policy.linkerd.io/"


@dataclass(frozen=True)
class Verdict:
    """The mesh's answer for one connection and the object that decided it."""

    allowed: bool
    by: KubeObject


class Undecidable(Exception):
    """The mesh policy uses a condition netkit cannot evaluate statically."""


def disagreements(objects: Sequence[KubeObject], workloads: Iterable[PodTemplate] = ()
                  ) -> list[Finding]:
    """NK140 for every workload pair and TCP port of a meshed destination where the two
    layers disagree; nothing when the input holds no mesh authorization."""
    mesh = [o for o in objects if o.api_version.startswith((ISTIO_GROUP, LINKERD_GROUP))]
    if not mesh:
        return []
    templates = {t.id: t for t in workloads}
    for o in objects:
        if (t := pod_template(o.obj)) is not None:
            templates.setdefault(t.id, t)
    from netkit.analysis.engine import reachability  # only for inputs with a mesh

    namespaces = {o.name: o for o in objects if o.kind == "Namespace"}
    reach = reachability(objects, templates.values())
    out = []
    for dst in templates.values():
        for src in templates.values():
            if src.id == dst.id:
                continue
            for port in sorted({p.port for p in dst.ports if p.protocol == "TCP"}):
                try:
                    verdict = _mesh(mesh, namespaces.get(dst.namespace), src, dst, port)
                except Undecidable:
                    continue
                if verdict is None:
                    continue
                network = reach.allowed(src.id, dst.id, port)
                if network != verdict.allowed:
                    out.append(_finding(verdict, src, dst, port, network))
    return out


def _finding(verdict: Verdict, src: PodTemplate, dst: PodTemplate, port: int,
             network: bool) -> Finding:
    said = ("NetworkPolicy allows it but the mesh denies it" if network
            else "the mesh allows it but NetworkPolicy denies it")
    fix = ("authorize the client's service account in the mesh, or remove the NetworkPolicy "
           "allow" if network else "allow the flow in NetworkPolicy too, or narrow the mesh "
           "authorization to the clients NetworkPolicy admits")
    return Finding.on("NK140", verdict.by, f"{src.id} -> {dst.id} TCP {port}: {said} "
                      f"(decided by {verdict.by.kind}/{verdict.by.name})", hint=fix)


def _mesh(mesh: list[KubeObject], namespace: KubeObject | None, src: PodTemplate,
          dst: PodTemplate, port: int) -> Verdict | None:
    """The mesh's verdict on ``src`` → ``dst``:``port``, None when no mesh policy applies."""
    local = [o for o in mesh if o.namespace == dst.namespace]
    istio = [o for o in local if o.api_version.startswith(ISTIO_GROUP)
             and o.kind == "AuthorizationPolicy" and _selects(o.spec.get("selector"), dst)]
    if istio:
        return _istio(istio, src, dst, port)
    servers = [o for o in local if o.kind == "Server" and _serves(o, dst, port)]
    if servers:
        return _linkerd(local, servers[0], src)
    if namespace is not None and local and (
            (namespace.obj.get("metadata") or {}).get("annotations") or {}).get(
                DEFAULT_INBOUND_POLICY) == "deny":
        return Verdict(False, namespace)
    return None


def _selects(selector: Any, dst: PodTemplate) -> bool:
    return selector is None or matches(selector, dst.labels)


def _istio(policies: list[KubeObject], src: PodTemplate, dst: PodTemplate, port: int
           ) -> Verdict | None:
    """Istio's order: a matching DENY denies, then any ALLOW policy must match."""
    allows = []
    for policy in policies:
        action = policy.spec.get("action", "ALLOW")
        if action not in ("ALLOW", "DENY"):
            raise Undecidable(action)  # CUSTOM and AUDIT depend on things outside the input
        hit = any(_istio_rule(r or {}, src, port) for r in policy.spec.get("rules") or [])
        if action == "DENY" and hit:
            return Verdict(False, policy)
        if action == "ALLOW":
            allows.append((policy, hit))
    if not allows:
        return None
    for policy, hit in allows:
        if hit:
            return Verdict(True, policy)
    return Verdict(False, allows[0][0])


def _istio_rule(rule: dict[str, Any], src: PodTemplate, port: int) -> bool:
    if rule.get("when"):
        raise Undecidable("when")
    froms = rule.get("from")
    if froms is not None and not any(_istio_source((f or {}).get("source") or {}, src)
                                     for f in froms):
        return False
    tos = rule.get("to")
    return tos is None or any(_istio_operation((t or {}).get("operation") or {}, port)
                              for t in tos)


def _istio_source(source: dict[str, Any], src: PodTemplate) -> bool:
    known = {"principals", "namespaces", "notPrincipals", "notNamespaces"}
    if set(source) - known:
        raise Undecidable(", ".join(sorted(set(source) - known)))
    checks = [("principals", True), ("namespaces", True), ("notPrincipals", False),
              ("notNamespaces", False)]
    return all(any(_glob(v, _identity(key, v, src)) for v in source[key]) == wanted
               for key, wanted in checks if key in source)


def _identity(key: str, pattern: str, src: PodTemplate) -> str:
    """What ``pattern`` of ``key`` is matched against: the namespace, or the principal in the
    pattern's own trust domain (netkit does not know the mesh's trust domain aliases)."""
    if key in ("namespaces", "notNamespaces"):
        return src.namespace
    domain = pattern.split("/ns/")[0] if "/ns/" in pattern else "cluster.local"
    return principal(domain, src.namespace, src.service_account)


def _istio_operation(operation: dict[str, Any], port: int) -> bool:
    if set(operation) - {"ports", "notPorts"}:
        raise Undecidable("HTTP operation")  # methods and paths are per request
    if "ports" in operation and str(port) not in map(str, operation["ports"]):
        return False
    return str(port) not in map(str, operation.get("notPorts") or [])


def _glob(pattern: str, value: str) -> bool:
    """Istio's string match: exact, ``*``, ``prefix*`` or ``*suffix``."""
    if pattern == "*":
        return True
    if pattern.endswith("*"):
        return value.startswith(pattern[:-1])
    if pattern.startswith("*"):
        return value.endswith(pattern[1:])
    return pattern == value


def _serves(server: KubeObject, dst: PodTemplate, port: int) -> bool:
    if not matches(server.spec.get("podSelector") or {}, dst.labels):
        return False
    wanted = server.spec.get("port")
    return wanted == port or any(p.name == wanted and p.port == port for p in dst.ports)


def _linkerd(local: list[KubeObject], server: KubeObject, src: PodTemplate) -> Verdict:
    """A Server admits a client when an AuthorizationPolicy on it has every required
    authentication satisfied by the client's identity."""
    authns = {o.name: o for o in local if o.kind == "MeshTLSAuthentication"}
    for policy in local:
        target = policy.spec.get("targetRef") or {}
        if policy.kind != "AuthorizationPolicy" or not policy.api_version.startswith(
                LINKERD_GROUP) or target.get("kind") != "Server" or \
                target.get("name") != server.name:
            continue
        refs = policy.spec.get("requiredAuthenticationRefs") or []
        if all(_authenticated(authns, ref, src) for ref in refs):
            return Verdict(True, policy)
    return Verdict(False, server)


def _authenticated(authns: dict[str, KubeObject], ref: dict[str, Any], src: PodTemplate
                   ) -> bool:
    if ref.get("kind") != "MeshTLSAuthentication":
        raise Undecidable(str(ref.get("kind")))  # network and other authentications
    authn = authns.get(str(ref.get("name")))
    if authn is None:
        return False
    identity = f"{src.service_account}.{src.namespace}.serviceaccount.identity.linkerd."
    if any(i == "*" or str(i).startswith(identity) for i in authn.spec.get("identities") or []):
        return True
    for r in authn.spec.get("identityRefs") or []:
        if r.get("kind") == "ServiceAccount" and r.get("name") in (src.service_account, "*") \
                and r.get("namespace", authn.namespace) == src.namespace:
            return True
        if r.get("kind") == "Namespace" and r.get("name") in (src.namespace, "*"):
            return True
    return False
