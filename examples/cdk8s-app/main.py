"""A cdk8s app whose Deployment (cdk8s-plus) sits behind a netkit TlsIngress in a
ZeroTrustNamespace; `python main.py` writes dist/."""

from __future__ import annotations

import netkit.cdk8s as bridge  # first: it points jsii at Node.js before cdk8s starts it

# isort: split
import cdk8s
import cdk8s_plus_33 as kplus

from netkit import Blueprint, Target
from netkit.constructs import Service, TlsIngress, ZeroTrustNamespace


def build(outdir: str = "dist") -> cdk8s.App:
    """The app: the team's own chart, and the network chart netkit makes for it."""
    app = cdk8s.App(outdir=outdir)
    web = cdk8s.Chart(app, "web", namespace="shop", disable_resource_name_hashes=True)
    kplus.Deployment(web, "web", metadata=cdk8s.ApiObjectMetadata(name="web"), replicas=2,
                     containers=[kplus.ContainerProps(image="registry.example.com/web:1.4",
                                                      port_number=8080)])

    bp = Blueprint("shop", target=Target(ingress="gateway-api", gateway="envoy-gateway"))
    shop = ZeroTrustNamespace(bp, "shop", pod_security="restricted")
    workloads = bridge.declare_workloads(shop, web)  # labels as cdk8s-plus generated them
    site_svc = Service(shop, "web", workload=workloads["web"], port=80, target_port=8080)
    TlsIngress(shop, "site", hosts=["shop.example.com"], issuer="letsencrypt-prod").route(
        "/", site_svc)
    bridge.NetkitChart(app, "network", bp)
    return app


if __name__ == "__main__":
    build().synth()
