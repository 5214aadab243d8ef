"""BackendTls: the edge speaks TLS to a Service, checking its certificate against a CA."""

from __future__ import annotations

from netkit.constructs.service import Service
from netkit.errors import ConstructError
from netkit.k8s.names import dns1123_subdomain_errors
from netkit.tree import Construct


class BackendTls(Construct):
    """Gateways connect to ``service`` (one ``port``, or all) over TLS with SNI ``hostname``,
    trusting the CA bundle in ConfigMap ``ca_configmap`` or Secret ``ca_secret`` (key
    ``ca.crt``), or the system CAs (``system_ca=True``); the certificate must match
    ``hostname``."""

    def __init__(self, scope: Construct, id: str, *, service: Service, hostname: str,
                 ca_configmap: str | None = None, ca_secret: str | None = None,
                 system_ca: bool = False, port: int | None = None) -> None:
        super().__init__(scope, id)
        where = self.display_path
        if not isinstance(service, Service):
            raise ConstructError(where, "service must be a Service construct", field="service",
                                 hint="pass the Service that terminates TLS")
        if service.namespace() != scope.namespace():
            raise ConstructError(where, f"{service.ref} is in another namespace",
                                 field="service", hint="a BackendTLSPolicy applies to Services "
                                                       "of its own namespace; create it there")
        if "*" in hostname or (errs := dns1123_subdomain_errors(hostname)):
            problem = "wildcards are not allowed" if "*" in hostname else errs[0]
            raise ConstructError(where, f"hostname {hostname!r}: {problem}", field="hostname",
                                 hint="the name in the backend's certificate, sent as SNI, "
                                      "e.g. api.shop.svc.cluster.local")
        chosen = [k for k, v in (("ca_configmap", ca_configmap), ("ca_secret", ca_secret),
                                 ("system_ca", system_ca or None)) if v is not None]
        if len(chosen) != 1:
            raise ConstructError(where, "give exactly one of ca_configmap, ca_secret or "
                                 f"system_ca (got {', '.join(chosen) or 'none'})",
                                 hint="the CA the backend's certificate must chain to")
        for field, value in (("ca_configmap", ca_configmap), ("ca_secret", ca_secret)):
            if value is not None and (errs := dns1123_subdomain_errors(value)):
                raise ConstructError(where, f"{field} {value!r}: {errs[0]}", field=field,
                                     hint="the name of the object holding ca.crt")
        self.section: str | None = None
        if port is not None:
            named = service.service_port(port, where)
            if named.name is None:
                raise ConstructError(where, f"port {port} of {service.ref} has no name, and a "
                                     "policy targets a Service port by name", field="port",
                                     hint="give the Service port a name (port_name=), or drop "
                                          "port= to cover every port")
            self.section = named.name
        self.service = service
        self.hostname = hostname
        self.ca_configmap = ca_configmap
        self.ca_secret = ca_secret
        self.system_ca = system_ca
        others = [c for c in scope.node.children if isinstance(c, BackendTls)
                  and c is not self and c.service is service
                  and (None in (c.section, self.section) or c.section == self.section)]
        if others:
            raise ConstructError(where, f"{others[0].display_path} already sets TLS for "
                                 f"{service.ref}", hint="one BackendTls per Service port")
