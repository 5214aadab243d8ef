"""Gateway API entry points (a ListenerSet with its HTTPRoutes, redirect route, Certificate
and rate-limit policy) back to TlsIngress, CanaryRoute and RateLimitedService; what does
not fit is kept as it is."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field
from typing import Any

from netkit.importer.entries import construct_id
from netkit.importer.limits import fit
from netkit.importer.plan import CanaryPlan, EntryPlan, NamespacePlan, Note, RatePlan, RoutePlan
from netkit.objects import KubeObject
from netkit.spec import RateLimit
from netkit.target import Target

HSTS = re.compile(r"^max-age=(?P<age>\d+)(?P<sub>; includeSubDomains)?$")
COOKIE = re.compile(r"^\(\^\|;\\s\*\)(?P<name>[^=]+)=always\(;\|\$\)$")
ENVOY_UNLIMITED = 4294967295
UNITS = {"Second": "rps", "Minute": "rpm"}


class NotImported(Exception):
    """Objects no construct stands for; the message says why (they are kept as they are)."""


@dataclass
class GatewayObjects:
    """The Gateway API and cert-manager objects of one namespace."""

    listener_sets: list[KubeObject]
    routes: list[KubeObject]
    certificates: list[KubeObject]
    rate_limits: list[KubeObject]
    namespaces: dict[str, NamespacePlan]
    grants: list[KubeObject]
    target: Target
    consumed: list[KubeObject] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)


Backend = tuple[str, int | None, str | None]  # Service, port (None: its own), namespace


def _backend(namespaces: dict[str, NamespacePlan], ref: dict[str, Any], route: KubeObject
             ) -> Backend:
    if ref.get("kind", "Service") != "Service" or ref.get("group", "") != "":
        raise NotImported(f"{route.ref} routes to a {ref.get('kind')}, not a Service")
    other = ref.get("namespace")
    home = namespaces.get(str(other or route.namespace))
    name = str(ref.get("name"))
    plan = home.service(name) if home else None
    if plan is None:
        raise NotImported(f"{route.ref}: backend Service {name} is not imported as a Service "
                          "construct")
    port = ref.get("port")
    if port is not None and port != plan.port:
        raise NotImported(f"{route.ref}: port {port} is not the port of Service {name}")
    return name, None, None if other in (None, route.namespace) else str(other)


def _hsts(rule: dict[str, Any], route: KubeObject) -> tuple[int, bool] | None:
    found = None
    for f in rule.get("filters") or []:
        if f.get("type") == "ResponseHeaderModifier":
            mod = f.get("responseHeaderModifier") or {}
            sets = mod.get("set") or []
            if set(mod) != {"set"} or len(sets) != 1 or str(
                    sets[0].get("name", "")).lower() != "strict-transport-security":
                raise NotImported(f"{route.ref} modifies response headers beyond HSTS")
            m = HSTS.match(str(sets[0].get("value", "")))
            if m is None:
                raise NotImported(f"{route.ref}: HSTS value {sets[0].get('value')!r} is not "
                                  "max-age=N[; includeSubDomains]")
            found = (int(m["age"]), bool(m["sub"]))
        elif f.get("type") != "RequestMirror":
            raise NotImported(f"{route.ref} uses a {f.get('type')} filter")
    return found


def _match(rule: dict[str, Any], route: KubeObject) -> tuple[str, str, dict[str, Any] | None]:
    matches = rule.get("matches") or [{}]
    if len(matches) != 1 or set(matches[0]) - {"path", "headers"}:
        raise NotImported(f"{route.ref} has a rule with several matches or non-path matches")
    path = matches[0].get("path") or {"type": "PathPrefix", "value": "/"}
    kinds = {"PathPrefix": "Prefix", "Exact": "Exact"}
    if path.get("type", "PathPrefix") not in kinds:
        raise NotImported(f"{route.ref} matches paths by {path.get('type')}")
    headers = matches[0].get("headers") or []
    if len(headers) > 1:
        raise NotImported(f"{route.ref} matches several headers")
    return (str(path.get("value", "/")), kinds[path.get("type", "PathPrefix")],
            headers[0] if headers else None)


class _Entry:
    """One ListenerSet being turned into a TlsIngress."""

    def __init__(self, ns: NamespacePlan, objs: GatewayObjects, ls: KubeObject) -> None:
        self.ns, self.objs, self.ls = ns, objs, ls
        self.namespaces = objs.namespaces
        self.used: list[KubeObject] = [ls]
        self.rates: dict[str, tuple[RatePlan, KubeObject]] = {}
        self.notes: list[Note] = []

    def build(self) -> EntryPlan:
        """The TlsIngress standing for the ListenerSet and what hangs off it."""
        listeners = [x for x in self.ls.spec.get("listeners") or [] if isinstance(x, dict)]
        secrets = set()
        for x in listeners:
            refs = (x.get("tls") or {}).get("certificateRefs") or []
            if x.get("protocol") != "HTTPS" or x.get("port") != 443 or not x.get(
                    "hostname") or len(refs) != 1 or (x.get("tls") or {}).get(
                    "mode", "Terminate") != "Terminate":
                raise NotImported(f"{self.ls.ref}: listener {x.get('name')} is not an HTTPS "
                                  "listener on 443 with a hostname and one certificate")
            secrets.add(str(refs[0].get("name")))
        if not listeners or len(secrets) != 1:
            raise NotImported(f"{self.ls.ref} has no listeners, or several certificates")
        hosts = [str(x["hostname"]) for x in listeners]
        entry = EntryPlan(construct_id(self.ls), hosts, source=self.ls.ref)
        if self.ns.service(entry.id) is not None:
            entry.id += "-ingress"
        secret = secrets.pop()
        cert = next((c for c in self.objs.certificates
                     if c.spec.get("secretName") == secret), None)
        if cert is not None and set(cert.spec.get("dnsNames") or []) == set(hosts):
            issuer = cert.spec.get("issuerRef") or {}
            entry.issuer = str(issuer.get("name"))
            entry.issuer_kind = str(issuer.get("kind") or "Issuer")
            if entry.issuer_kind not in ("Issuer", "ClusterIssuer"):
                raise NotImported(f"{cert.ref} uses issuer kind {entry.issuer_kind}")
            self.used.append(cert)
            if secret != f"{entry.id}-tls":
                self.notes.append(Note(cert.ref, "secretName", f"cert-manager now stores "
                                            f"the certificate in Secret {entry.id}-tls"))
        else:
            entry.secret = secret
        routes = [r for r in self.objs.routes if _parents(r) == [("ListenerSet", self.ls.name)]]
        if not routes:
            raise NotImported(f"no HTTPRoute attaches to {self.ls.ref}")
        hsts: set[tuple[int, bool] | None] = set()
        for route in routes:
            if set(route.spec.get("hostnames") or hosts) != set(hosts):
                raise NotImported(f"{route.ref} routes other hostnames than {self.ls.ref}")
            hsts |= self._route(route, entry)
            self.used.append(route)
        if len(hsts) != 1:
            raise NotImported(f"the routes of {self.ls.ref} set HSTS differently")
        found = hsts.pop()
        entry.hsts = found is not None
        if found is not None:
            entry.hsts_max_age, entry.hsts_include_subdomains = found
        entry.redirect_http = self._redirect(hosts)
        self._grants(entry)
        return entry

    def _grants(self, entry: EntryPlan) -> None:
        """The ReferenceGrants the TlsIngress renders for its other namespaces' Services."""
        foreign = {r.service_namespace for r in entry.routes if r.service_namespace} | {
            c.canary_namespace for c in entry.canaries if c.canary_namespace}
        for other in sorted(foreign):
            name = f"httproutes-from-{self.ns.name}-{entry.id}"
            grant = next((g for g in self.objs.grants
                          if (g.namespace, g.name) == (other, name)), None)
            if grant is None:
                raise NotImported(f"no ReferenceGrant {other}/{name} lets the routes reach "
                                  f"Services in {other}")
            self.used.append(grant)

    def _redirect(self, hosts: list[str]) -> bool:
        for r in self.objs.routes:
            rules = r.spec.get("rules") or []
            if set(r.spec.get("hostnames") or []) == set(hosts) and len(rules) == 1 and not (
                    rules[0].get("backendRefs") or rules[0].get("matches")):
                filters = rules[0].get("filters") or []
                if len(filters) == 1 and filters[0].get("type") == "RequestRedirect" and (
                        filters[0].get("requestRedirect") or {}) in (
                        {"scheme": "https"}, {"scheme": "https", "statusCode": 301}):
                    self.used.append(r)
                    return True
        return False

    def _route(self, route: KubeObject, entry: EntryPlan) -> set[tuple[int, bool] | None]:
        hsts: set[tuple[int, bool] | None] = set()
        services: set[str] = set()
        canaries: list[tuple[str, str, dict[str, Any], dict[str, Any]]] = []
        for rule in route.spec.get("rules") or []:
            hsts.add(_hsts(rule, route))
            path, kind, header = _match(rule, route)
            refs = rule.get("backendRefs") or []
            if header is not None:
                canaries.append((path, kind, header, rule))
                continue
            if not 1 <= len(refs) <= 2:
                raise NotImported(f"{route.ref} splits {path} over {len(refs)} backends")
            stable, port, stable_ns = _backend(self.namespaces, refs[0], route)
            services.add(stable)
            entry.routes.append(RoutePlan(path, kind, stable, port, stable_ns))
            mirror = [f for f in rule.get("filters") or [] if f.get("type") == "RequestMirror"]
            if len(refs) == 2:
                weights = [r.get("weight", 1) for r in refs]
                if sum(weights) != 100 or mirror:
                    raise NotImported(f"{route.ref}: weights {weights} are not percentages")
                canary, cport, canary_ns = _backend(self.namespaces, refs[1], route)
                entry.canaries.append(CanaryPlan(canary, path, stable, canary,
                                                 canary_port=cport, canary_namespace=canary_ns,
                                                 weight=weights[1]))
            elif mirror:
                spec = mirror[0].get("requestMirror") or {}
                canary, cport, canary_ns = _backend(self.namespaces,
                                                    spec.get("backendRef") or {}, route)
                entry.canaries.append(CanaryPlan(canary, path, stable, canary,
                                                 canary_port=cport, canary_namespace=canary_ns,
                                                 mirror_percent=int(spec.get("percent", 100))))
        for path, kind, header, rule in canaries:
            route_of = next((r for r in entry.routes if r.path == path and r.path_type == kind),
                            None)
            refs = rule.get("backendRefs") or []
            if route_of is None or len(refs) != 1:
                raise NotImported(f"{route.ref}: a header match on {path} without a plain rule "
                                  "for the path, or with several backends")
            canary, cport, canary_ns = _backend(self.namespaces, refs[0], route)
            cookie = COOKIE.match(str(header.get("value"))) if header.get("name") == "Cookie" \
                and header.get("type") == "RegularExpression" else None
            if cookie is None and header.get("type", "Exact") != "Exact":
                raise NotImported(f"{route.ref} matches a header by {header.get('type')}")
            value = None if cookie or header.get("value") == "always" else str(header["value"])
            entry.canaries.append(CanaryPlan(
                canary, path, route_of.service, canary, canary_port=cport,
                canary_namespace=canary_ns, header=None if cookie else str(header.get("name")),
                header_value=value,
                cookie=cookie["name"] if cookie else None))
        self._limit(route, services)
        return hsts

    def _limit(self, route: KubeObject, services: set[str]) -> None:
        policies = [p for p in self.objs.rate_limits if any(
            t.get("kind") == "HTTPRoute" and t.get("name") == route.name
            for t in p.spec.get("targetRefs") or [])]
        if not policies:
            return
        if len(policies) > 1 or len(services) != 1:
            raise NotImported(f"{route.ref} is limited by several policies, or limits several "
                              "Services together")
        self.rates[services.pop()] = (_rate(policies[0]), policies[0])
        self.used.append(policies[0])


def _rate(policy: KubeObject) -> RatePlan:
    """The RateLimitedService limit a policy netkit rendered stands for."""
    if policy.kind == "RateLimitPolicy":
        return _nginx_rate(policy)
    spec = policy.spec
    limit = spec.get("rateLimit") or {}
    if policy.kind != "BackendTrafficPolicy" or set(spec) - {
            "targetRefs", "rateLimit", "responseOverride"}:
        raise NotImported(f"{policy.ref} sets more than a rate limit")
    status = _status_override(policy, spec.get("responseOverride"))
    if limit.get("type") == "Global":
        return _envoy_global(policy, limit, status)
    if limit.get("type") != "Local":
        raise NotImported(f"{policy.ref} is neither a Local nor a Global limit")
    rules = (limit.get("local") or {}).get("rules") or []
    base = [r for r in rules if not r.get("clientSelectors")]
    exempt = [r for r in rules if r.get("clientSelectors")]
    if len(base) != 1:
        raise NotImported(f"{policy.ref} has no single default bucket")
    allow = []
    for r in exempt:
        sel = r["clientSelectors"]
        src = ((sel[0] or {}).get("sourceCIDR") or {}) if len(sel) == 1 else {}
        if src.get("type") != "Exact" or (r.get("limit") or {}).get(
                "requests") != ENVOY_UNLIMITED:
            raise NotImported(f"{policy.ref} has client rules other than exemptions")
        allow.append(str(src.get("value")))
    return _plan(policy, base[0].get("limit") or {}, allowlist=tuple(allow), status_code=status)


def _plan(policy: KubeObject, limit: dict[str, Any], **more: Any) -> RatePlan:
    key = UNITS.get(limit.get("unit"))  # type: ignore[arg-type]
    if key is None or not isinstance(limit.get("requests"), int):
        raise NotImported(f"{policy.ref} limits per {limit.get('unit')}, not per second or "
                          "minute")
    return RatePlan(**{key: limit["requests"]}, **more)


def _status_override(policy: KubeObject, value: Any) -> int | None:
    if value is None:
        return None
    if len(value) != 1 or value[0].get("match") != {"statusCodes": [
            {"type": "Value", "value": 429}]} or set(value[0].get("response") or {}) != {
            "statusCode"}:
        raise NotImported(f"{policy.ref} overrides responses beyond the rejection status")
    return int(value[0]["response"]["statusCode"])


def _envoy_global(policy: KubeObject, limit: dict[str, Any], status: int | None) -> RatePlan:
    """A per-client limit: one Distinct rule per CIDR around the allowlist."""
    rules = (limit.get("global") or {}).get("rules") or []
    blocks, limits = [], []
    for r in rules:
        sel = r.get("clientSelectors") or []
        src = ((sel[0] or {}).get("sourceCIDR") or {}) if len(sel) == 1 else {}
        if src.get("type") != "Distinct":
            raise NotImported(f"{policy.ref} has a Global rule that is not per client")
        blocks.append(str(src.get("value")))
        limits.append(r.get("limit"))
    if not rules or any(x != limits[0] for x in limits):
        raise NotImported(f"{policy.ref} limits clients differently")
    allowlist = _complement(blocks)
    plan = _plan(policy, limits[0] or {}, per_client_ip=True, allowlist=allowlist,
                 status_code=status)
    if RateLimit(rps=1, allowlist=allowlist).limited_cidrs != blocks:
        raise NotImported(f"{policy.ref}'s CIDRs are not those around an allowlist")
    return plan


def _complement(blocks: list[str]) -> tuple[str, ...]:
    """The addresses outside ``blocks``, as the fewest CIDRs."""
    left: list[Any] = [ipaddress.ip_network("0.0.0.0/0"), ipaddress.ip_network("::/0")]
    for block in blocks:
        hole = ipaddress.ip_network(block, strict=False)
        left = [piece for net in left for piece in (
            [net] if net.version != hole.version or not net.overlaps(hole)
            else [] if net.subnet_of(hole) else list(net.address_exclude(hole)))]
    out = [str(n) for v in (4, 6)
           for n in ipaddress.collapse_addresses([x for x in left if x.version == v])]
    return tuple(out)


def _nginx_rate(policy: KubeObject) -> RatePlan:
    spec = policy.spec
    limit = spec.get("rateLimit") or {}
    rules = (limit.get("local") or {}).get("rules") or []
    if set(spec) != {"targetRefs", "rateLimit"} or set(limit) - {"local", "rejectCode"} or (
            len(rules) != 1):
        raise NotImported(f"{policy.ref} is not one local NGINX limit")
    rule = rules[0]
    m = re.fullmatch(r"(\d+)r/([sm])", str(rule.get("rate", "")))
    keys = {"$binary_remote_addr": None, "$server_name": False}
    if m is None or rule.get("key") not in keys or set(rule) - {"zoneSize", "key", "rate",
                                                              "burst"}:
        raise NotImported(f"{policy.ref} has a rate, key or option netkit does not render")
    unit = "Second" if m[2] == "s" else "Minute"
    return _plan(policy, {"requests": int(m[1]), "unit": unit}, burst=rule.get("burst"),
                 per_client_ip=keys[rule["key"]], status_code=limit.get("rejectCode"))


def _parents(route: KubeObject) -> list[tuple[str, str]]:
    return [(str(p.get("kind", "Gateway")), str(p.get("name")))
            for p in route.spec.get("parentRefs") or [] if isinstance(p, dict)]


def import_gateway_api(ns: NamespacePlan, objs: GatewayObjects) -> None:
    """Turn each ListenerSet of ``ns`` (and what hangs off it) into a TlsIngress; record the
    objects used in ``objs.consumed`` and what was kept in ``objs.notes``."""
    for ls in objs.listener_sets:
        builder = _Entry(ns, objs, ls)
        try:
            entry = builder.build()
        except (TypeError, AttributeError, KeyError, ValueError) as exc:
            objs.notes.append(Note(ls.ref, "ListenerSet", f"kept as a Manifest with its "
                                                          f"routes: a field has an unexpected "
                                                          f"shape ({type(exc).__name__})"))
            continue
        except NotImported as exc:
            objs.notes.append(Note(ls.ref, "ListenerSet", f"kept as a Manifest with its "
                                                          f"routes: {exc}"))
            continue
        for svc, (rate, policy) in builder.rates.items():
            plan = ns.service(svc)
            assert plan is not None
            plan.rate, dropped = fit(rate, objs.target)
            objs.notes += [Note(policy.ref, what, why) for what, why in dropped]
        ns.entries.append(entry)
        objs.consumed += builder.used
        objs.notes += builder.notes
