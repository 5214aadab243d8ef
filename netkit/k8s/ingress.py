"""Builders for networking.k8s.io/v1 Ingress."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from netkit.k8s.meta import meta


def ingress_path(path: str, path_type: str, service: str, port: int) -> dict[str, Any]:
    """One HTTPIngressPath to a Service port by number."""
    return {"path": path, "pathType": path_type,
            "backend": {"service": {"name": service, "port": {"number": port}}}}


def ingress(name: str, namespace: str, *, ingress_class: str, hosts: Sequence[str],
            paths: Sequence[dict[str, Any]], tls_secret: str | None,
            annotations: Mapping[str, str] | None = None) -> dict[str, Any]:
    """An Ingress routing the same ``paths`` on every host, with optional TLS."""
    spec: dict[str, Any] = {"ingressClassName": ingress_class,
                            "rules": [{"host": h, "http": {"paths": list(paths)}} for h in hosts]}
    if tls_secret is not None:
        spec["tls"] = [{"hosts": list(hosts), "secretName": tls_secret}]
    return {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
            "metadata": meta(name, namespace, annotations=annotations), "spec": spec}
