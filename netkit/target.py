"""Target: the cluster a blueprint renders for (Kubernetes version, ingress, gateway, CNI,
mesh)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from netkit.errors import ConfigError, first_error
from netkit.k8s.names import dns1123_label_errors, dns1123_subdomain_errors
from netkit.versions import DEFAULT_KUBERNETES, SUPPORTED_KUBERNETES

Ingress = Literal["gateway-api", "ingress-nginx"]
GatewayImpl = Literal["envoy-gateway", "nginx-gateway-fabric", "cilium", "istio", "none"]
GatewayApiChannel = Literal["standard", "experimental"]
Mesh = Literal["istio", "linkerd"]
Cni = Literal["calico", "cilium", "antrea", "kindnet", "aws-vpc-cni", "weave", "flannel"]
# "staged": namespace policies are evaluated and logged but not enforced (where the CNI can).
Enforcement = Literal["enforced", "staged"]

_PROXY_NAMESPACE_DEFAULTS = {"envoy-gateway": "envoy-gateway-system"}

DEFAULT_CLUSTER = "default"


class GatewayRef(BaseModel):
    """A reference to a Gateway that routes attach to."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = "shared"
    namespace: str = "gateway"
    http_listener: str = "http"

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        if errs := dns1123_subdomain_errors(v):
            raise ValueError(errs[0])
        return v

    @field_validator("namespace")
    @classmethod
    def _namespace(cls, v: str) -> str:
        if errs := dns1123_label_errors(v):
            raise ValueError(errs[0])
        return v


class Target(BaseModel):
    """The cluster a blueprint renders for; renderers read it, constructs never branch on it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kubernetes: str = DEFAULT_KUBERNETES
    ingress: Ingress = "gateway-api"
    gateway: GatewayImpl = "envoy-gateway"
    cni: Cni = "calico"
    enforcement: Enforcement = "enforced"
    cluster: str = DEFAULT_CLUSTER
    shared_gateway: GatewayRef = Field(default_factory=GatewayRef)
    gateway_mode: Literal["shared", "dedicated"] = "shared"
    gateway_class: str = "netkit"
    ingress_class: str = "nginx"
    ingress_namespace: str = "ingress-nginx"
    proxy_namespace: str | None = None
    gateway_api_channel: GatewayApiChannel = "standard"
    mesh: Mesh | None = None
    trust_domain: str = "cluster.local"
    network_policy_api: str = "0.2"
    cluster_mesh: bool = False

    @field_validator("trust_domain")
    @classmethod
    def _domain(cls, v: str) -> str:
        if errs := dns1123_subdomain_errors(v):
            raise ValueError(errs[0])
        return v

    @field_validator("network_policy_api")
    @classmethod
    def _release(cls, v: str) -> str:
        parts = v.removeprefix("v").split(".")
        if len(parts) not in (2, 3) or not all(p.isdigit() for p in parts):
            raise ValueError(f"network-policy-api release {v!r} is not MAJOR.MINOR[.PATCH]")
        return v.removeprefix("v")

    @model_validator(mode="after")
    def _cluster_mesh(self) -> Target:
        if self.cluster_mesh and self.cni != "cilium":
            raise ValueError(f"cluster_mesh is Cilium's ClusterMesh; cni={self.cni!r} has none")
        return self

    @property
    def cluster_network_policy_version(self) -> str:
        """The ClusterNetworkPolicy apiVersion the cluster's network-policy-api release
        serves: v1beta1 from 0.3 on, v1alpha2 before."""
        major, minor = (int(p) for p in self.network_policy_api.split(".")[:2])
        return "v1beta1" if (major, minor) >= (0, 3) else "v1alpha2"

    @field_validator("kubernetes")
    @classmethod
    def _kubernetes(cls, v: str) -> str:
        if v not in SUPPORTED_KUBERNETES:
            raise ValueError(f"unsupported version {v!r}; supported: "
                             f"{', '.join(SUPPORTED_KUBERNETES)}")
        return v

    @field_validator("cluster", "ingress_namespace", "proxy_namespace")
    @classmethod
    def _label(cls, v: str | None) -> str | None:
        if v is not None and (errs := dns1123_label_errors(v)):
            raise ValueError(errs[0])
        return v

    @model_validator(mode="after")
    def _cilium_gateway(self) -> Target:
        if self.gateway == "cilium" and self.cni != "cilium":
            raise ValueError(f"gateway='cilium' is part of the Cilium CNI, but cni={self.cni!r}")
        return self

    @property
    def edge_namespace(self) -> str:
        """The namespace whose pods carry traffic from the edge to backends."""
        if self.ingress == "ingress-nginx":
            return self.ingress_namespace
        if self.proxy_namespace:
            return self.proxy_namespace
        return _PROXY_NAMESPACE_DEFAULTS.get(self.gateway, self.shared_gateway.namespace)

    def with_overrides(self, overrides: dict[str, str]) -> Target:
        """A copy with ``key=value`` overrides applied; dotted keys reach nested fields."""
        data: dict[str, Any] = self.model_dump()
        for key, value in overrides.items():
            *parents, leaf = key.split(".")
            node = data
            for part in parents:
                child = node.get(part)
                if not isinstance(child, dict):
                    raise ConfigError("--target", f"unknown target field {key!r}",
                                      hint=f"fields: {', '.join(sorted(data))}")
                node = child
            if leaf not in node:
                raise ConfigError("--target", f"unknown target field {key!r}",
                                  hint=f"fields: {', '.join(sorted(node))}")
            node[leaf] = None if value == "" else value
        try:
            return Target.model_validate(data)
        except ValidationError as exc:
            loc, message = first_error(exc)
            raise ConfigError("--target", f"{loc}: {message}" if loc else message,
                              hint="see `netkit synth --help` for target fields") from None
