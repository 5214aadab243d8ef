"""validate(): schema, kube-apiserver rules and cross-object checks over a set of objects."""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Callable, Hashable, Iterable
from dataclasses import replace
from functools import cache
from typing import TYPE_CHECKING, Any

from netkit.errors import ConfigError
from netkit.findings import Finding, find_rule
from netkit.forked import forked
from netkit.inputs import collector
from netkit.inputs.exports import exported_errors
from netkit.inputs.manifests import STDIN
from netkit.inputs.triage import broken_object
from netkit.k8s.kinds import is_builtin_group
from netkit.k8s.removed_apis import removed_api
from netkit.objects import KubeObject, as_objects
from netkit.validate import apiserver
from netkit.validate.crd_registry import CrdRegistry
from netkit.validate.lint import lint
from netkit.validate.lint.index import Index
from netkit.validate.schema import CoreSchemas
from netkit.versions import SUPPORTED_KUBERNETES

if TYPE_CHECKING:
    from netkit.k8s.pods import PodTemplate
    from netkit.target import Target

IGNORE_ANNOTATION = "netkit.dev/ignore"
# Below this many objects a forked child costs more than the half it checks saves.
PARALLEL_OBJECTS = 2000
Keyed = tuple[Finding, Hashable | None]  # a finding, and its key if reported once per key
# What cross-object checks see together: each file, each directory, or every input.
SCOPES = ("file", "dir", "all")


def parse_version(text: str) -> tuple[int, int]:
    """``"1.36"`` (or ``"v1.36.2"``) → ``(1, 36)``."""
    m = re.fullmatch(r"v?(\d+)\.(\d+)(?:\.\d+)?", text.strip())
    if not m:
        raise ConfigError("--kubernetes", f"{text!r} is not a version like 1.36",
                          hint=f"supported: {', '.join(SUPPORTED_KUBERNETES)}")
    return int(m.group(1)), int(m.group(2))


@cache
def core_schemas(version: tuple[int, int]) -> CoreSchemas:
    """Core schemas for a version, compiled lazily and shared for the process."""
    return CoreSchemas(version)


class Validator:
    """Validates objects for one Kubernetes version, compiling each schema once."""

    def __init__(self, target: Target | None = None, *, kubernetes: str | None = None,
                 crds: CrdRegistry | None = None, ignore: Iterable[str] = (),
                 node_ports: tuple[int, int] = apiserver.DEFAULT_NODE_PORTS,
                 scope: str = "all") -> None:
        self.target = target
        text = kubernetes or (target.kubernetes if target else SUPPORTED_KUBERNETES[-1])
        self.version = parse_version(text)
        self.cluster = apiserver.Cluster(self.version, node_ports)
        self.crds = crds if crds is not None else CrdRegistry(
            gateway_api_channel=target.gateway_api_channel if target else "standard")
        self.ignore = {find_rule(r, "ignore").id for r in ignore}
        if scope not in SCOPES:
            raise ConfigError("--scope", f"unknown scope {scope!r}",
                              hint=f"one of {', '.join(SCOPES)}")
        self.scope = scope

    def validate(self, objects: Iterable[Any],
                 cel: Callable[[KubeObject], bool] | None = None,
                 workloads: Iterable[PodTemplate] = (),
                 also: Callable[[list[KubeObject]], Iterable[Finding]] | None = None, *,
                 parallel: bool = False) -> list[Finding]:
        """Findings for ``objects``, suppressions applied, in a stable order; ``cel`` says
        which objects' CEL rules are evaluated (default: every object's); ``workloads`` are
        those blueprints declare; ``also`` adds the findings of checks outside validation on
        the objects that decode. ``parallel`` checks half of many objects in a forked child
        (for a process of its own, not one that runs other work beside validation)."""
        with collector.paused():
            return self._validate(as_objects(objects), cel, workloads, also, parallel)

    def _validate(self, items: list[KubeObject], cel: Callable[[KubeObject], bool] | None,
                  workloads: Iterable[PodTemplate],
                  also: Callable[[list[KubeObject]], Iterable[Finding]] | None,
                  parallel: bool) -> list[Finding]:
        cut = len(items) // 2 if parallel and len(items) >= PARALLEL_OBJECTS else len(items)
        with forked(lambda: self._each(items[cut:], cel), fork=cut < len(items)) as rest:
            first, decoded = self._each(items[:cut], cel)
            second, decoded_after = rest.result()
        findings = [replace(f, scope="object") for f in _once([*first, *second])]
        valid = [items[i] for i in decoded] + [items[cut + i] for i in decoded_after]
        declared = list(workloads)
        for group in _groups(valid, self.scope):
            findings.extend(replace(f, scope=self.scope)
                            for f in lint(Index(group, self.target, declared=declared)).findings)
        if also is not None:
            findings.extend(replace(f, scope=self.scope) for f in also(valid))
        ignored = _ignored_by_object(valid)
        kept = [f for f in findings if f.rule not in self.ignore
                and f.rule not in ignored.get(f.object, ())]
        return sorted(at_field_lines(kept), key=order)

    def _each(self, items: list[KubeObject], cel: Callable[[KubeObject], bool] | None
              ) -> tuple[list[Keyed], list[int]]:
        """The findings of the checks of each of ``items`` on its own (with the key of those
        reported once per key), and the indices of the items the API server decodes."""
        findings: list[Keyed] = []
        unknown: set[Hashable] = set()
        decoded: list[int] = []
        kinds = Counter((item.api_version, item.kind) for item in items
                        if isinstance(item.obj, dict) and item.api_version and item.kind
                        and not is_builtin_group(item.api_version))
        for (api_version, kind), count in kinds.items():
            if (crd := self.crds.get(api_version, kind)) is not None:
                crd.expect(count)  # many of a kind: its predicate is compiled at once
        for i, item in enumerate(items):
            if not isinstance(item.obj, dict) or not item.api_version or not item.kind:
                findings.append((broken_object(item), None))
                continue
            removed = removed_api(item.api_version, item.kind, self.version)
            if removed is not None:  # the apiserver has no such resource to decode it as
                findings.append((Finding.on("NK013", item, removed.message(self.version),
                                            field="apiVersion", hint=removed.hint), None))
                continue
            schema_findings, decodes = self._schema(item, unknown, cel is None or cel(item))
            findings.extend(schema_findings)
            if not decodes:
                continue  # like the apiserver: an object that does not decode goes no further
            decoded.append(i)
            errors, warnings = apiserver.rules(item.api_version, item.kind)(item.obj,
                                                                             self.cluster)
            findings.extend((Finding.on("NK010", item, e.message, field=e.path), None)
                            for e in errors)
            findings.extend((Finding.on("NK011", item, w.message, field=w.path), None)
                            for w in warnings)
        return findings, decoded

    def _schema(self, item: KubeObject, unknown: set[Hashable],
                cel: bool) -> tuple[list[Keyed], bool]:
        """The schema's findings on ``item`` (NK002, NK004 and NK005 once per kind), and
        whether the API server decodes it: not when it breaks its schema (NK001), nor when
        its CRD does not serve its version (NK005)."""
        errors = exported_errors(core_schemas(self.version).validate, item.obj)
        if errors is not None:
            return [(Finding.on("NK001", item, e.message, field=e.path), None)
                    for e in errors], not errors
        schema = self.crds.get(item.api_version, item.kind)
        if schema is None:
            group = item.api_version.rpartition("/")[0]
            decodes = self.crds.source(group, item.kind) is None  # NK002: a kind unknown
            key = (item.api_version, item.kind)
            if key in unknown:
                return [], decodes
            unknown.add(key)
            return [(self._no_schema(item), key)], decodes
        result = schema.check(item.obj, cel=cel)
        findings: list[Keyed] = [(Finding.on("NK001", item, e.message, field=e.path), None)
                                 for e in result.errors]
        for skipped in result.unevaluated:
            key = (f"{item.api_version} {item.kind}", skipped.rule.rule)
            if key not in unknown:
                unknown.add(key)
                findings.append((Finding.on(
                    "NK004", item, f"CEL rule {skipped.rule.rule!r} was not evaluated: "
                    f"{skipped.why}", field=skipped.at or None,
                    hint="check this rule by hand, or against a cluster (kubectl apply "
                         "--dry-run=server)"), key))
        return findings, not result.errors

    def _no_schema(self, item: KubeObject) -> Finding:
        group, _, version = item.api_version.rpartition("/")
        source = self.crds.source(group, item.kind)
        if source is not None:
            name = source.plural or item.kind.lower()
            return Finding.on("NK005", item, f"the cluster does not serve {name} {version}",
                              field="apiVersion",
                              hint=f"served versions of {group} {item.kind}: "
                                   f"{', '.join(source.versions) or 'none'}")
        return Finding.on("NK002", item, f"no schema for {item.api_version} {item.kind}; only "
                          "apiserver rules and cross-object checks apply",
                          hint="pass its CRD with --crds (or [tool.netkit] crds)")


def _once(findings: list[Keyed]) -> list[Finding]:
    """The findings, of those with a key only the first of each key."""
    seen: set[Hashable] = set()
    out = []
    for finding, key in findings:
        if key is not None:
            if key in seen:
                continue
            seen.add(key)
        out.append(finding)
    return out


def _groups(items: list[KubeObject], scope: str) -> list[list[KubeObject]]:
    """``items`` in the groups cross-object checks see together: all of them, or those of
    each file or directory (rendered objects: of each blueprint), in input order."""
    if scope == "all":
        return [items]
    groups: dict[str, list[KubeObject]] = {}
    for item in items:
        if item.file is None:
            key = f"blueprint:{item.blueprint or ''}"
        else:
            whole = scope == "file" or item.file == STDIN
            key = item.file if whole else os.path.dirname(os.path.abspath(item.file))
        groups.setdefault(key, []).append(item)
    return list(groups.values())


def at_field_lines(findings: list[Finding]) -> list[Finding]:
    """Findings pointing at the line of their field in the file they came from."""
    if not any(f.file for f in findings):  # rendered objects: no file to read again
        return findings
    from netkit.inputs.field_lines import FieldLines  # PyYAML, to read the files again

    lines = FieldLines()
    out = []
    for f in findings:
        line = lines.line(f.file, f.line, f.field)
        out.append(replace(f, line=line) if line is not None else f)
    return out


def _ignored_by_object(items: list[KubeObject]) -> dict[str, set[str]]:
    """Object ref → rule ids its ``netkit.dev/ignore`` annotation suppresses."""
    out: dict[str, set[str]] = {}
    for item in items:
        raw = item.annotations.get(IGNORE_ANNOTATION)
        if raw:
            out[item.ref] = {r for r in re.split(r"[,\s]+", str(raw)) if r}
    return out


def order(f: Finding) -> tuple[Any, ...]:
    """The sort key of findings: by file and line, then construct, object and rule."""
    return (f.file or "", f.line or 0, f.origin or "", f.object, f.rule, f.field or "",
            f.message)


def validate(objects: Iterable[Any], target: Target | None = None, *,
             kubernetes: str | None = None, crds: CrdRegistry | None = None,
             ignore: Iterable[str] = (),
             node_ports: tuple[int, int] = apiserver.DEFAULT_NODE_PORTS,
             scope: str = "all") -> list[Finding]:
    """Validate objects (dicts, loaded or rendered objects) as the Target's cluster would;
    ``node_ports`` is the API server's node port range (first, last), ``scope`` says which
    objects cross-object checks see together."""
    return Validator(target, kubernetes=kubernetes, crds=crds, ignore=ignore,
                     node_ports=node_ports, scope=scope).validate(objects)
