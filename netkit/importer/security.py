"""Client address allow-lists, which ingress-nginx enforced at the proxy, as the Envoy Gateway
SecurityPolicy that enforces them at the gateway."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from netkit.k8s.gateway_api import GROUP
from netkit.k8s.meta import meta


def client_cidr_policy(name: str, namespace: str, routes: Sequence[str],
                       cidrs: Sequence[str]) -> dict[str, Any]:
    """A SecurityPolicy denying requests to ``routes`` from clients outside ``cidrs``."""
    return {"apiVersion": "gateway.envoyproxy.io/v1alpha1", "kind": "SecurityPolicy",
            "metadata": meta(name, namespace),
            "spec": {"targetRefs": [{"group": GROUP, "kind": "HTTPRoute", "name": r}
                                    for r in routes],
                     "authorization": {"defaultAction": "Deny", "rules": [{
                         "action": "Allow", "principal": {"clientCIDRs": list(cidrs)}}]}}}
