"""A BlueprintPlan as a Python blueprint file: black-style (ruff format leaves it as it is),
deterministic, with what was not carried over listed in a comment block at the top."""

from __future__ import annotations

import json
import keyword
import re
import textwrap
from dataclasses import dataclass, field
from typing import Any

from netkit.constructs.guardrails import MonitoringScrapes
from netkit.constructs.zero_trust import DnsEgress
from netkit.importer.plan import (
    DEFAULT_DNS,
    AllowPlan,
    BlueprintPlan,
    CidrRef,
    EntryPlan,
    GatewayPlan,
    GuardrailsPlan,
    NamespacePlan,
    PeerRef,
    ServicePlan,
    WorkloadRef,
    as_id,
)

LINE = 88  # black and ruff format default: the file stays as is under either
INDENT = "    "


@dataclass(frozen=True)
class Code:
    """A Python expression, rendered as written."""

    text: str


@dataclass(frozen=True)
class Call:
    """A call expression, rendered (and exploded) where it stands."""

    func: str
    args: tuple[Any, ...] = ()
    kwargs: tuple[tuple[str, Any], ...] = ()


def calling(func: str, *args: Any, **kwargs: Any) -> Call:
    """A Call of ``func``; keyword arguments that are None are left out."""
    return Call(func, args, tuple((k, v) for k, v in kwargs.items() if v is not None))


def literal(value: Any, indent: str, room: int) -> str:
    """``value`` as Python source, exploded black-style (magic trailing commas) when it does
    not fit in ``room`` columns."""
    if isinstance(value, Code):
        return value.text
    if isinstance(value, Call):
        return call(value.func, list(value.args), dict(value.kwargs), indent, LINE - room)
    if isinstance(value, str):
        return json.dumps(value)
    if value is None or isinstance(value, bool | int | float):
        return repr(value)
    if isinstance(value, dict):
        items = [(f"{literal(k, indent, room)}: ", v) for k, v in value.items()]
        return _bracketed("{", "}", items, indent, room)
    if isinstance(value, tuple):
        if len(value) == 1:
            return "(" + literal(value[0], indent, room) + ",)"
        return _bracketed("(", ")", [("", v) for v in value], indent, room)
    if isinstance(value, list):
        return _bracketed("[", "]", [("", v) for v in value], indent, room)
    raise TypeError(f"no literal for {type(value).__name__}")


def _bracketed(open_: str, close: str, items: list[tuple[str, Any]], indent: str,
               room: int) -> str:
    flat = open_ + ", ".join(p + literal(v, indent, LINE) for p, v in items) + close
    if "\n" not in flat and len(flat) <= room:
        return flat
    inner = indent + INDENT
    lines = [inner + p + literal(v, inner, LINE - len(inner) - len(p) - 1) + ","
             for p, v in items]
    return open_ + "\n" + "\n".join(lines) + "\n" + indent + close


def call(func: str, args: list[Any], kwargs: dict[str, Any], indent: str, used: int) -> str:
    """``func(args, k=v)``, exploded one argument per line when it does not fit."""
    items: list[tuple[str, Any]] = [("", a) for a in args]
    items += [(f"{k}=", v) for k, v in kwargs.items()]
    flat = func + "(" + ", ".join(p + literal(v, indent, LINE) for p, v in items) + ")"
    if "\n" not in flat and used + len(flat) <= LINE:
        return flat
    inner = indent + INDENT
    lines = [inner + p + literal(v, inner, LINE - len(inner) - len(p) - 1) + ","
             for p, v in items]
    return func + "(\n" + "\n".join(lines) + "\n" + indent + ")"


def identifier(text: str) -> str:
    """A Python identifier for ``text``."""
    out = re.sub(r"[^0-9a-zA-Z_]", "_", text).lower()
    if not out or out[0].isdigit() or keyword.iskeyword(out) or out in ("bp", "build"):
        out = "x_" + out
    return out


@dataclass
class _Writer:
    plan: BlueprintPlan
    lines: list[str] = field(default_factory=list)
    names: dict[tuple[str, ...], str] = field(default_factory=dict)
    taken: set[str] = field(default_factory=set)
    imports: set[str] = field(default_factory=set)
    uses_gateway_ref: bool = False
    ids: set[tuple[str, str]] = field(default_factory=set)
    referenced: set[tuple[str, ...]] = field(default_factory=set)

    def var(self, key: tuple[str, ...], hint: str) -> str | None:
        """A fresh variable for ``key``, or None when nothing refers to it later."""
        if key not in self.referenced:
            return None
        name = identifier(hint)
        while name in self.taken:
            name += "_"
        self.taken.add(name)
        self.names[key] = name
        return name

    def stmt(self, target: str | None, func: str, args: list[Any],
             kwargs: dict[str, Any]) -> None:
        """Add ``target = func(args, kwargs)`` (or the bare call) to the body."""
        lead = INDENT + (f"{target} = " if target else "")
        self.lines.append(lead + call(func, args, kwargs, INDENT, len(lead)))

    def peer(self, ref: PeerRef) -> Code | Call:
        """The expression for an allow() peer."""
        if isinstance(ref, WorkloadRef):
            return Code(self.names[("workload", ref.namespace, ref.name)])
        if isinstance(ref, CidrRef):
            self.imports.add("cidr")
            return calling("cidr", ref.block, except_=list(ref.excepts) or None)
        self.imports.add("any_pod_in")
        return calling("any_pod_in", ref.namespace, pods=dict(ref.pods) if ref.pods else None)


def _referenced(plan: BlueprintPlan) -> set[tuple[str, ...]]:
    """The constructs a later statement names, which therefore get a variable."""
    out: set[tuple[str, ...]] = set()
    for ns in plan.namespaces:
        if (ns.workloads or ns.allows or ns.fqdn_egress or ns.services or ns.entries
                or ns.gateways or ns.manifests):
            out.add(("ns", ns.name))
        out |= {("workload", end.namespace, end.name) for a in ns.allows
                for end in (a.src, a.dst) if isinstance(end, WorkloadRef)}
        out |= {("workload", ns.name, f.workload) for f in ns.fqdn_egress}
        out |= {("workload", ns.name, s.workload) for s in ns.services}
        for e in ns.entries:
            out.add(("entry", ns.name, e.id))
            out |= {("service", r.service_namespace or ns.name, r.service) for r in e.routes}
            out |= {("service", c.canary_namespace or ns.name, c.canary) for c in e.canaries}
    return out


def _kwargs(**values: Any) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None}


def _namespace(w: _Writer, ns: NamespacePlan) -> None:
    cls = "ZeroTrustNamespace" if ns.zero_trust else "Namespace"
    w.imports.add(cls)
    var = w.var(("ns", ns.name), ns.name)
    kw = _kwargs(labels=ns.labels or None, annotations=ns.annotations or None,
                 pod_security=ns.pod_security)
    enforcement = "staged" if ns.staged else "enforced"
    if ns.zero_trust and enforcement != w.plan.target.get("enforcement", "enforced"):
        kw["enforcement"] = enforcement
    if ns.dns is not None:
        w.imports.add("DnsEgress")
        default = DEFAULT_DNS
        kw["dns"] = calling(
            "DnsEgress", namespace=None if ns.dns.namespace == default.namespace
            else ns.dns.namespace, pod_selector=None if ns.dns.pods == default.pods
            else ns.dns.pods, node_local_address=ns.dns.node_local_address)
    w.stmt(var, cls, [Code("bp"), ns.name], kw)
    for wl in ns.workloads:
        ports = {n: (p if proto == "TCP" else calling("WorkloadPort", port=p, protocol=proto))
                 for n, (p, proto) in wl.ports.items()}
        if any(isinstance(v, Call) for v in ports.values()):
            w.imports.add("WorkloadPort")
        w.stmt(w.var(("workload", ns.name, wl.name), f"{ns.name}_{wl.name}"),
               f"{var}.workload", [wl.name], _kwargs(labels=wl.labels, ports=ports or None,
                                                     service_account=wl.service_account))


def _contents(w: _Writer, ns: NamespacePlan) -> None:
    """Entry points, gateways and kept objects (after every Service is declared)."""
    var = w.names.get(("ns", ns.name), "")
    for entry in ns.entries:
        _entry(w, var, ns, entry)
    for gw in ns.gateways:
        _gateway(w, var, gw)
    for obj in ns.manifests:
        w.imports.add("Manifest")
        w.stmt(None, "Manifest", [Code(var), _manifest_id(w, ns.name, obj), obj], {})


def _manifest_id(w: _Writer, scope: str, obj: dict[str, Any]) -> str:
    """``kind-name`` as a construct id, unique in ``scope``."""
    base = as_id(f"{obj.get('kind', '')}-{(obj.get('metadata') or {}).get('name')}")[:60]
    found, n = base, 2
    while (scope, found) in w.ids:
        found, n = f"{base}-{n}", n + 1
    w.ids.add((scope, found))
    return found


def _allow(w: _Writer, var: str, allow: AllowPlan) -> None:
    w.stmt(None, f"{var}.allow", [w.peer(allow.src)],
           _kwargs(to=w.peer(allow.dst), port=allow.port, protocol=allow.protocol,
                   end_port=allow.end_port))


def _service(w: _Writer, var: str, ns: NamespacePlan, svc: ServicePlan) -> None:
    cls = "RateLimitedService" if svc.rate else "Service"
    w.imports.add(cls)
    kw = _kwargs(workload=Code(w.names[("workload", ns.name, svc.workload)]), port=svc.port,
                 target_port=svc.target_port, protocol=svc.protocol, port_name=svc.port_name,
                 app_protocol=svc.app_protocol,
                 type=None if svc.type == "ClusterIP" else svc.type,
                 headless=svc.headless or None, node_port=svc.node_port,
                 load_balancer_source_ranges=list(svc.load_balancer_source_ranges) or None,
                 external_traffic_policy=svc.external_traffic_policy, cloud=svc.cloud,
                 internal=svc.internal or None, labels=svc.labels or None,
                 annotations=svc.annotations or None, export=svc.export or None)
    if svc.rate is not None:
        kw.update(_kwargs(rps=svc.rate.rps, rpm=svc.rate.rpm, burst=svc.rate.burst,
                          per_client_ip=svc.rate.per_client_ip,
                          allowlist=list(svc.rate.allowlist) or None,
                          status_code=svc.rate.status_code))
    w.stmt(w.var(("service", ns.name, svc.name), f"{ns.name}_{svc.name}_svc"), cls,
           [Code(var), svc.name], kw)


def _entry(w: _Writer, var: str, ns: NamespacePlan, entry: EntryPlan) -> None:
    w.imports.add("TlsIngress")
    ing = w.var(("entry", ns.name, entry.id), f"{ns.name}_{entry.id}") or ""
    kw = _kwargs(hosts=entry.hosts, issuer=entry.issuer, secret=entry.secret,
                 issuer_kind=None if entry.issuer_kind == "ClusterIssuer" else entry.issuer_kind,
                 redirect_http=None if entry.redirect_http else False,
                 hsts=None if entry.hsts else False,
                 hsts_max_age=None if entry.hsts_max_age == 31536000 else entry.hsts_max_age,
                 hsts_include_subdomains=None if entry.hsts_include_subdomains else False,
                 acme_http01=None if entry.acme_http01 or not ns.zero_trust or not entry.issuer
                 else False)
    w.stmt(ing, "TlsIngress", [Code(var), entry.id], kw)
    for route in entry.routes:
        svc = Code(w.names[("service", route.service_namespace or ns.name, route.service)])
        w.stmt(None, f"{ing}.route", [route.path, svc],
               _kwargs(port=route.port,
                       path_type=None if route.path_type == "Prefix" else route.path_type))
    for c in entry.canaries:
        stable = next(r for r in entry.routes if r.path == c.path)
        w.imports.add("CanaryRoute")
        w.stmt(None, "CanaryRoute", [Code(ing), c.id], _kwargs(
            path=c.path,
            stable=Code(w.names[("service", stable.service_namespace or ns.name, c.stable)]),
            canary=Code(w.names[("service", c.canary_namespace or ns.name, c.canary)]),
            canary_port=c.canary_port,
            weight=c.weight, header=c.header, header_value=c.header_value, cookie=c.cookie,
            mirror_percent=c.mirror_percent))


def _gateway(w: _Writer, var: str, gw: GatewayPlan) -> None:
    w.imports.update(("Gateway", "listener"))
    listeners = [calling("listener", x.name, x.port, *([x.protocol] if x.protocol != "HTTP"
                                                      else []),
                         hostname=x.hostname, tls_secret=x.tls_secret) for x in gw.listeners]
    w.stmt(None, "Gateway", [Code(var), gw.name], _kwargs(
        gateway_class=gw.gateway_class, listeners=listeners,
        allowed_routes=None if gw.allowed_routes == "All" else gw.allowed_routes,
        route_namespace_labels=gw.route_namespace_labels or None,
        allowed_listener_sets=None if gw.allowed_listener_sets == "All"
        else gw.allowed_listener_sets,
        listener_set_namespace_labels=gw.listener_set_namespace_labels or None))


def _guardrails(w: _Writer, guard: GuardrailsPlan) -> None:
    w.imports.add("ClusterGuardrails")
    kw: dict[str, Any] = {"priority": guard.priority}
    for name, value in guard.options:
        if isinstance(value, DnsEgress):
            w.imports.add("DnsEgress")
            default = DnsEgress()
            value = calling("DnsEgress", namespace=None if value.namespace == default.namespace
                            else value.namespace, pod_selector=None
                            if value.pod_selector == default.pod_selector
                            else value.pod_selector,
                            node_local_address=value.node_local_address)
        elif isinstance(value, MonitoringScrapes):
            w.imports.add("MonitoringScrapes")
            scrapes = MonitoringScrapes()
            value = calling("MonitoringScrapes", namespace=None
                            if value.namespace == scrapes.namespace else value.namespace,
                            pods=None if value.pods == scrapes.pods else value.pods,
                            ports=None if value.ports == scrapes.ports else value.ports)
        kw[name] = value
    w.stmt(None, "ClusterGuardrails", [Code("bp"), guard.id], kw)


def _header(plan: BlueprintPlan) -> list[str]:
    lines = [f'"""Network blueprint {plan.name!r}, imported by `netkit import`.', ""]
    lines += textwrap.wrap("From: " + ", ".join(plan.sources or ["objects"]), LINE,
                           break_long_words=False, break_on_hyphens=False)
    lines += ['"""', ""]
    if plan.notes:
        lines.append("# Not carried over, or carried differently (review before deploying):")
        for note in plan.notes:
            lines += textwrap.wrap(note.line(), LINE, initial_indent="# - ",
                                   subsequent_indent="#   ", break_on_hyphens=False)
        lines.append("")
    return lines


def _imports(names: set[str], gateway_ref: bool) -> list[str]:
    constructs = sorted(names, key=lambda n: (n[0].islower(), n))
    out = ["from netkit import Blueprint, GatewayRef, Target" if gateway_ref
           else "from netkit import Blueprint, Target"]
    if constructs:
        out.append("from netkit.constructs import " + _import_list(constructs))
    return out


def _import_list(names: list[str]) -> str:
    flat = ", ".join(names)
    if len("from netkit.constructs import ") + len(flat) <= LINE:
        return flat
    return "(\n" + "".join(f"{INDENT}{n},\n" for n in names) + ")"


def render(plan: BlueprintPlan) -> str:
    """The blueprint file's text."""
    w = _Writer(plan, referenced=_referenced(plan))
    target: dict[str, Any] = {k: v for k, v in plan.target.items() if "." not in k}
    gateway = {k.split(".", 1)[1]: v for k, v in plan.target.items()
               if k.startswith("shared_gateway.")}
    if gateway:
        w.uses_gateway_ref = True
        target["shared_gateway"] = calling("GatewayRef", **gateway)
    w.stmt("bp", "Blueprint", [plan.name], {"target": calling("Target", **target)})
    # Namespaces and workloads first, then allows and Services, which may name another
    # namespace's, then what routes to Services.
    for ns in plan.namespaces:
        _namespace(w, ns)
    for ns in plan.namespaces:
        for allow in ns.allows:
            _allow(w, w.names[("ns", ns.name)], allow)
        for fq in ns.fqdn_egress:
            w.stmt(None, f"{w.names[('ns', ns.name)]}.allow_egress_fqdn", [
                Code(w.names[("workload", ns.name, fq.workload)]), fq.fqdn], _kwargs(
                port=fq.port, protocol=None if fq.protocol == "TCP" else fq.protocol))
    for ns in plan.namespaces:
        for svc in ns.services:
            _service(w, w.names[("ns", ns.name)], ns, svc)
    for ns in plan.namespaces:
        _contents(w, ns)
    for gc in plan.gateway_classes:
        w.imports.add("GatewayClass")
        w.stmt(None, "GatewayClass", [Code("bp"), gc.name], _kwargs(
            controller_name=gc.controller_name, description=gc.description))
    for guard in plan.guardrails:
        _guardrails(w, guard)
    for issuer in plan.issuers:
        w.imports.add("ClusterIssuer")
        w.stmt(None, "ClusterIssuer", [Code("bp"), issuer.name], _kwargs(
            email=issuer.email, server=None if issuer.server == "production" else issuer.server,
            private_key_secret=issuer.private_key_secret))
    for obj in plan.cluster_manifests:
        w.imports.add("Manifest")
        w.stmt(None, "Manifest", [Code("bp"), _manifest_id(w, "", obj), obj], {})
    w.lines.append(INDENT + "return bp")
    body = ['def build(env: str = "prod") -> Blueprint:',
            f'{INDENT}"""The imported network (one environment: ``env`` is not used)."""',
            *w.lines]
    head = [*_header(plan), *_imports(w.imports, w.uses_gateway_ref)]
    return "\n".join([*head, "", "", *body]) + "\n"
