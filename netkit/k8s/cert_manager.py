"""Builders for cert-manager (cert-manager.io/v1) objects."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from netkit.k8s.meta import meta

API_VERSION = "cert-manager.io/v1"


def certificate(name: str, namespace: str, *, secret: str, dns_names: Sequence[str],
                issuer: str, issuer_kind: str) -> dict[str, Any]:
    """A Certificate for ``dns_names`` stored in Secret ``secret``."""
    return {"apiVersion": API_VERSION, "kind": "Certificate", "metadata": meta(name, namespace),
            "spec": {"secretName": secret, "dnsNames": list(dns_names),
                     "issuerRef": {"group": "cert-manager.io", "kind": issuer_kind,
                                   "name": issuer},
                     "privateKey": {"algorithm": "ECDSA", "size": 256,
                                    "rotationPolicy": "Always"}}}


def acme_cluster_issuer(name: str, *, email: str, server: str, account_key_secret: str,
                        http01: dict[str, Any]) -> dict[str, Any]:
    """An ACME ClusterIssuer with one HTTP-01 solver."""
    return {"apiVersion": API_VERSION, "kind": "ClusterIssuer", "metadata": meta(name),
            "spec": {"acme": {"email": email, "server": server,
                              "privateKeySecretRef": {"name": account_key_secret},
                              "solvers": [{"http01": http01}]}}}
