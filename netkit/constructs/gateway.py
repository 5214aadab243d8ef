"""Platform edge constructs: GatewayClass and a shared Gateway."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Literal

from pydantic import field_validator, model_validator

from netkit.errors import ConstructError
from netkit.k8s.names import dns1123_subdomain_errors
from netkit.spec import Input, check_choice, check_port_number, host_errors, parse
from netkit.tree import Construct

NamespaceFrom = Literal["All", "Same", "Selector"]


class Listener(Input):
    """A Gateway listener: ``name``, ``port``, ``protocol``, optional hostname and TLS Secret."""

    name: str
    port: int
    protocol: Literal["HTTP", "HTTPS", "TLS", "TCP", "UDP"] = "HTTP"
    hostname: str | None = None
    tls_secret: str | None = None
    client_ca: str | None = None
    client_ca_mode: Literal["AllowValidOnly", "AllowInsecureFallback"] = "AllowValidOnly"

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        if errs := dns1123_subdomain_errors(v):
            raise ValueError(f"listener name {v!r}: {errs[0]}")
        return v

    _port = field_validator("port")(classmethod(lambda cls, v: check_port_number(v)))

    @field_validator("hostname")
    @classmethod
    def _host(cls, v: str | None) -> str | None:
        if v is not None and (errs := host_errors(v)):
            raise ValueError(f"hostname {v!r} {errs[0]}")
        return v

    @field_validator("client_ca")
    @classmethod
    def _ca(cls, v: str | None) -> str | None:
        if v is not None and (errs := dns1123_subdomain_errors(v)):
            raise ValueError(f"client_ca {v!r} (a ConfigMap name): {errs[0]}")
        return v

    @model_validator(mode="after")
    def _tls(self) -> Listener:
        if self.client_ca is not None and self.protocol != "HTTPS":
            raise ValueError(f"client_ca needs an HTTPS listener; {self.name!r} is "
                             f"{self.protocol}")
        if self.protocol == "HTTPS" and self.tls_secret is None:
            raise ValueError(f"HTTPS listener {self.name!r} needs tls_secret")
        if self.protocol in ("HTTP", "TCP", "UDP") and self.tls_secret is not None:
            raise ValueError(f"{self.protocol} listener {self.name!r} cannot have tls_secret")
        return self


def listener(name: str, port: int, protocol: str = "HTTP", *, hostname: str | None = None,
             tls_secret: str | None = None, client_ca: str | None = None,
             client_ca_mode: str = "AllowValidOnly") -> Listener:
    """A Listener, checked; ``client_ca`` names a ConfigMap (key ``ca.crt``) whose CAs client
    certificates must chain to (``client_ca_mode="AllowInsecureFallback"`` admits clients
    without one)."""
    checked = parse(Listener, f"listener({name!r})", name=name, port=port, protocol=protocol,
                    hostname=hostname, tls_secret=tls_secret, client_ca=client_ca,
                    client_ca_mode=client_ca_mode)
    assert isinstance(checked, Listener)
    return checked


class GatewayClass(Construct):
    """A GatewayClass; the controller defaults to the target's gateway implementation."""

    def __init__(self, scope: Construct, id: str, *, controller_name: str | None = None,
                 description: str | None = None) -> None:
        super().__init__(scope, id)
        self.controller_name = controller_name
        self.description = description


class Gateway(Construct):
    """A Gateway whose listeners are shared by app namespaces' routes and ListenerSets."""

    def __init__(self, scope: Construct, id: str, *, gateway_class: str | None = None,
                 listeners: Sequence[Listener] | None = None,
                 allowed_routes: NamespaceFrom = "All",
                 route_namespace_labels: Mapping[str, str] | None = None,
                 allowed_listener_sets: NamespaceFrom | Literal["None"] = "All",
                 listener_set_namespace_labels: Mapping[str, str] | None = None) -> None:
        super().__init__(scope, id)
        where = self.display_path
        if scope.namespace() is None:
            raise ConstructError(where, "a Gateway must be created in a namespace",
                                 hint="create it in the platform's gateway Namespace")
        self.gateway_class = gateway_class
        self.listeners = list(listeners) if listeners is not None else [listener("http", 80)]
        names = [x.name for x in self.listeners]
        if not names:
            raise ConstructError(where, "a Gateway needs at least one listener",
                                 field="listeners", hint="e.g. listeners=[listener('http', 80)]")
        if len(set(names)) != len(names):
            raise ConstructError(where, "listener names must be unique", field="listeners",
                                 hint="routes attach by listener name (sectionName)")
        ports = [(x.port, x.protocol, x.hostname) for x in self.listeners]
        if len(set(ports)) != len(ports):
            raise ConstructError(where, "two listeners share port, protocol and hostname",
                                 field="listeners", hint="give them different hostnames")
        self.client_validation = self._client_validation(where)
        for field, mode, labels in (("allowed_routes", allowed_routes, route_namespace_labels),
                                    ("allowed_listener_sets", allowed_listener_sets,
                                     listener_set_namespace_labels)):
            choices = ("All", "Same", "Selector", "None") if field == "allowed_listener_sets" else (
                "All", "Same", "Selector")
            check_choice(mode, choices, where, field=field)
            if mode == "Selector" and not labels:
                raise ConstructError(where, f"{field}='Selector' needs namespace labels",
                                     field=field, hint="pass the *_namespace_labels option")
            if mode != "Selector" and labels:
                raise ConstructError(where, f"namespace labels need {field}='Selector'",
                                     field=field, hint=f"set {field}='Selector'")
        self.allowed_routes = allowed_routes
        self.route_namespace_labels = dict(route_namespace_labels or {})
        self.allowed_listener_sets = allowed_listener_sets
        self.listener_set_namespace_labels = dict(listener_set_namespace_labels or {})

    def _client_validation(self, where: str) -> dict[int, tuple[str, str]]:
        """Port → (CA ConfigMap, mode): Gateway API validates client certificates per port, so
        every HTTPS listener on a port must ask for the same."""
        out: dict[int, tuple[str, str]] = {}
        for port in sorted({x.port for x in self.listeners if x.client_ca is not None}):
            https = [x for x in self.listeners if x.port == port and x.protocol == "HTTPS"]
            wanted = {(x.client_ca, x.client_ca_mode) for x in https}
            if len(wanted) > 1:
                names = ", ".join(x.name for x in https)
                raise ConstructError(where, f"HTTPS listeners on port {port} ({names}) ask for "
                                     "different client-certificate validation", field="listeners",
                                     hint="Gateway API sets it per port: give them the same "
                                          "client_ca and mode, or different ports")
            ca, mode = wanted.pop()
            assert ca is not None
            out[port] = (ca, mode)
        return out
