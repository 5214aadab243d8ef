"""Findings and the rule catalogue: stable ids, severities and titles, one verdict each."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from netkit.objects import KubeObject

Severity = Literal["error", "warning", "info"]
SEVERITY_RANK: dict[str, int] = {"info": 0, "warning": 1, "error": 2}


@dataclass(frozen=True)
class Rule:
    """A finding rule: its id, severity and title."""

    id: str
    severity: Severity
    title: str


_RULES = [
    Rule("NK001", "error", "object does not match its schema"),
    Rule("NK002", "warning", "no schema for this kind"),
    Rule("NK003", "error", "not a Kubernetes object"),
    Rule("NK010", "error", "kube-apiserver would reject the object"),
    Rule("NK101", "warning", "Service selects no workload"),
    Rule("NK102", "error", "route backend Service does not exist"),
    Rule("NK103", "error", "route backend port is not a port of the Service"),
    Rule("NK104", "error", "named targetPort is not a port of the selected pods"),
    Rule("NK105", "warning", "NetworkPolicy selects no pods"),
    Rule("NK106", "warning", "NetworkPolicy peer selects nothing"),
    Rule("NK107", "error", "egress is denied without DNS egress"),
    Rule("NK108", "error", "host and path routed twice"),
    Rule("NK109", "error", "canary Ingress without its main route"),
    Rule("NK110", "warning", "TLS host is not routed"),
    Rule("NK111", "warning", "one TLS Secret shared by different host sets"),
    Rule("NK112", "error", "cert-manager annotation and Certificate manage one Secret"),
    Rule("NK113", "warning", "ingress-nginx is retired"),
    Rule("NK114", "error", "the CNI does not enforce NetworkPolicy"),
    Rule("NK115", "warning", "LoadBalancer without source ranges"),
    Rule("NK116", "warning", "ingress from the whole internet"),
    Rule("NK117", "warning", "rule allows every port"),
    Rule("NK126", "error", "route or ListenerSet parent does not exist"),
    Rule("NK127", "error", "parent does not admit the route or ListenerSet"),
    Rule("NK121", "info", "rate limit is enforced per proxy replica"),
    Rule("NK122", "warning", "rate limit needs the gateway's global rate limit service"),
    Rule("NK123", "warning", "rate-limited Service has no entry point"),
    Rule("NK124", "warning", "wildcard certificate needs a DNS-01 solver"),
    Rule("NK125", "warning", "a workload's selector also selects another workload's pods"),
]

RULES: dict[str, Rule] = {r.id: r for r in _RULES}


@dataclass(frozen=True)
class Finding:
    """A rule's verdict on one object (or construct), with a hint; its severity is the
    rule's."""

    rule: str
    message: str
    object: str = ""
    field: str | None = None
    hint: str | None = None
    file: str | None = None
    line: int | None = None
    origin: str | None = None

    @property
    def severity(self) -> Severity:
        """The rule's severity, from the catalogue."""
        return RULES[self.rule].severity

    @classmethod
    def on(cls, rule: str, item: KubeObject, message: str, *, field: str | None = None,
           hint: str | None = None) -> Finding:
        """A finding about ``item``, located where it came from."""
        origin = (f"{item.blueprint}:{item.origin}" if item.blueprint and item.origin
                  else item.origin)
        return cls(rule=rule, message=message, object=item.ref, field=field or None,
                   hint=hint, file=item.file, line=item.line, origin=origin)

    @property
    def where(self) -> str:
        """file:line when known, else the construct path, else the object."""
        if self.file:
            return f"{self.file}:{self.line}" if self.line else self.file
        return self.origin or self.object

    def line_text(self) -> str:
        """One line: ``severity: where: [rule] message (hint: ...)``."""
        field = f" {self.field}:" if self.field else ""
        obj = f" {self.object}:" if self.object and self.object != self.where else ""
        hint = f" (hint: {self.hint})" if self.hint else ""
        return f"{self.severity}: {self.where}:{obj}{field} [{self.rule}] {self.message}{hint}"
