"""The cluster as the engine sees it: endpoints, namespace labels, parsed NetworkPolicies."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields
from functools import cached_property
from typing import TYPE_CHECKING, Any

from netkit.analysis.external import Cell, Network, cells, locator, network
from netkit.analysis.implied import API_SERVER_KIND, IMPLIED_KINDS, ClusterParts
from netkit.errors import NetkitError
from netkit.k8s.kinds import is_builtin
from netkit.k8s.meta import NAMESPACE_NAME_LABEL
from netkit.k8s.networking import effective_policy_types
from netkit.k8s.pods import DECLARED_KIND, WORKLOAD_KINDS, PodTemplate, pod_template
from netkit.k8s.selectors import matches
from netkit.objects import KubeObject, as_dict, as_objects
from netkit.validate.field import FieldError

if TYPE_CHECKING:
    from netkit.analysis.cilium import CiliumPolicy
    from netkit.analysis.cluster_policy import TierPolicy

NamedPorts = tuple[tuple[str, str, int], ...]  # (name, protocol, number), sorted


@dataclass(frozen=True)
class Endpoint:
    """Pods (or the template of a workload's pods), a cell of the world outside, (id ``ns/*``,
    kind Namespace, no labels) the unknown pods of a namespace that a policy names but the
    input does not populate, or a part of the cluster the input omits (``implied``).

    The id is ``namespace/name``, or ``namespace/kind/name`` (kind in lower case) where
    objects of different kinds share a namespace and name."""

    id: str
    namespace: str
    name: str
    kind: str
    labels: tuple[tuple[str, str], ...] = ()
    named_ports: NamedPorts = ()
    ip: str | None = None
    cell: Cell | None = None

    @property
    def external(self) -> bool:
        """Whether this is outside the pod network: the world outside, or the API server on
        its hosts' network. No NetworkPolicy selects it and only ipBlocks match it."""
        return self.kind in ("External", API_SERVER_KIND)

    @property
    def implied(self) -> bool:
        """Whether the input omits this part of the cluster and the analysis implies it."""
        return self.kind in IMPLIED_KINDS

    def label_map(self) -> dict[str, str]:
        """The labels as a dict."""
        return dict(self.labels)

    def to_json(self) -> dict[str, Any]:
        """``{"id", "namespace", "name", "kind", "labels", "implied"}``."""
        return {"id": self.id, "namespace": self.namespace, "name": self.name,
                "kind": self.kind, "labels": self.label_map(), "implied": self.implied}


@dataclass(frozen=True)
class PortRule:
    """One NetworkPolicyPort: protocol, and a number, range, name, or every port."""

    protocol: str
    port: int | str | None
    end_port: int | None


@dataclass(frozen=True)
class Peer:
    """One NetworkPolicyPeer."""

    pod_selector: dict[str, Any] | None
    namespace_selector: dict[str, Any] | None
    cidr: Network | None = None
    excepts: tuple[Network, ...] = ()
    invalid: bool = False
    fqdn: str | None = None


@dataclass
class Rule:
    """An ingress or egress rule; ``peers``/``ports`` None means every peer / every port."""

    peers: list[Peer] | None
    ports: list[PortRule] | None


@dataclass
class Policy:
    """A NetworkPolicy with policyTypes defaulted; ``ingress``/``egress`` None if not a type."""

    namespace: str
    name: str
    pod_selector: dict[str, Any]
    ingress: list[Rule] | None
    egress: list[Rule] | None
    file: str | None = None
    line: int | None = None

    @property
    def ref(self) -> str:
        """``namespace/name``."""
        return f"{self.namespace}/{self.name}"


@dataclass
class Cluster:
    """Endpoints, namespace labels (given or implied) and policies."""

    endpoints: list[Endpoint] = field(default_factory=list)
    namespaces: dict[str, dict[str, str]] = field(default_factory=dict)
    policies: list[Policy] = field(default_factory=list)
    cells: list[Cell] = field(default_factory=list)
    tiers: list[TierPolicy] = field(default_factory=list)
    cilium: list[CiliumPolicy] = field(default_factory=list)

    @cached_property
    def locate(self) -> Callable[[str], Cell | None]:
        """The innermost cell holding an address (None outside every cell)."""
        return locator(self.cells)

    def namespace_labels(self, ns: str) -> dict[str, str]:
        """Labels of ``ns``; a namespace that was not given has only its name label."""
        return self.namespaces.get(ns) or {NAMESPACE_NAME_LABEL: ns}

    def peer_selects(self, peer: Peer, policy: Policy, namespace: str,
                     labels: dict[str, str]) -> bool:
        """Whether ``peer`` (of a rule in ``policy``) selects pods with ``labels`` in
        ``namespace``; an ipBlock peer selects no pod."""
        if peer.invalid or peer.cidr is not None:
            return False
        if peer.namespace_selector is None:
            in_scope = namespace == policy.namespace
        else:
            in_scope = matches(peer.namespace_selector, self.namespace_labels(namespace))
        return in_scope and (peer.pod_selector is None or matches(peer.pod_selector, labels))

    def targets(self, namespace: str, labels: dict[str, str]) -> bool:
        """Whether some policy selects, or some rule's peer names, pods with ``labels`` in
        ``namespace``."""
        return any(policy.namespace == namespace and matches(policy.pod_selector, labels)
                   for policy in self.policies) or any(
            self.peer_selects(peer, policy, namespace, labels)
            for policy in self.policies for rules in (policy.ingress, policy.egress)
            for rule in rules or [] for peer in rule.peers or [])


def _port_rules(ports: Any) -> list[PortRule] | None:
    if not ports:
        return None
    out = []
    for p in ports:
        if not isinstance(p, dict):
            continue
        port = p.get("port")
        end = p.get("endPort") if isinstance(port, int) else None
        out.append(PortRule(str(p.get("protocol") or "TCP"), port, end))
    return out


def _peers(peers: Any) -> list[Peer] | None:
    if not peers:
        return None
    out = []
    for p in peers:
        if not isinstance(p, dict):
            continue
        block = p.get("ipBlock")
        if isinstance(block, dict):
            cidr = network(str(block.get("cidr", "")))
            excepts = tuple(n for n in (network(str(x)) for x in block.get("except") or [])
                            if n is not None)
            out.append(Peer(None, None, cidr, excepts, invalid=cidr is None))
        else:
            out.append(Peer(p.get("podSelector"), p.get("namespaceSelector")))
    return out


def _rules(rules: Any, direction: str) -> list[Rule]:
    key = "from" if direction == "ingress" else "to"
    return [Rule(_peers((r or {}).get(key)), _port_rules((r or {}).get("ports")))
            for r in rules or []]


def policy_from(obj: dict[str, Any], file: str | None = None,
                line: int | None = None) -> Policy:
    """A Policy from a NetworkPolicy object, policyTypes defaulted as the apiserver does."""
    md = obj.get("metadata") or {}
    spec = obj.get("spec") or {}
    types = effective_policy_types(spec)
    return Policy(str(md.get("namespace") or "default"), str(md.get("name")),
                  spec.get("podSelector") or {},
                  _rules(spec.get("ingress"), "ingress") if "Ingress" in types else None,
                  _rules(spec.get("egress"), "egress") if "Egress" in types else None,
                  file, line)


def endpoint_from(template: PodTemplate, id: str | None = None) -> Endpoint:
    """An Endpoint from a pod or workload template (with ``id`` instead of the template's)."""
    named = tuple(sorted((p.name, p.protocol, p.port) for p in template.ports if p.name))
    return Endpoint(id or template.id, template.namespace, template.name, template.kind,
                    tuple(sorted(template.labels.items())), named, template.ip)


def _distinct_ids(templates: list[PodTemplate]) -> list[tuple[str, PodTemplate]]:
    """Each template with its endpoint id: ``namespace/name``, or ``namespace/kind/name``
    where objects of different kinds share both; the first of one kind and name wins, and a
    blueprint's declared workload stands for an object of the same name."""
    kinds: dict[str, set[str]] = {}
    for t in templates:
        if t.kind != DECLARED_KIND:
            kinds.setdefault(t.id, set()).add(t.kind)
    out, seen = [], set()
    for t in templates:
        qualified = t.kind != DECLARED_KIND and len(kinds[t.id]) > 1
        id = f"{t.namespace}/{t.kind.lower()}/{t.name}" if qualified else t.id
        if id not in seen:
            seen.add(id)
            out.append((id, t))
    return out


def _owned_by_input(obj: dict[str, Any], present: set[tuple[Any, Any, Any]]) -> bool:
    ns = (obj.get("metadata") or {}).get("namespace") or "default"
    for ref in (obj.get("metadata") or {}).get("ownerReferences") or []:
        if ref.get("controller") and (ns, ref.get("kind"), ref.get("name")) in present:
            return True
    return False


def _named_namespaces(policies: list[Policy]) -> set[str]:
    """Namespaces that peers select by name."""
    out = set()
    for p in policies:
        for rules in (p.ingress or [], p.egress or []):
            for rule in rules:
                for peer in rule.peers or []:
                    names = (peer.namespace_selector or {}).get("matchLabels") or {}
                    if NAMESPACE_NAME_LABEL in names:
                        out.add(str(names[NAMESPACE_NAME_LABEL]))
    return out


class MalformedInput(NetkitError):
    """An object the analysis needs does not match its schema."""


ANALYSED_KINDS = ("Namespace", "NetworkPolicy", *WORKLOAD_KINDS)


def schema_errors(obj: Any) -> list[FieldError]:
    """Why the apiserver would refuse to decode an object of a kind the analysis reads
    (nothing for other kinds): the analysis would only guess at it."""
    if not isinstance(obj, dict) or obj.get("kind") not in ANALYSED_KINDS:
        return []
    from netkit.inputs.exports import exported_errors
    from netkit.validate.engine import core_schemas
    from netkit.versions import SUPPORTED_KUBERNETES

    major, minor = SUPPORTED_KUBERNETES[-1].split(".")
    return exported_errors(core_schemas((int(major), int(minor))).validate, obj) or []


@dataclass(eq=False)
class Checked(KubeObject):
    """An object whose ``obj`` ``checked`` found well formed: ``build_cluster`` takes it
    without checking it again (unless ``obj`` was since set to another value)."""

    verdict_on: dict[str, Any] | None = field(default=None, init=False, repr=False)


def checked(item: KubeObject) -> tuple[KubeObject, list[FieldError]]:
    """``schema_errors`` of ``item``, and ``item`` itself, or when there are none a copy
    that says so to ``build_cluster``."""
    errors = schema_errors(item.obj)
    if errors:
        return item, errors
    out = Checked(**{f.name: getattr(item, f.name) for f in fields(KubeObject)})
    out.verdict_on = item.obj
    return out, errors


def _check_well_formed(item: KubeObject) -> None:
    """Refuse what the apiserver would refuse to decode."""
    if isinstance(item, Checked) and item.verdict_on is item.obj:
        return
    obj, file, line = item.obj, item.file, item.line
    errors = schema_errors(obj)
    if errors:
        md = as_dict(obj.get("metadata"))
        where = f"{file}:{line}" if file else f"{obj.get('kind')}/{md.get('name', '?')}"
        raise MalformedInput(where, f"{obj.get('kind')} {md.get('name', '?')!s} is malformed: "
                             f"{errors[0].path}: {errors[0].message}",
                             hint="`netkit validate` lists every problem")


def build_cluster(objects: Iterable[KubeObject | dict[str, Any]],
                  extra: Iterable[PodTemplate] = (), parts: ClusterParts | None = None,
                  cidrs: Iterable[Network] = (), *, well_formed: bool = False) -> Cluster:
    """A Cluster from objects (KubeObjects or plain dicts), declared workloads and the parts
    of the cluster ``parts`` implies (by default cluster DNS, when policies name it);
    ``cidrs`` that other policy kinds mention cut the world outside into cells too.

    A pod or ReplicaSet whose controller is in the input is represented by the controller.
    Malformed Namespaces, NetworkPolicies and workloads are errors, unless the caller vouches
    that the objects are ``well_formed`` (validation checks them beside it).
    """
    parts = parts or ClusterParts()
    given = as_objects(objects)
    for item in given if not well_formed else ():
        _check_well_formed(item)
    items = [(o.obj, o.file, o.line) for o in given]
    present = {((md.get("namespace") or "default"), obj.get("kind"), md.get("name"))
               for obj, _, _ in items if isinstance(obj, dict)
               for md in [obj.get("metadata") or {}] if obj.get("kind") in WORKLOAD_KINDS
               and is_builtin(obj.get("apiVersion"), obj.get("kind"))}
    cluster = Cluster()
    templates: list[PodTemplate] = list(extra)
    for obj, file, line in items:
        if not isinstance(obj, dict):
            continue
        kind = obj.get("kind")
        if not is_builtin(obj.get("apiVersion"), kind):
            continue
        if kind == "Namespace":
            md = obj.get("metadata") or {}
            labels = {str(k): str(v) for k, v in (md.get("labels") or {}).items()}
            labels[NAMESPACE_NAME_LABEL] = str(md.get("name"))
            cluster.namespaces[str(md.get("name"))] = labels
        elif kind == "NetworkPolicy":
            cluster.policies.append(policy_from(obj, file, line))
        elif kind in WORKLOAD_KINDS and not _owned_by_input(obj, present):
            template = pod_template(obj)
            if template is not None:
                templates.append(template)
    mentioned = [n for p in cluster.policies for rules in (p.ingress or [], p.egress or [])
                 for r in rules for peer in r.peers or [] if peer.cidr is not None
                 for n in (peer.cidr, *peer.excepts)]
    cluster.cells = cells([*mentioned, *cidrs])
    dns = parts.dns_template()
    if parts.dns and not any(parts.is_dns(t) for t in templates) and (
            cluster.targets(dns.namespace, dns.labels)):
        templates.append(dns)
    templates += parts.api_server_templates(obj for obj, _, _ in items if isinstance(obj, dict))
    for id, template in _distinct_ids(templates):
        endpoint = endpoint_from(template, id)
        if endpoint.ip:
            endpoint = Endpoint(**{**endpoint.__dict__, "cell": cluster.locate(endpoint.ip)})
        cluster.endpoints.append(endpoint)
    populated = {e.namespace for e in cluster.endpoints if not e.external}
    for ns in sorted(_named_namespaces(cluster.policies) - populated):
        cluster.endpoints.append(Endpoint(f"{ns}/*", ns, "*", "Namespace"))
    cluster.endpoints.sort(key=lambda e: e.id)
    cluster.endpoints += [Endpoint(c.id, "", str(c.network), "External", cell=c)
                          for c in cluster.cells]
    return cluster
