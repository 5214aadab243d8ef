"""ClusterIssuer: a cert-manager ACME issuer solving HTTP-01 through the edge."""

from __future__ import annotations

from typing import Literal

from netkit.errors import ConstructError
from netkit.spec import check_choice
from netkit.tree import Construct

ACME_SERVERS = {
    "production": "https://acme-v02.api.letsencrypt.org/directory",
    "staging": "https://acme-staging-v02.api.letsencrypt.org/directory",
}


class ClusterIssuer(Construct):
    """An ACME ClusterIssuer; HTTP-01 goes through the shared Gateway or the ingress class.

    ``solver="auto"`` follows the target: Gateway API targets use ``gatewayHTTPRoute`` on the
    shared Gateway's HTTP listener, ingress-nginx uses ``ingress`` with its class.
    """

    def __init__(self, scope: Construct, id: str, *, email: str,
                 server: str = "production",
                 solver: Literal["auto", "gateway", "ingress"] = "auto",
                 private_key_secret: str | None = None) -> None:
        super().__init__(scope, id)
        where = self.display_path
        if scope.namespace() is not None:
            raise ConstructError(where, "a ClusterIssuer is cluster-scoped",
                                 hint="create it directly in the Blueprint")
        if "@" not in email or email.startswith("@") or email.endswith("@"):
            raise ConstructError(where, f"email {email!r} is not an address", field="email",
                                 hint="the ACME account contact, e.g. ops@example.com")
        url = ACME_SERVERS.get(server, server)
        if not url.startswith("https://"):
            raise ConstructError(where, f"server {server!r} is not 'production', 'staging' "
                                 "or an https:// ACME directory URL", field="server",
                                 hint="e.g. server='staging' while testing")
        check_choice(solver, ("auto", "gateway", "ingress"), where, field="solver")
        self.email = email
        self.server = url
        self.solver = solver
        self.private_key_secret = private_key_secret or f"{id}-account-key"
