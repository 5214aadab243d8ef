"""NETWORK.md per namespace directory: entry points, allowed flows and policies, for auditors
who read the repository rather than run tools."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from netkit.analysis.engine import Reachability
from netkit.analysis.ports import PortSet
from netkit.k8s.calico import STAGED_KUBERNETES_KIND
from netkit.k8s.gateway_api import ROUTE_KINDS
from netkit.k8s.networking import effective_policy_types
from netkit.objects import KubeObject
from netkit.report.reachability import code
from netkit.target import DEFAULT_CLUSTER

DOC_NAME = "NETWORK.md"


def _selector(sel: dict[str, Any] | None) -> str:
    labels = (sel or {}).get("matchLabels") or {}
    exprs = (sel or {}).get("matchExpressions") or []
    parts = [f"{k}={v}" for k, v in sorted(labels.items())]
    parts += [f"{e.get('key')} {e.get('operator')} {','.join(e.get('values') or [])}".strip()
              for e in exprs]
    return ", ".join(f"`{p}`" for p in parts) or "all pods"


def _mirrored(mirror: dict[str, Any]) -> str:
    """The percentage of requests a RequestMirror copies (all, unless percent or fraction)."""
    fraction = mirror.get("fraction")
    if fraction:
        share = 100 * fraction.get("numerator", 0) / (fraction.get("denominator") or 100)
        return f"{share:g}"
    return str(mirror.get("percent", 100))


def _route_entries(kind: str, name: str, spec: dict[str, Any]) -> list[dict[str, str]]:
    """Entries of a Gateway API route: per rule, match and host. A route whose parent is a
    Service (a mesh route) is entered from inside the cluster, through that Service."""
    mesh = [f"mesh: Service {p.get('name')}" for p in spec.get("parentRefs") or []
            if p.get("kind") == "Service"]
    hosts = mesh or spec.get("hostnames") or ["*"]
    out = []
    for rule in spec.get("rules") or []:
        refs = rule.get("backendRefs") or []
        if not refs:
            continue
        backend = ", ".join(f"{r['name']}:{r.get('port')}" + (
            f" ({r['weight']}%)" if "weight" in r else "") for r in refs)
        for f in rule.get("filters") or []:
            mirror = f.get("requestMirror") or {}
            if mirror.get("backendRef"):
                ref = mirror["backendRef"]
                backend += f"; copies ({_mirrored(mirror)}%) to {ref['name']}:{ref.get('port')}"
        for match in rule.get("matches") or [{}]:
            if kind == "GRPCRoute":
                method = match.get("method") or {}
                path = "/".join(str(method[k]) for k in ("service", "method") if k in method)
                path, how = path or "*", "gRPC method"
            elif kind == "HTTPRoute":
                path = (match.get("path") or {}).get("value", "/")
                cond = ", ".join(f"{h['name']}" for h in match.get("headers") or [])
                how = f"header {cond}" if cond else "path"
            else:
                path, how = "-", {"TLSRoute": "TLS SNI"}.get(kind, kind.removesuffix("Route"))
            for host in hosts:
                out.append({"host": host, "path": path, "match": how, "backend": backend,
                            "via": f"{kind} `{name}`"})
    return out


def _entries(objects: list[dict[str, Any]]) -> list[dict[str, str]]:
    out = []
    for obj in objects:
        kind, name = obj["kind"], obj["metadata"]["name"]
        spec = obj.get("spec") or {}
        if kind in ROUTE_KINDS:
            out += _route_entries(kind, name, spec)
        elif kind == "Ingress":
            canary = (obj["metadata"].get("annotations") or {}).get(
                "nginx.ingress.kubernetes.io/canary") == "true"
            for rule in spec.get("rules") or []:
                for p in (rule.get("http") or {}).get("paths") or []:
                    svc = p["backend"]["service"]
                    out.append({"host": rule.get("host", "*"), "path": p["path"],
                                "match": "canary" if canary else p["pathType"],
                                "backend": f"{svc['name']}:{svc['port'].get('number')}",
                                "via": f"Ingress `{name}`"})
    return sorted(out, key=lambda e: (e["host"], e["path"], e["via"]))


def _policies(objects: list[dict[str, Any]]) -> list[dict[str, str]]:
    out = []
    for obj in objects:
        staged = obj["kind"] == STAGED_KUBERNETES_KIND
        if obj["kind"] != "NetworkPolicy" and not staged:
            continue
        spec = obj.get("spec") or {}
        types = effective_policy_types(spec)
        rules = [f"{len(spec.get(d) or [])} {d}" for d in ("ingress", "egress")
                 if d.capitalize() in types]
        out.append({"name": obj["metadata"]["name"], "selects": _selector(spec.get("podSelector")),
                    "types": ", ".join(types) + (" (staged: logged, not enforced)" if staged
                                                 else ""), "rules": ", ".join(rules)})
    return sorted(out, key=lambda p: p["name"])


def _flow_rows(reach: Reachability, namespaces: set[str]) -> dict[str, list[dict[str, Any]]]:
    """Namespace → a table row per flow into or out of it, in the engine's order, in one pass
    over the flows."""
    out: dict[str, list[dict[str, str]]] = {}
    described: dict[PortSet, str] = {}
    for f in reach.flows():
        ends = {f.src.namespace, f.dst.namespace} & namespaces
        if not ends:
            continue
        ports = described.get(f.ports)
        if ports is None:
            ports = described[f.ports] = f.ports.describe()
        row: dict[str, Any] = {"src": code(f.src), "dst": code(f.dst), "ports": ports,
                               "implied": f.src.implied or f.dst.implied}
        for ns in ends:
            out.setdefault(ns, []).append(row)
    return out


def documents(objects: Iterable[KubeObject], reach: Reachability,
              directories: dict[tuple[str, str], str]) -> dict[str, bytes]:
    """``<cluster>/<namespace>/NETWORK.md`` for each namespace directory."""
    by_ns: dict[tuple[str, str], list[KubeObject]] = {}
    for ro in objects:
        key = (ro.target.cluster if ro.target is not None else DEFAULT_CLUSTER, ro.namespace)
        if ro.namespace and key in directories:
            by_ns.setdefault(key, []).append(ro)
    rows = _flow_rows(reach, {ns for _, ns in by_ns})
    out = {}
    for (cluster, ns), ros in sorted(by_ns.items()):
        blueprints = ", ".join(sorted({f"`{r.blueprint}`" for r in ros}))
        text = _document(ns, cluster, blueprints, _entries([r.obj for r in ros]),
                         rows.get(ns, []), _policies([r.obj for r in ros]))
        out[f"{directories[(cluster, ns)]}/{DOC_NAME}"] = text.encode()
    return out


def _table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    return [f"| {' | '.join(header)} |", f"|{' --- |' * len(header)}",
            *(f"| {' | '.join(map(str, row))} |" for row in rows)]


def _document(ns: str, cluster: str, blueprints: str, entries: list[dict[str, str]],
              flows: list[dict[str, Any]], policies: list[dict[str, str]]) -> str:
    lines = [f"# Network of namespace `{ns}`", "",
             f"Generated by netkit from {blueprints}; do not edit by hand. Cluster `{cluster}`.",
             "", "## Entry points", ""]
    if entries:
        lines += _table(("host", "path", "match", "backend", "through"), (
            (e["host"], f"`{e['path']}`", e["match"], e["backend"], e["via"]) for e in entries))
    else:
        lines.append("No entry points: nothing outside the cluster is routed here.")
    lines += ["", "## Allowed flows", ""]
    if flows:
        lines += _table(("from", "to", "ports"), ((f["src"], f["dst"], f["ports"])
                                                  for f in flows))
        if any(f["implied"] for f in flows):
            lines += ["", "(implied): a part of the cluster that policies name and the cluster "
                      "has, though netkit's", "input omits it (see `[tool.netkit.implied]`)."]
    else:
        lines.append("No flow into or out of this namespace is allowed.")
    lines += ["", "## Policies", ""]
    if policies:
        lines += _table(("policy", "selects", "isolates", "rules"), (
            (f"`{p['name']}`", p["selects"], p["types"], p["rules"]) for p in policies))
    else:
        lines.append("No NetworkPolicy: every pod here is open in both directions.")
    return "\n".join(lines) + "\n"
