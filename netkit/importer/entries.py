"""Ingresses (networking.k8s.io/v1, ingress-nginx annotations) to TlsIngress entry points,
canary routes and rate limits; what cannot be carried over becomes a Note."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from netkit.importer.annotations import NGINX, handling
from netkit.importer.limits import fit, limiter
from netkit.importer.plan import (
    CanaryPlan,
    EntryPlan,
    NamespacePlan,
    Note,
    RatePlan,
    RoutePlan,
    as_id,
)
from netkit.k8s.meta import CONSTRUCT_ANNOTATION
from netkit.objects import KubeObject
from netkit.spec import canonical_network, host_errors
from netkit.target import Target

DEFAULT_BURST_MULTIPLIER = 5  # ingress-nginx's limit-burst-multiplier when not set
CANARY_KEYS = ("canary-by-header", "canary-by-cookie", "canary-weight")  # nginx's precedence


class NotAnEntry(Exception):
    """An Ingress no TlsIngress can stand for; the message says why (it is kept as is)."""


@dataclass
class Entries:
    """The entry points imported into one namespace, and the notes they left."""

    ns: NamespacePlan
    target: Target
    notes: list[Note] = field(default_factory=list)
    canaries: list[KubeObject] = field(default_factory=list)
    limits: dict[str, tuple[RatePlan, str]] = field(default_factory=dict)

    def note(self, ing: KubeObject, subject: str, reason: str) -> None:
        """Record what of ``ing`` is not carried over."""
        self.notes.append(Note(ing.ref, subject, reason))

    def add(self, ing: KubeObject) -> None:
        """Import ``ing``: a canary Ingress waits for its stable routes; others become one
        TlsIngress per set of hosts routing the same paths (raises NotAnEntry when none can
        stand for it)."""
        notes = ing.annotations
        klass = ing.spec.get("ingressClassName") or notes.get("kubernetes.io/ingress.class")
        if klass is not None and klass != self.target.ingress_class:
            raise NotAnEntry(f"its class is {klass!r}, not ingress-nginx's "
                             f"({self.target.ingress_class!r}; --target ingress_class=... "
                             "names another)")
        if str(notes.get(NGINX + "canary", "")).lower() == "true":
            self.canaries.append(ing)
            return
        for entry in self._entries(ing):
            same = next((e for e in self.ns.entries if e.id == entry.id), None)
            if same is None:
                self.ns.entries.append(entry)
            elif same.hosts == entry.hosts and not {r.path for r in same.routes} & {
                    r.path for r in entry.routes}:
                # one TlsIngress that netkit rendered as several Ingresses (a rate-limited
                # Service gets an Ingress of its own)
                same.routes += entry.routes
                same.issuer = same.issuer or entry.issuer
                if entry.issuer is not None:
                    same.issuer_kind = entry.issuer_kind
            else:
                raise NotAnEntry(f"another Ingress made TlsIngress {entry.id!r} already")

    def _entries(self, ing: KubeObject) -> list[EntryPlan]:
        spec = ing.spec
        rules = [r for r in spec.get("rules") or [] if isinstance(r, dict)]
        if spec.get("defaultBackend"):
            raise NotAnEntry("it has a defaultBackend; TlsIngress routes named hosts only")
        if not rules or any(not r.get("host") for r in rules):
            raise NotAnEntry("a rule without host; TlsIngress routes named hosts only")
        tls = [t for t in spec.get("tls") or [] if isinstance(t, dict)]
        if not tls:
            raise NotAnEntry("no spec.tls: it serves plain HTTP, and TlsIngress serves HTTPS")
        groups: dict[tuple[Path, ...], list[str]] = {}
        for rule in rules:
            if errs := host_errors(str(rule["host"])):
                raise NotAnEntry(f"host {rule['host']!r} {errs[0]}")
            hosts = groups.setdefault(tuple(_paths(rule)), [])
            if str(rule["host"]) not in hosts:
                hosts.append(str(rule["host"]))
        tls_hosts = {str(h) for t in tls for h in t.get("hosts") or []}
        all_hosts = [h for hosts in groups.values() for h in hosts]
        if missing := [h for h in all_hosts if h not in tls_hosts]:
            self.note(ing, "spec.tls", f"hosts {', '.join(missing)} had no certificate; the "
                                       "TlsIngress serves them over HTTPS")
        base = construct_id(ing)
        entries = []
        for index, (paths, hosts) in enumerate(groups.items()):
            entry_id = base if len(groups) == 1 else f"{base}-{index + 1}"
            if self.ns.service(entry_id) is not None:
                entry_id += "-ingress"  # a Service of that name shares the namespace's scope
            entries.append(self._entry(ing, entry_id, hosts, list(paths), tls))
        if len(groups) > 1:
            self.note(ing, "rules", f"its hosts route different paths: split into TlsIngresses "
                                    f"{', '.join(e.id for e in entries)}")
        self._annotations(ing, entries)
        return entries

    def _entry(self, ing: KubeObject, entry_id: str, hosts: list[str], paths: list[Path],
               tls: list[dict[str, Any]]) -> EntryPlan:
        entry = EntryPlan(entry_id, hosts, source=ing.ref)
        for path, path_type, svc, port in paths:
            if self.ns.service(svc) is None:
                raise NotAnEntry(f"its backend Service {svc} is not imported as a Service "
                                 "construct")
            if path_type == "ImplementationSpecific":
                self.note(ing, f"path {path}", "ImplementationSpecific is routed as Prefix "
                                               "(ingress-nginx's reading without use-regex)")
                path_type = "Prefix"
            entry.routes.append(RoutePlan(path, path_type, svc, self._port(svc, port)))
        secrets = {str(t.get("secretName")) for t in tls if t.get("secretName") and (
            not t.get("hosts") or set(hosts) & {str(h) for h in t.get("hosts") or []})}
        entry.secret = secrets.pop() if len(secrets) == 1 else None
        return entry

    def _port(self, svc: str, port: int | str | None) -> int | None:
        plan = self.ns.service(svc)
        assert plan is not None
        if port is None or port == plan.port or (
                isinstance(port, str) and port == (plan.port_name or plan.target_port)):
            return None
        raise NotAnEntry(f"backend port {port} is not the port of Service {svc}")

    def _annotations(self, ing: KubeObject, entries: list[EntryPlan]) -> None:
        """Apply the carried annotations to ``entries``; note the others."""
        notes = {str(k): str(v) for k, v in ing.annotations.items()}
        issuer: tuple[str, str] | None = None
        redirect = True
        cidrs: tuple[str, ...] = ()
        for k, v in sorted(notes.items()):
            found = handling(k)
            if found is None:
                continue
            if not found.carried:
                self.note(ing, f"{k}={v}", found.note)
            elif k == "cert-manager.io/cluster-issuer":
                issuer = (v, "ClusterIssuer")
            elif k == "cert-manager.io/issuer":
                issuer = (v, "Issuer")
            elif k == NGINX + "ssl-redirect":
                redirect = v.lower() != "false" or (
                    notes.get(NGINX + "force-ssl-redirect", "").lower() == "true")
            elif k == NGINX + "backend-protocol":
                self._backend_protocol(ing, v)
            elif k.endswith("list-source-range"):
                cidrs = self._client_cidrs(ing, k, v)
            elif k.startswith(NGINX + "canary"):
                self.note(ing, f"{k}={v}", "canary annotations without canary: 'true' have no "
                                           "effect")
        for entry in entries:
            entry.redirect_http = redirect
            entry.client_cidrs = cidrs
            if issuer is None:
                if entry.secret is None:
                    raise NotAnEntry(f"the TLS entries for {', '.join(entry.hosts)} name "
                                     "several Secrets (or none); a TlsIngress has one")
                continue
            if entry.secret not in (None, f"{entry.id}-tls"):
                self.note(ing, "spec.tls secretName", f"cert-manager now stores the "
                                                      f"certificate of {entry.id} in Secret "
                                                      f"{entry.id}-tls")
            entry.issuer, entry.issuer_kind = issuer
            entry.secret = None
        self._limit(ing, notes)

    def _client_cidrs(self, ing: KubeObject, key: str, value: str) -> tuple[str, ...]:
        if (self.target.ingress, self.target.gateway) != ("gateway-api", "envoy-gateway"):
            self.note(ing, f"{key}={value}", "only Envoy Gateway's SecurityPolicy can restrict "
                                             "clients by address; this target has none")
            return ()
        cidrs = tuple(x.strip() for x in value.split(",") if x.strip())
        for block in cidrs:
            try:
                canonical_network(block)
            except ValueError as exc:
                self.note(ing, f"{key}={value}", f"{block}: {exc}")
                return ()
        return cidrs

    def _backend_protocol(self, ing: KubeObject, value: str) -> None:
        proto = value.upper()
        if proto == "HTTP":
            return
        if proto != "GRPC":
            self.note(ing, f"{NGINX}backend-protocol={value}",
                      "backend TLS and AJP/FastCGI need policies netkit does not render")
            return
        for _, _, svc, _ in _paths_of(ing):
            plan = self.ns.service(svc)
            if plan is not None:
                plan.app_protocol = "kubernetes.io/h2c"

    def _limit(self, ing: KubeObject, notes: dict[str, str]) -> None:
        rps, rpm = notes.get(NGINX + "limit-rps"), notes.get(NGINX + "limit-rpm")
        if rps is None and rpm is None:
            return
        try:
            rate = int(rps if rps is not None else rpm or "")
            multiplier = int(notes.get(NGINX + "limit-burst-multiplier", "0"))
        except ValueError:
            self.note(ing, "limit-rps/limit-rpm", "not a whole number")
            return
        if rate < 1 or multiplier < 0:
            self.note(ing, "limit-rps/limit-rpm", f"rate {rate} (multiplier {multiplier}) "
                                                  "limits nothing sensible")
            return
        if rps is not None and rpm is not None:
            self.note(ing, f"{NGINX}limit-rpm={rpm}", "limit-rps wins; a RateLimitedService has "
                                                      "one rate")
        gateway = limiter(self.target)
        burst = rate * multiplier if multiplier else None
        if not multiplier and gateway == "nginx-gateway-fabric":
            burst = rate * DEFAULT_BURST_MULTIPLIER  # what ingress-nginx allowed
        if not multiplier and gateway == "envoy-gateway":
            self.note(ing, f"{NGINX}limit-burst-multiplier (default {DEFAULT_BURST_MULTIPLIER})",
                      f"ingress-nginx allowed bursts of {DEFAULT_BURST_MULTIPLIER}x the rate; "
                      "Envoy Gateway's bucket holds exactly one period's requests")
        allow = notes.get(NGINX + "limit-whitelist") or notes.get(NGINX + "limit-allowlist")
        wanted = RatePlan(rps=rate if rps is not None else None,
                          rpm=rate if rps is None else None, burst=burst,
                          allowlist=tuple(x.strip() for x in (allow or "").split(",")
                                          if x.strip()))
        limit, dropped = fit(wanted, self.target)
        allow_key = "limit-whitelist" if NGINX + "limit-whitelist" in notes else "limit-allowlist"
        for what, why in dropped:
            key = ("limit-burst-multiplier" if what.startswith("burst") else
                   allow_key if what == "allowlist" else "limit-rps")
            self.note(ing, f"{NGINX}{key} ({what})", why)
        if limit is None:
            return
        for _, _, svc, _ in _paths_of(ing):
            plan = self.ns.service(svc)
            if plan is None:
                continue
            known = self.limits.get(svc)
            if known is not None and known[0] != limit:
                self.note(ing, "limit-rps/limit-rpm", f"Service {svc} is limited differently "
                                                      f"by {known[1]}; that limit is kept")
                continue
            self.limits[svc] = (limit, ing.ref)
            plan.rate = limit

    def _canary_plan(self, cid: str, path: str, stable: str, svc: str, port: int | str | None,
                     notes: dict[str, str], mode: str) -> CanaryPlan:
        weight = header = header_value = cookie = None
        if mode == "canary-weight":
            if not notes[NGINX + mode].isdigit():
                raise NotAnEntry(f"canary-weight {notes[NGINX + mode]!r} is not a number")
            weight = int(notes[NGINX + mode])
            if not 1 <= weight <= 100:
                raise NotAnEntry(f"canary-weight {weight} is outside 1-100")
        elif mode == "canary-by-header":
            header = notes[NGINX + mode]
            header_value = notes.get(NGINX + "canary-by-header-value")
            if header_value == "always":
                header_value = None
        else:
            cookie = notes[NGINX + mode]
        return CanaryPlan(cid, path, stable, svc, canary_port=self._port(svc, port),
                          weight=weight, header=header, header_value=header_value,
                          cookie=cookie)

    def finish(self) -> list[tuple[KubeObject, str]]:
        """Attach the canary Ingresses to their stable routes; returns those that could not
        be attached, with the reason."""
        failed = []
        for ing in self.canaries:
            try:
                self._canary(ing)
            except NotAnEntry as exc:
                failed.append((ing, str(exc)))
        return failed

    def _canary(self, ing: KubeObject) -> None:
        notes = {str(k): str(v) for k, v in ing.annotations.items()}
        modes = [k for k in CANARY_KEYS if notes.get(NGINX + k)]
        if not modes:
            raise NotAnEntry("a canary without canary-weight, canary-by-header or "
                             "canary-by-cookie sends it nothing")
        mode = modes[0]
        for other in modes[1:]:
            self.note(ing, f"{NGINX}{other}", f"{mode} takes precedence in ingress-nginx; a "
                                              "CanaryRoute has one mode")
        for k, v in sorted(notes.items()):
            found = handling(k)
            if found is not None and not found.carried:
                self.note(ing, f"{k}={v}", found.note)
        rules = [r for r in ing.spec.get("rules") or [] if isinstance(r, dict)]
        hosts_of: dict[Path, set[str]] = {}
        for rule in rules:
            for p in _paths(rule):
                hosts_of.setdefault(p, set()).add(str(rule.get("host")))
        placed: list[tuple[EntryPlan, CanaryPlan]] = []
        for (path, _, svc, port), hosts in hosts_of.items():
            stable = [e for e in self.ns.entries if set(e.hosts) & hosts and any(
                r.path == path for r in e.routes)]
            if not stable or {h for e in stable for h in e.hosts} != hosts:
                raise NotAnEntry(f"no imported Ingress routes {path!r} on exactly its hosts "
                                 f"({', '.join(sorted(hosts))}); a canary covers every host "
                                 "of its stable route")
            if self.ns.service(svc) is None:
                raise NotAnEntry(f"its backend Service {svc} is not imported as a Service "
                                 "construct")
            for entry in stable:
                route = next(r for r in entry.routes if r.path == path)
                cid = construct_id(ing, ing.name.removeprefix(f"{entry.id}-"))
                if len(hosts_of) > 1:
                    cid = f"{cid}-{len(placed)}"
                placed.append((entry, self._canary_plan(cid, path, route.service, svc, port,
                                                        notes, mode)))
        for entry, canary in placed:
            entry.canaries.append(canary)


Path = tuple[str, str, str, "int | str | None"]


def construct_id(obj: KubeObject, default: str | None = None) -> str:
    """The construct id netkit rendered ``obj`` from (its construct annotation's last
    segment), else ``default`` or the object's name."""
    path = str(obj.annotations.get(CONSTRUCT_ANNOTATION) or "")
    return as_id(path.rsplit("/", 1)[-1] if "/" in path else default or obj.name)


def _paths(rule: dict[str, object]) -> list[Path]:
    http = rule.get("http")
    out: list[Path] = []
    for p in (http.get("paths") or []) if isinstance(http, dict) else []:
        backend = (p.get("backend") or {}).get("service") or {}
        if not backend.get("name"):
            raise NotAnEntry("a path without a Service backend")
        port = backend.get("port") or {}
        number = port.get("number") if port.get("number") is not None else port.get("name")
        out.append((str(p.get("path") or "/"), str(p.get("pathType") or "Prefix"),
                    str(backend["name"]), number))
    if not out:
        raise NotAnEntry("a rule without paths")
    return out


def _paths_of(ing: KubeObject) -> list[Path]:
    rules = [r for r in ing.spec.get("rules") or [] if isinstance(r, dict)]
    return list(dict.fromkeys(p for r in rules for p in _paths(r)))
