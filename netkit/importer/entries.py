"""Ingresses (networking.k8s.io/v1, ingress-nginx annotations) to TlsIngress entry points,
canary routes and rate limits; what cannot be carried over becomes a Note."""

from __future__ import annotations

from dataclasses import dataclass, field

from netkit.importer.annotations import NGINX, handling
from netkit.importer.plan import (
    CanaryPlan,
    EntryPlan,
    NamespacePlan,
    Note,
    RatePlan,
    RoutePlan,
)
from netkit.k8s.meta import CONSTRUCT_ANNOTATION
from netkit.objects import KubeObject

CANARY_KEYS = ("canary-by-header", "canary-by-cookie", "canary-weight")  # nginx's precedence


class NotAnEntry(Exception):
    """An Ingress no TlsIngress can stand for; the message says why (it is kept as is)."""


@dataclass
class Entries:
    """The entry points imported into one namespace, and the notes they left."""

    ns: NamespacePlan
    gateway: str
    notes: list[Note] = field(default_factory=list)
    canaries: list[KubeObject] = field(default_factory=list)
    limits: dict[str, tuple[RatePlan, str]] = field(default_factory=dict)

    def note(self, ing: KubeObject, subject: str, reason: str) -> None:
        """Record what of ``ing`` is not carried over."""
        self.notes.append(Note(ing.ref, subject, reason))

    def add(self, ing: KubeObject) -> None:
        """Import ``ing``: a canary Ingress waits for its stable route; others become one
        TlsIngress (raises NotAnEntry when none can stand for it)."""
        notes = ing.annotations
        if str(notes.get(NGINX + "canary", "")).lower() == "true":
            self.canaries.append(ing)
            return
        entry = self._entry(ing)
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

    def _entry(self, ing: KubeObject) -> EntryPlan:
        spec = ing.spec
        rules = [r for r in spec.get("rules") or [] if isinstance(r, dict)]
        if spec.get("defaultBackend"):
            raise NotAnEntry("it has a defaultBackend; TlsIngress routes named hosts only")
        if not rules or any(not r.get("host") for r in rules):
            raise NotAnEntry("a rule without host; TlsIngress routes named hosts only")
        tls = [t for t in spec.get("tls") or [] if isinstance(t, dict)]
        if not tls:
            raise NotAnEntry("no spec.tls: it serves plain HTTP, and TlsIngress serves HTTPS")
        paths = [_paths(r) for r in rules]
        if any(p != paths[0] for p in paths):
            raise NotAnEntry("its hosts route different paths; a TlsIngress routes the same "
                             "paths on every host (split it into one Ingress per host)")
        hosts = list(dict.fromkeys(str(r["host"]) for r in rules))
        secrets = {str(t.get("secretName")) for t in tls if t.get("secretName")}
        tls_hosts = {str(h) for t in tls for h in t.get("hosts") or []}
        if missing := [h for h in hosts if h not in tls_hosts]:
            self.note(ing, "spec.tls", f"hosts {', '.join(missing)} had no certificate; the "
                                       "TlsIngress serves them over HTTPS")
        entry_id = construct_id(ing)
        if self.ns.service(entry_id) is not None:
            entry_id += "-ingress"  # a Service of that name shares the namespace's scope
        entry = EntryPlan(entry_id, hosts, source=ing.ref)
        for path, path_type, svc, port in paths[0]:
            if self.ns.service(svc) is None:
                raise NotAnEntry(f"its backend Service {svc} is not imported as a Service "
                                 "construct")
            if path_type == "ImplementationSpecific":
                self.note(ing, f"path {path}", "ImplementationSpecific is routed as Prefix "
                                               "(ingress-nginx's reading without use-regex)")
                path_type = "Prefix"
            entry.routes.append(RoutePlan(path, path_type, svc, self._port(svc, port)))
        issuer = self._annotations(ing, entry)
        if issuer is None:
            if len(secrets) != 1:
                raise NotAnEntry("its TLS entries name several Secrets (or none); a TlsIngress "
                                 "has one certificate")
            entry.secret = secrets.pop()
        elif secrets and secrets != {f"{entry.id}-tls"}:
            self.note(ing, "spec.tls secretName", f"cert-manager now stores the certificate in "
                                                  f"Secret {entry.id}-tls")
        return entry

    def _port(self, svc: str, port: int | str | None) -> int | None:
        plan = self.ns.service(svc)
        assert plan is not None
        if port is None or port == plan.port or (
                isinstance(port, str) and port == (plan.port_name or plan.target_port)):
            return None
        raise NotAnEntry(f"backend port {port} is not the port of Service {svc}")

    def _annotations(self, ing: KubeObject, entry: EntryPlan) -> str | None:
        """Apply the carried annotations to ``entry``; note the others. Returns the issuer."""
        notes = {str(k): str(v) for k, v in ing.annotations.items()}
        issuer = None
        for k, v in sorted(notes.items()):
            found = handling(k)
            if found is None:
                continue
            if not found.carried:
                self.note(ing, f"{k}={v}", found.note)
            elif k == "cert-manager.io/cluster-issuer":
                issuer = entry.issuer = v
            elif k == "cert-manager.io/issuer":
                issuer = entry.issuer = v
                entry.issuer_kind = "Issuer"
            elif k == NGINX + "ssl-redirect":
                entry.redirect_http = v.lower() != "false" or (
                    notes.get(NGINX + "force-ssl-redirect", "").lower() == "true")
            elif k == NGINX + "backend-protocol":
                self._backend_protocol(ing, v)
            elif k.startswith(NGINX + "canary"):
                self.note(ing, f"{k}={v}", "canary annotations without canary: 'true' have no "
                                           "effect")
        self._limit(ing, notes)
        return issuer

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
        if rps is not None and rpm is not None:
            self.note(ing, f"{NGINX}limit-rpm={rpm}", "limit-rps wins; a RateLimitedService has "
                                                      "one rate")
        burst = rate * multiplier if multiplier else None
        if not multiplier and self.gateway == "envoy-gateway":
            self.note(ing, f"{NGINX}limit-burst-multiplier (default 5)",
                      "ingress-nginx allowed bursts of 5x the rate; Envoy Gateway's bucket "
                      "holds exactly one period's requests")
        if burst is not None and burst != rate and self.gateway == "envoy-gateway":
            self.note(ing, f"{NGINX}limit-burst-multiplier={multiplier}",
                      "Envoy Gateway's bucket holds exactly one period's requests")
            burst = None
        allow = notes.get(NGINX + "limit-whitelist") or notes.get(NGINX + "limit-allowlist")
        limit = RatePlan(rps=rate if rps is not None else None,
                         rpm=rate if rps is None else None, burst=burst,
                         allowlist=tuple(x.strip() for x in (allow or "").split(",")
                                         if x.strip()))
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
        hosts = {str(r.get("host")) for r in ing.spec.get("rules") or [] if isinstance(r, dict)}
        placed: list[tuple[EntryPlan, CanaryPlan]] = []
        for path, _, svc, port in _paths_of(ing):
            entry = next((e for e in self.ns.entries if hosts <= set(e.hosts) and any(
                r.path == path for r in e.routes)), None)
            if entry is None:
                raise NotAnEntry(f"no imported Ingress routes {path!r} on its hosts")
            route = next(r for r in entry.routes if r.path == path)
            if self.ns.service(svc) is None:
                raise NotAnEntry(f"its backend Service {svc} is not imported as a Service "
                                 "construct")
            cid = construct_id(ing, ing.name.removeprefix(f"{entry.id}-"))
            if len(_paths_of(ing)) > 1:
                cid = f"{cid}-{len(placed)}"
            weight = header = header_value = cookie = None
            if mode == "canary-weight":
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
            placed.append((entry, CanaryPlan(cid, path, route.service, svc,
                                             canary_port=self._port(svc, port), weight=weight,
                                             header=header, header_value=header_value,
                                             cookie=cookie)))
        for entry, canary in placed:
            entry.canaries.append(canary)


Path = tuple[str, str, str, "int | str | None"]


def construct_id(obj: KubeObject, default: str | None = None) -> str:
    """The construct id netkit rendered ``obj`` from (its construct annotation's last
    segment), else ``default`` or the object's name."""
    path = str(obj.annotations.get(CONSTRUCT_ANNOTATION) or "")
    return path.rsplit("/", 1)[-1] if "/" in path else default or obj.name


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
