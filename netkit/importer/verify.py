"""The proof of an import: the generated blueprint, synthesized for its target, routes every
host and path to the same backends (and canary split) as the input, and admits the same
flows, except that flows from the old ingress controller now come from the new gateway."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from netkit.analysis.diff import FlowDiff, diff_flows
from netkit.analysis.engine import reachability
from netkit.analysis.ports import NONE, PortSet
from netkit.constructs.workload import declared
from netkit.k8s.pods import WORKLOAD_KINDS, PodTemplate
from netkit.objects import KubeObject
from netkit.tree import Blueprint
from netkit.workspace import rendered

NGINX = "nginx.ingress.kubernetes.io/"
# How the ingress-nginx Helm chart labels the controller pods, for inputs that leave them out.
CONTROLLER_LABELS = {"app.kubernetes.io/name": "ingress-nginx",
                     "app.kubernetes.io/instance": "ingress-nginx",
                     "app.kubernetes.io/component": "controller"}
_COOKIE = re.compile(r"^\(\^\|;\\s\*\)(?P<name>[^=]+)=always\(;\|\$\)$")

RouteKey = tuple[str, str, str, str]  # host, path type, path, extra match
Backends = dict[str, Fraction]  # "ns/service:port" → share of requests


@dataclass
class Routing:
    """Where requests go: (host, path type, path, match) → backend shares; redirected hosts."""

    routes: dict[RouteKey, Backends] = field(default_factory=dict)
    redirects: set[str] = field(default_factory=set)

    def lines(self) -> dict[str, str]:
        """One comparable line per route and redirect, keyed by what it routes."""
        out = {}
        for (host, kind, path, match), backends in sorted(self.routes.items()):
            what = f"{host}{path} ({kind}{', ' + match if match else ''})"
            out[what] = ", ".join(f"{b} {float(share):.4g}%"
                                  for b, share in sorted(backends.items()))
        for host in sorted(self.redirects):
            out[f"http://{host}"] = "redirect to https"
        return out


def _service_port(objects: list[KubeObject], ns: str, svc: str, port: Any) -> str:
    if isinstance(port, str):
        for o in objects:
            if o.kind == "Service" and o.namespace == ns and o.name == svc:
                for p in o.spec.get("ports") or []:
                    if isinstance(p, dict) and p.get("name") == port:
                        return f"{ns}/{svc}:{p.get('port')}"
    return f"{ns}/{svc}:{port}"


def _ingress_paths(ing: KubeObject) -> list[tuple[str, str, str, str, Any]]:
    out = []
    for rule in ing.spec.get("rules") or []:
        if not isinstance(rule, dict):
            continue
        for p in ((rule.get("http") or {}).get("paths") or []):
            backend = (p.get("backend") or {}).get("service") or {}
            port = backend.get("port") or {}
            kind = str(p.get("pathType") or "Prefix")
            out.append((str(rule.get("host") or "*"),
                        "Exact" if kind == "Exact" else "Prefix", str(p.get("path") or "/"),
                        str(backend.get("name")),
                        port.get("number") if port.get("number") is not None
                        else port.get("name")))
    return out


def routing(objects: list[KubeObject]) -> Routing:
    """The routing table of the Ingresses and HTTPRoutes among ``objects``."""
    out = Routing()
    ingresses = [o for o in objects if o.kind == "Ingress"]
    canaries = [o for o in ingresses
                if str(o.annotations.get(NGINX + "canary", "")).lower() == "true"]
    for ing in ingresses:
        if ing in canaries:
            continue
        redirect = str(ing.annotations.get(NGINX + "ssl-redirect", "true")).lower() != "false"
        forced = str(ing.annotations.get(NGINX + "force-ssl-redirect", "")).lower() == "true"
        tls_hosts = {str(h) for t in ing.spec.get("tls") or [] for h in t.get("hosts") or []}
        for host, kind, path, svc, port in _ingress_paths(ing):
            ref = _service_port(objects, ing.namespace, svc, port)
            out.routes[(host, kind, path, "")] = {ref: Fraction(100)}
            if forced or (redirect and host in tls_hosts):
                out.redirects.add(host)
    for ing in canaries:
        notes = {str(k): str(v) for k, v in ing.annotations.items()}
        for host, kind, path, svc, port in _ingress_paths(ing):
            ref = _service_port(objects, ing.namespace, svc, port)
            if notes.get(NGINX + "canary-by-header"):
                value = notes.get(NGINX + "canary-by-header-value", "always")
                out.routes[(host, kind, path, f"header {notes[NGINX + 'canary-by-header']}="
                                              f"{value}")] = {ref: Fraction(100)}
            elif notes.get(NGINX + "canary-by-cookie"):
                out.routes[(host, kind, path, f"cookie {notes[NGINX + 'canary-by-cookie']}"
                                              "=always")] = {ref: Fraction(100)}
            elif notes.get(NGINX + "canary-weight", "").isdigit():
                weight = Fraction(int(notes[NGINX + "canary-weight"]))
                stable = out.routes.get((host, kind, path, ""), {})
                out.routes[(host, kind, path, "")] = {
                    **{b: share * (100 - weight) / 100 for b, share in stable.items()},
                    ref: weight}
    listener_hosts = {(o.namespace, o.name): [str(x.get("hostname")) for x in
                                             o.spec.get("listeners") or [] if x.get("hostname")]
                      for o in objects if o.kind in ("ListenerSet", "Gateway")}
    for route in (o for o in objects if o.kind == "HTTPRoute"):
        hosts = [str(h) for h in route.spec.get("hostnames") or []] or [
            h for p in route.spec.get("parentRefs") or []
            for h in listener_hosts.get((p.get("namespace") or route.namespace,
                                         p.get("name")), [])] or ["*"]
        for rule in route.spec.get("rules") or []:
            _route_rule(out, route, hosts, rule)
    return out


def _route_rule(out: Routing, route: KubeObject, hosts: list[str], rule: dict[str, Any]
                ) -> None:
    filters = rule.get("filters") or []
    if any(f.get("type") == "RequestRedirect" and (f.get("requestRedirect") or {}).get(
            "scheme") == "https" for f in filters) and not rule.get("backendRefs"):
        out.redirects.update(hosts)
        return
    refs = [r for r in rule.get("backendRefs") or [] if isinstance(r, dict)]
    total = sum(int(r.get("weight", 1)) for r in refs)
    backends: Backends = {}
    for r in refs:
        ref = f"{r.get('namespace') or route.namespace}/{r.get('name')}:{r.get('port')}"
        if total:
            backends[ref] = backends.get(ref, Fraction(0)) + Fraction(
                100 * int(r.get("weight", 1)), total)
    for f in filters:
        if f.get("type") == "RequestMirror":
            m = (f.get("requestMirror") or {})
            b = m.get("backendRef") or {}
            backends[f"mirror {b.get('namespace') or route.namespace}/{b.get('name')}:"
                     f"{b.get('port')}"] = Fraction(int(m.get("percent", 100)))
    for match in rule.get("matches") or [{}]:
        path = match.get("path") or {}
        kind = "Exact" if path.get("type") == "Exact" else "Prefix"
        extra = []
        for h in match.get("headers") or []:
            cookie = _COOKIE.match(str(h.get("value"))) if h.get("name") == "Cookie" else None
            extra.append(f"cookie {cookie['name']}=always" if cookie and h.get(
                "type") == "RegularExpression" else f"header {h.get('name')}={h.get('value')}")
        for host in hosts:
            out.routes[(host, kind, str(path.get("value", "/")), ", ".join(extra))] = backends


@dataclass
class Verification:
    """Routing and reachability differences between the input and the imported blueprint."""

    old_edge: str
    new_edge: str
    routes_before: dict[str, str]
    routes_after: dict[str, str]
    flows: FlowDiff
    repointed: list[str]

    @property
    def routing_changes(self) -> list[str]:
        """``- what: backends`` / ``+ what: backends`` lines for routes that differ."""
        out = []
        for what in sorted(set(self.routes_before) | set(self.routes_after)):
            a, b = self.routes_before.get(what), self.routes_after.get(what)
            if a != b:
                out += [f"- route {what}: {a}"] if a is not None else []
                out += [f"+ route {what}: {b}"] if b is not None else []
        return out

    @property
    def equivalent(self) -> bool:
        """Whether nothing differs."""
        return not self.routing_changes and not self.flows.added and not self.flows.removed

    def text(self) -> str:
        """The report as text (see ``proof_report``)."""
        from netkit.importer.proof_report import text

        return text(self)

    def to_json(self) -> dict[str, Any]:
        """``{"equivalent", "edge", "repointed", "routing", "flows"}``."""
        return {"equivalent": self.equivalent,
                "edge": {"from": self.old_edge, "to": self.new_edge},
                "repointed": list(self.repointed),
                "routing": {"before": self.routes_before, "after": self.routes_after,
                            "changes": self.routing_changes},
                "flows": self.flows.to_json()}


def _flows(objects: list[KubeObject], extra: list[PodTemplate], old: str, new: str
           ) -> tuple[dict[tuple[str, str], PortSet], dict[str, set[str]]]:
    """Flows with the old controller's and the new gateway's pods as one endpoint, and the
    destinations each of the two namespaces' pods reach."""
    edge = f"{new}/*"

    def canon(namespace: str, ident: str) -> str:
        return edge if namespace in (old, new) else ident
    out: dict[tuple[str, str], PortSet] = {}
    reached: dict[str, set[str]] = {old: set(), new: set()}
    for f in reachability(objects, extra).flows():
        key = (canon(f.src.namespace, f.src.id), canon(f.dst.namespace, f.dst.id))
        if key[0] != key[1]:
            out[key] = out.get(key, NONE) | f.ports
            if f.src.namespace in reached:
                reached[f.src.namespace].add(key[1])
    return out, reached


def verify(objects: list[KubeObject], blueprint: Blueprint) -> Verification:
    """Compare ``objects`` (the input of an import) with ``blueprint`` rendered."""
    target = blueprint.target
    old, new = target.ingress_namespace, target.edge_namespace
    out_objects, _ = rendered(blueprint)
    workloads = [o for o in objects if o.kind in WORKLOAD_KINDS]
    extra = declared(blueprint)
    # The edge's pods exist on both sides (the controller before, the proxies before and
    # after: an input may be on Gateway API already), whether or not the input lists them.
    old_pods = [] if any(o.namespace == old for o in workloads) else [
        PodTemplate(old, "controller", "Deployment", dict(CONTROLLER_LABELS))]
    new_pods = [PodTemplate(new, "proxy", "Deployment", {})]
    before, reached = _flows(objects, [*extra, *old_pods, *new_pods], old, new)
    moved = reached[old] - reached[new]  # what only the old controller reached before
    after, _ = _flows(out_objects + workloads, [*extra, *new_pods], old, new)
    # what the input's policies admitted the edge to (its own egress is nobody's policy)
    governed = {o.namespace for o in objects if o.kind == "NetworkPolicy"}
    repointed = [f"{old}/* => {new}/* -> {dst} {ports.describe()}"
                 for (src, dst), ports in sorted(after.items())
                 if src == f"{new}/*" and dst in moved and dst.split("/")[0] in governed]
    return Verification(old, new, routing(objects).lines(), routing(out_objects).lines(),
                        diff_flows(before, after), repointed)
