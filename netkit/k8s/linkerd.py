"""Builders for Linkerd policy resources (policy.linkerd.io)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from netkit.k8s.meta import meta

GROUP = "policy.linkerd.io"
DEFAULT_INBOUND_POLICY = "config.linkerd.io/default-inbound-policy"


def server(name: str, namespace: str, *, pods: Mapping[str, str] | None, port: int
           ) -> dict[str, Any]:
    """A Server: ``port`` of ``pods`` (None: every pod of the namespace), deny by default."""
    return {"apiVersion": f"{GROUP}/v1beta3", "kind": "Server",
            "metadata": meta(name, namespace),
            "spec": {"podSelector": {"matchLabels": dict(pods or {})}, "port": port,
                     "accessPolicy": "deny"}}


def identity_ref(kind: str, name: str, namespace: str | None = None) -> dict[str, Any]:
    """An identityRefs entry: a ServiceAccount (with its namespace) or a Namespace."""
    return {"kind": kind, "name": name} | ({"namespace": namespace} if namespace else {})


def mesh_tls_authentication(name: str, namespace: str, refs: Sequence[dict[str, Any]]
                            ) -> dict[str, Any]:
    """A MeshTLSAuthentication admitting the mTLS identities ``refs`` name."""
    return {"apiVersion": f"{GROUP}/v1alpha1", "kind": "MeshTLSAuthentication",
            "metadata": meta(name, namespace), "spec": {"identityRefs": list(refs)}}


def authorization_policy(name: str, namespace: str, *, server_name: str, authentication: str
                         ) -> dict[str, Any]:
    """An AuthorizationPolicy letting the clients of one MeshTLSAuthentication use a Server."""
    return {"apiVersion": f"{GROUP}/v1alpha1", "kind": "AuthorizationPolicy",
            "metadata": meta(name, namespace),
            "spec": {"targetRef": {"group": GROUP, "kind": "Server", "name": server_name},
                     "requiredAuthenticationRefs": [
                         {"group": GROUP, "kind": "MeshTLSAuthentication",
                          "name": authentication}]}}
