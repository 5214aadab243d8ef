"""Workload: the network identity (labels, named ports) of pods netkit does not own."""

from __future__ import annotations

from collections.abc import Mapping

from netkit.errors import ConstructError
from netkit.k8s.names import dns1123_subdomain_errors, port_name_errors
from netkit.k8s.pods import DECLARED_KIND, DEFAULT_SERVICE_ACCOUNT, ContainerPort, PodTemplate
from netkit.spec import Protocol, WorkloadPort, check_metadata_map, parse
from netkit.tree import Construct


def declared(root: Construct) -> list[PodTemplate]:
    """Every Workload under ``root`` as a pod template, for reachability analysis."""
    return [PodTemplate(str(w.namespace()), w.name, DECLARED_KIND, dict(w.labels),
                        [ContainerPort(n, p.port, p.protocol) for n, p in w.ports.items()],
                        service_account=w.service_account)
            for w in root.node.walk() if isinstance(w, Workload)]


class Workload(Construct):
    """Pods selected by ``labels`` that listen on named ``ports`` and run as
    ``service_account`` (their mesh identity; Kubernetes' default is ``default``)."""

    def __init__(self, scope: Construct, id: str, *, labels: Mapping[str, str],
                 ports: Mapping[str, int | WorkloadPort] | None = None,
                 service_account: str = DEFAULT_SERVICE_ACCOUNT) -> None:
        super().__init__(scope, id)
        if scope.namespace() is None:
            raise ConstructError(self.display_path, "a workload must be declared in a namespace",
                                 hint="use ns.workload(...) on a Namespace or ZeroTrustNamespace")
        if not labels:
            raise ConstructError(self.display_path, "labels must not be empty", field="labels",
                                 hint="an empty selector would match every pod in the namespace")
        self.labels = check_metadata_map(labels, self.display_path, "labels", labels=True,
                                         hint="use the pods' real labels, e.g. app: web")
        if not isinstance(service_account, str) or (
                errs := dns1123_subdomain_errors(service_account)):
            raise ConstructError(self.display_path, f"service_account {service_account!r} is "
                                 "not a valid ServiceAccount name", field="service_account",
                                 hint="use the pods' spec.serviceAccountName, e.g. 'web'")
        self.service_account = service_account
        self.ports: dict[str, WorkloadPort] = {}
        for name, spec in (ports or {}).items():
            if errs := port_name_errors(name):
                raise ConstructError(self.display_path, f"port name {name!r} {errs[0]}",
                                     field="ports", hint="port names are IANA service names "
                                     "like 'http' or 'grpc-web'")
            port = spec if isinstance(spec, WorkloadPort) else parse(
                WorkloadPort, f"{self.display_path}: ports.{name}", port=spec)
            assert isinstance(port, WorkloadPort)
            self.ports[name] = port

    @property
    def name(self) -> str:
        """The workload's name (its id)."""
        return self.node.id

    @property
    def ref(self) -> str:
        """``namespace/name``."""
        return f"{self.namespace()}/{self.name}"

    def declared(self) -> str:
        """The declared ports, for messages: ``http=8080, dns=53/UDP``."""
        return ", ".join(f"{n}={p.port}" + ("" if p.protocol == "TCP" else f"/{p.protocol}")
                         for n, p in self.ports.items()) or "none"

    def resolve_port(self, port: int | str, where: str,
                     protocol: Protocol | None = None) -> WorkloadPort:
        """The declared port named ``port`` or numbered ``port``; undeclared ones are errors."""
        if isinstance(port, str):
            found = self.ports.get(port)
            if found is None:
                raise ConstructError(where, f"workload {self.ref} has no port named {port!r} "
                                     f"(declared: {self.declared()})",
                                     hint="use a declared name or add it to the workload's ports")
            if protocol is not None and protocol != found.protocol:
                raise ConstructError(where, f"port {port!r} of {self.ref} is {found.protocol}, "
                                     f"not {protocol}", hint="drop protocol= or fix it")
            return found
        checked = parse(WorkloadPort, where, port=port, protocol=protocol or "TCP")
        assert isinstance(checked, WorkloadPort)
        if self.ports and checked not in self.ports.values():
            raise ConstructError(where, f"workload {self.ref} does not listen on "
                                 f"{port}/{checked.protocol} (declared: {self.declared()})",
                                 hint="declare the port on the workload or use its name")
        return checked
