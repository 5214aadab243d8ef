"""Entry-point checks: duplicate routes, canaries, TLS, certificates, retired ingress-nginx
(NK108-NK113)."""

from __future__ import annotations

from collections.abc import Iterator

from netkit.objects import KubeObject, as_dict, as_list
from netkit.validate.field import SPEC, Path
from netkit.validate.lint.index import Index, Report

NGINX = "nginx.ingress.kubernetes.io/"
CERT_MANAGER_ANNOTATIONS = ("cert-manager.io/cluster-issuer", "cert-manager.io/issuer")


def is_canary(item: KubeObject) -> bool:
    """Whether an Ingress is an ingress-nginx canary."""
    return str(item.annotations.get(f"{NGINX}canary", "")).lower() == "true"


def _ingress_paths(item: KubeObject) -> Iterator[tuple[Path, str, str, str]]:
    for i, rule in enumerate(item.spec.get("rules") or []):
        host = str((rule or {}).get("host") or "*")
        for j, p in enumerate(((rule or {}).get("http") or {}).get("paths") or []):
            yield (SPEC.child("rules").index(i).child("http").child("paths").index(j), host,
                   str((p or {}).get("path") or "/"), str((p or {}).get("pathType")))


def _route_paths(item: KubeObject) -> Iterator[tuple[Path, str, str, str]]:
    hosts = as_list(item.spec.get("hostnames")) or ["*"]
    for i, rule in enumerate(as_list(item.spec.get("rules"))):
        for j, match in enumerate(as_list(as_dict(rule).get("matches")) or [{}]):
            match = as_dict(match)
            if any(k in match for k in ("headers", "queryParams", "method")):
                continue
            path = as_dict(match.get("path"))
            for host in hosts:
                yield (SPEC.child("rules").index(i).child("matches").index(j), str(host),
                       str(path.get("value", "/")), str(path.get("type", "PathPrefix")))


def _parents(item: KubeObject) -> str:
    """The listeners a route attaches to: routes on different ones never collide."""
    refs = [(r.get("kind", "Gateway"), r.get("namespace") or item.namespace, r.get("name"),
             r.get("sectionName", "")) for r in as_list(item.spec.get("parentRefs"))
            if isinstance(r, dict)]
    return repr(sorted(refs))


def check(index: Index, report: Report) -> None:
    """Run the entry-point checks."""
    ingresses = index.of("Ingress")
    _duplicates(index, report, ingresses)
    _canaries(report, ingresses)
    _tls(index, report, ingresses)
    for item in ingresses:
        klass = item.spec.get("ingressClassName")
        if klass == "nginx" or any(str(k).startswith(NGINX) for k in item.annotations):
            report.add("NK113", item, "ingress-nginx was retired (maintenance ended March "
                       "2026); this Ingress gets no security fixes",
                       hint="move to Gateway API (netkit target ingress=gateway-api)")
    for item in index.of("IngressClass"):
        if item.spec.get("controller") == "k8s.io/ingress-nginx":
            report.add("NK113", item, "ingress-nginx was retired (maintenance ended March 2026)",
                       field=SPEC.child("controller"), hint="move to a Gateway API implementation")


def _duplicates(index: Index, report: Report, ingresses: list[KubeObject]) -> None:
    seen: dict[tuple[str, ...], KubeObject] = {}  # keys: (kind, [class,] host, path, path type)
    for item in ingresses:
        if is_canary(item):
            continue
        klass = str(item.spec.get("ingressClassName") or "")
        for field, host, path, kind in _ingress_paths(item):
            key: tuple[str, ...] = ("Ingress", klass, host, path, kind)
            first = seen.setdefault(key, item)
            if first is not item:
                report.add("NK108", item, f"{host}{path} ({kind}) is also routed by {first.ref}",
                           field=field, hint="route each host and path once; use a canary "
                                             "for a split")
    for item in index.of("HTTPRoute"):
        for field, host, path, kind in _route_paths(item):
            key = ("HTTPRoute", _parents(item), host, path, kind)
            first = seen.setdefault(key, item)
            if first is not item:
                report.add("NK108", item, f"{host}{path} ({kind}) is also routed by {first.ref}",
                           field=field, hint="the older route wins silently; merge them or "
                                             "split by path")


def _canaries(report: Report, ingresses: list[KubeObject]) -> None:
    main = {(item.namespace, host, path) for item in ingresses if not is_canary(item)
            for _, host, path, _ in _ingress_paths(item)}
    for item in ingresses:
        if not is_canary(item):
            continue
        for field, host, path, _ in _ingress_paths(item):
            if (item.namespace, host, path) not in main:
                report.add("NK109", item, f"canary for {host}{path} has no main Ingress with "
                           "the same host and path, so ingress-nginx ignores it", field=field,
                           hint="route the host and path in a non-canary Ingress first")


def _tls(index: Index, report: Report, ingresses: list[KubeObject]) -> None:
    secrets: dict[tuple[str, str], tuple[KubeObject, frozenset[str]]] = {}
    certificates = {(c.namespace, str(c.spec.get("secretName")))
                    for c in index.of("Certificate")}
    for item in ingresses:
        routed = {str((r or {}).get("host")) for r in item.spec.get("rules") or []}
        annotated = any(a in item.annotations for a in CERT_MANAGER_ANNOTATIONS)
        for i, tls in enumerate(item.spec.get("tls") or []):
            tls = tls or {}
            hosts = [str(h) for h in tls.get("hosts") or []]
            for j, host in enumerate(hosts):
                if host not in routed and not _covers(host, routed):
                    report.add("NK110", item, f"TLS host {host} is not routed by this Ingress",
                               field=SPEC.child("tls").index(i).child("hosts").index(j),
                               hint="add a rule for the host or drop it from tls")
            secret = tls.get("secretName")
            if not secret:
                continue
            key = (item.namespace, str(secret))
            first = secrets.setdefault(key, (item, frozenset(hosts)))
            if first[0] is not item and first[1] != frozenset(hosts):
                report.add("NK111", item, f"Secret {secret} also serves {first[0].ref} for "
                           f"other hosts ({', '.join(sorted(first[1]))})",
                           field=SPEC.child("tls").index(i).child("secretName"),
                           hint="one certificate Secret per host set")
            if annotated and key in certificates:
                report.add("NK112", item, f"both the cert-manager annotation and a Certificate "
                           f"manage Secret {secret}; they will fight over it",
                           field=SPEC.child("tls").index(i).child("secretName"),
                           hint="drop the annotation or the Certificate")


def _covers(tls_host: str, routed: set[str]) -> bool:
    if not tls_host.startswith("*."):
        return False
    suffix = tls_host[1:]
    return any(h.endswith(suffix) and "." not in h[: -len(suffix)] for h in routed)

