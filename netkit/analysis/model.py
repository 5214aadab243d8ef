"""The cluster as the engine sees it: endpoints, namespace labels, parsed NetworkPolicies."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from netkit.analysis.external import Cell, Network, cells, innermost, network
from netkit.errors import NetkitError
from netkit.k8s.kinds import is_builtin
from netkit.k8s.meta import NAMESPACE_NAME_LABEL
from netkit.k8s.networking import effective_policy_types
from netkit.k8s.pods import WORKLOAD_KINDS, PodTemplate, pod_template
from netkit.objects import KubeObject, as_dict, as_objects

if TYPE_CHECKING:
    from netkit.analysis.cilium import CiliumPolicy
    from netkit.analysis.cluster_policy import TierPolicy

NamedPorts = tuple[tuple[str, str, int], ...]  # (name, protocol, number), sorted


@dataclass(frozen=True)
class Endpoint:
    """Pods (or the template of a workload's pods), a cell of the world outside, or (id
    ``ns/*``, kind Namespace, no labels) the unknown pods of a namespace that a policy names
    but the input does not populate."""

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
        """Whether this is outside the cluster."""
        return self.kind == "External"

    def label_map(self) -> dict[str, str]:
        """The labels as a dict."""
        return dict(self.labels)

    def to_json(self) -> dict[str, Any]:
        """``{"id", "namespace", "name", "kind", "labels"}``."""
        return {"id": self.id, "namespace": self.namespace, "name": self.name,
                "kind": self.kind, "labels": self.label_map()}


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

    def namespace_labels(self, ns: str) -> dict[str, str]:
        """Labels of ``ns``; a namespace that was not given has only its name label."""
        return self.namespaces.get(ns) or {NAMESPACE_NAME_LABEL: ns}


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


def endpoint_from(template: PodTemplate) -> Endpoint:
    """An Endpoint from a pod or workload template."""
    named = tuple(sorted((p.name, p.protocol, p.port) for p in template.ports if p.name))
    return Endpoint(template.id, template.namespace, template.name, template.kind,
                    tuple(sorted(template.labels.items())), named, template.ip)


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


def _check_well_formed(obj: Any, file: str | None, line: int | None) -> None:
    """Refuse what the apiserver would refuse to decode: the analysis would only guess."""
    if not isinstance(obj, dict) or obj.get("kind") not in ANALYSED_KINDS:
        return
    from netkit.validate.engine import core_schemas
    from netkit.versions import SUPPORTED_KUBERNETES

    major, minor = SUPPORTED_KUBERNETES[-1].split(".")
    errors = core_schemas((int(major), int(minor))).validate(obj)
    if errors:
        md = as_dict(obj.get("metadata"))
        where = f"{file}:{line}" if file else f"{obj.get('kind')}/{md.get('name', '?')}"
        raise MalformedInput(where, f"{obj.get('kind')} {md.get('name', '?')!s} is malformed: "
                             f"{errors[0].path}: {errors[0].message}",
                             hint="`netkit validate` lists every problem")


def build_cluster(objects: Iterable[KubeObject | dict[str, Any]],
                  extra: Iterable[PodTemplate] = (), cidrs: Iterable[Network] = ()) -> Cluster:
    """A Cluster from objects (KubeObjects or plain dicts) and declared workloads; ``cidrs``
    that other policy kinds mention cut the world outside into cells too.

    A pod or ReplicaSet whose controller is in the input is represented by the controller.
    Malformed Namespaces, NetworkPolicies and workloads are errors.
    """
    items = [(o.obj, o.file, o.line) for o in as_objects(objects)]
    for obj, file, line in items:
        _check_well_formed(obj, file, line)
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
    seen: set[str] = set()
    for template in templates:
        endpoint = endpoint_from(template)
        if endpoint.id in seen:
            continue
        seen.add(endpoint.id)
        if endpoint.ip:
            endpoint = Endpoint(**{**endpoint.__dict__, "cell": innermost(endpoint.ip,
                                                                          cluster.cells)})
        cluster.endpoints.append(endpoint)
    populated = {e.namespace for e in cluster.endpoints}
    for ns in sorted(_named_namespaces(cluster.policies) - populated):
        cluster.endpoints.append(Endpoint(f"{ns}/*", ns, "*", "Namespace"))
    cluster.endpoints.sort(key=lambda e: e.id)
    cluster.endpoints += [Endpoint(c.id, "", str(c.network), "External", cell=c)
                          for c in cluster.cells]
    return cluster
