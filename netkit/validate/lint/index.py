"""Index: the input grouped for cross-object checks, and Report: where findings go."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from netkit.findings import Finding
from netkit.k8s.kinds import BUILTIN_API_VERSIONS, is_builtin
from netkit.k8s.meta import NAMESPACE_NAME_LABEL
from netkit.k8s.pods import PodTemplate, pod_template
from netkit.k8s.selectors import matches
from netkit.objects import KubeObject
from netkit.validate.field import Path

if TYPE_CHECKING:
    from netkit.target import Target


@dataclass
class Index:
    """Objects by kind and by (namespace, name), workloads by namespace, namespace labels,
    and the workloads blueprints declare."""

    items: list[KubeObject]
    target: Target | None = None
    by_kind: dict[str, list[KubeObject]] = field(default_factory=lambda: defaultdict(list))
    services: dict[tuple[str, str], KubeObject] = field(default_factory=dict)
    workloads: dict[str, list[tuple[KubeObject, PodTemplate]]] = field(
        default_factory=lambda: defaultdict(list))
    namespaces: dict[str, dict[str, str]] = field(default_factory=dict)
    declared: list[PodTemplate] = field(default_factory=list)  # by blueprints, not in items
    _by_label: dict[tuple[str, str, str], list[PodTemplate]] | None = None

    def __post_init__(self) -> None:
        for item in self.items:
            if item.kind in BUILTIN_API_VERSIONS and not is_builtin(item.api_version, item.kind):
                continue  # not the built-in kind the checks know (e.g. Calico's NetworkPolicy)
            self.by_kind[item.kind].append(item)
            if item.kind == "Service":
                self.services[(item.namespace, item.name)] = item
            elif item.kind == "Namespace":
                labels = dict((item.obj.get("metadata") or {}).get("labels") or {})
                labels.setdefault(NAMESPACE_NAME_LABEL, item.name)
                self.namespaces[item.name] = labels
            else:
                template = pod_template(item.obj)
                if template is not None:
                    self.workloads[template.namespace].append((item, template))

    def selected(self, namespace: str, selector: Any) -> list[PodTemplate]:
        """Workloads of ``namespace`` that ``selector`` (a LabelSelector) matches."""
        if self._by_label is None:
            self._by_label = defaultdict(list)
            for ns, entries in self.workloads.items():
                for _, t in entries:
                    for pair in t.labels.items():
                        self._by_label[(ns, pair[0], pair[1])].append(t)
        pairs = list(((selector or {}).get("matchLabels") or {}).items())
        if pairs:
            candidates = self._by_label.get((namespace, pairs[0][0], pairs[0][1]), [])
        else:
            candidates = [t for _, t in self.workloads.get(namespace, [])]
        return [t for t in candidates if matches(selector, t.labels)]

    def of(self, *kinds: str) -> list[KubeObject]:
        """Items of the given kinds, in input order."""
        return [i for k in kinds for i in self.by_kind.get(k, [])]


@dataclass
class Report:
    """Findings of the cross-object checks."""

    findings: list[Finding] = field(default_factory=list)

    def add(self, rule: str, item: KubeObject, message: str, *, field: Path | None = None,
            hint: str | None = None) -> None:
        """Record ``rule`` on ``item`` at ``field``."""
        self.findings.append(Finding.on(rule, item, message, hint=hint,
                                        field=str(field) if field is not None else None))
