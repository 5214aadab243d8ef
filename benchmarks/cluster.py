"""Synthetic clusters: namespaces x apps x replicas, default deny, DNS egress, app-to-app and
cross-namespace allows with named ports. Writes namespaces.yaml, pods.yaml, policies.yaml, and
with --tiers tiers.yaml: ClusterNetworkPolicies in both tiers, an AdminNetworkPolicy and a
BaselineAdminNetworkPolicy, and per namespace CiliumNetworkPolicies (L7, FQDN, deny rules)
plus a CiliumClusterwideNetworkPolicy.

Usage: python benchmarks/cluster.py OUT_DIR [--namespaces 20] [--apps 10] [--replicas 5]
       [--tiers]
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from netkit.serialize import dump_all


def _np(name: str, ns: str, spec: dict[str, Any]) -> dict[str, Any]:
    return {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
            "metadata": {"name": name, "namespace": ns}, "spec": spec}


def _cluster_policy(name: str, tier: str, priority: int, **spec: Any) -> dict[str, Any]:
    return {"apiVersion": "policy.networking.k8s.io/v1alpha2", "kind": "ClusterNetworkPolicy",
            "metadata": {"name": name}, "spec": {"tier": tier, "priority": priority, **spec}}


def _cilium(name: str, ns: str | None, spec: dict[str, Any]) -> dict[str, Any]:
    md: dict[str, Any] = {"name": name}
    if ns is not None:
        md["namespace"] = ns
    return {"apiVersion": "cilium.io/v2",
            "kind": "CiliumNetworkPolicy" if ns else "CiliumClusterwideNetworkPolicy",
            "metadata": md, "spec": spec}


def _by_name(ns: str) -> dict[str, Any]:
    return {"matchLabels": {"kubernetes.io/metadata.name": ns}}


def tiers(names: list[str], apps: int) -> list[dict[str, Any]]:
    """Tiered policies: 3 ClusterNetworkPolicies, an AdminNetworkPolicy, the
    BaselineAdminNetworkPolicy, a CiliumClusterwideNetworkPolicy and 2 CiliumNetworkPolicies
    per namespace."""
    everyone: dict[str, Any] = {"namespaces": {}}
    out = [
        _cluster_policy("platform-guardrails", "Admin", 10, subject=everyone, egress=[
            {"name": "dns", "action": "Accept",
             "to": [{"pods": {"namespaceSelector": _by_name("kube-system"),
                              "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}}}}],
             "protocols": [{"udp": {"destinationPort": {"number": 53}}},
                           {"tcp": {"destinationPort": {"number": 53}}}]},
            {"name": "no-metadata", "action": "Deny", "to": [{"networks": ["169.254.0.0/16"]}]},
        ], ingress=[
            {"name": "same-namespace", "action": "Pass", "from": [
                {"namespaces": {"matchLabels": {"tier": "t1"}}}]},
            {"name": "metrics-from-t0", "action": "Accept",
             "from": [{"namespaces": {"matchLabels": {"tier": "t0"}}}],
             "protocols": [{"destinationNamedPort": "metrics"}]},
        ]),
        _cluster_policy("t2-isolation", "Admin", 20,
                        subject={"namespaces": {"matchLabels": {"tier": "t2"}}},
                        ingress=[{"name": "no-t1", "action": "Deny", "from": [
                            {"namespaces": {"matchLabels": {"tier": "t1"}}}]}]),
        _cluster_policy("baseline-deny-cross-namespace", "Baseline", 10, subject=everyone,
                        ingress=[{"name": "deny", "action": "Deny", "from": [everyone]}]),
        {"apiVersion": "policy.networking.k8s.io/v1alpha1", "kind": "AdminNetworkPolicy",
         "metadata": {"name": "legacy-allow-probes"},
         "spec": {"priority": 30, "subject": everyone, "ingress": [
             {"name": "probes", "action": "Allow",
              "from": [{"namespaces": _by_name("kube-system")}],
              "ports": [{"portRange": {"protocol": "TCP", "start": 8080, "end": 8099}}]}]}},
        {"apiVersion": "policy.networking.k8s.io/v1alpha1",
         "kind": "BaselineAdminNetworkPolicy", "metadata": {"name": "default"},
         "spec": {"subject": everyone, "egress": [
             {"name": "deny-world", "action": "Deny", "to": [{"networks": ["0.0.0.0/0"]}]}]}},
        _cilium("no-link-local", None, {"endpointSelector": {}, "egressDeny": [
            {"toCIDR": ["169.254.0.0/16"]}]}),
    ]
    for n, ns in enumerate(names):
        out.append(_cilium("app-0-http", ns, {
            "endpointSelector": {"matchLabels": {"app": "app-0"}},
            "ingress": [{"fromEndpoints": [{"matchLabels": {"k8s:app": f"app-{apps - 1}"}}],
                         "toPorts": [{"ports": [{"port": "http", "protocol": "TCP"}],
                                      "rules": {"http": [{"method": "GET"}]}}]}],
            "ingressDeny": [{"fromEndpoints": [{"matchLabels": {
                "k8s:io.kubernetes.pod.namespace": names[(n + 1) % len(names)]}}]}]}))
        out.append(_cilium("egress-to-api", ns, {
            "endpointSelector": {"matchLabels": {"app": f"app-{apps - 1}"}},
            "egress": [{"toFQDNs": [{"matchName": "api.example.com"}],
                        "toPorts": [{"ports": [{"port": "443", "protocol": "TCP"}]}]}],
            "enableDefaultDeny": {"egress": False}}))
    return out


def generate(namespaces: int, apps: int, replicas: int, *, tiered: bool = False
             ) -> dict[str, list[dict[str, Any]]]:
    """The cluster's namespaces, pods and policies (2 + 2 x apps policies per namespace),
    and with ``tiered`` the policies of ``tiers``."""
    nss, pods, policies = [], [], []
    names = [f"team-{n}" for n in range(namespaces)]
    nss.append({"apiVersion": "v1", "kind": "Namespace", "metadata": {
        "name": "kube-system", "labels": {"kubernetes.io/metadata.name": "kube-system"}}})
    for r in range(2):
        pods.append({"apiVersion": "v1", "kind": "Pod", "metadata": {
            "name": f"coredns-{r}", "namespace": "kube-system", "labels": {"k8s-app": "kube-dns"}},
            "spec": {"containers": [{"name": "coredns", "image": "coredns", "ports": [
                {"name": "dns", "containerPort": 53, "protocol": "UDP"},
                {"name": "dns-tcp", "containerPort": 53, "protocol": "TCP"}]}]},
            "status": {"podIP": f"10.96.0.{10 + r}"}})
    for n, ns in enumerate(names):
        nss.append({"apiVersion": "v1", "kind": "Namespace", "metadata": {
            "name": ns, "labels": {"kubernetes.io/metadata.name": ns, "tier": f"t{n % 3}"}}})
        policies.append(_np("default-deny", ns, {"podSelector": {},
                                                 "policyTypes": ["Ingress", "Egress"]}))
        policies.append(_np("allow-dns", ns, {"podSelector": {}, "policyTypes": ["Egress"],
                                              "egress": [{"to": [{"namespaceSelector": {
                                                  "matchLabels": {"kubernetes.io/metadata.name":
                                                                  "kube-system"}},
                                                  "podSelector": {"matchLabels": {
                                                      "k8s-app": "kube-dns"}}}],
                                                  "ports": [{"port": 53, "protocol": "UDP"},
                                                            {"port": 53, "protocol": "TCP"}]}]}))
        for a in range(apps):
            app = f"app-{a}"
            for r in range(replicas):
                pods.append({"apiVersion": "v1", "kind": "Pod", "metadata": {
                    "name": f"{app}-{r}", "namespace": ns,
                    "labels": {"app": app, "version": "v1"}},
                    "spec": {"containers": [{"name": "app", "image": "app", "ports": [
                        {"name": "http", "containerPort": 8080 + a},
                        {"name": "metrics", "containerPort": 9090}]}]},
                    "status": {"podIP": f"10.{n // 200 + 1}.{n % 200}.{a * replicas + r + 1}"}})
            upstream = {"matchLabels": {"app": f"app-{a - 1}"}} if a else {"matchLabels": {
                "app": f"app-{apps - 1}"}}
            sources: list[dict[str, Any]] = [{"podSelector": upstream}]
            if a == 0 and n:
                sources.append({"namespaceSelector": {"matchLabels": {
                    "kubernetes.io/metadata.name": names[n - 1]}},
                    "podSelector": {"matchLabels": {"app": f"app-{apps - 1}"}}})
            policies.append(_np(f"allow-ingress-{app}", ns, {
                "podSelector": {"matchLabels": {"app": app}}, "policyTypes": ["Ingress"],
                "ingress": [{"from": sources, "ports": [{"port": "http"}]},
                            {"from": [{"namespaceSelector": {"matchLabels": {"tier": "t0"}}}],
                             "ports": [{"port": "metrics"}]}]}))
            targets: list[dict[str, Any]] = [{"podSelector": {"matchLabels": {
                "app": f"app-{(a + 1) % apps}"}}}]
            if a == apps - 1 and n + 1 < namespaces:
                targets.append({"namespaceSelector": {"matchLabels": {
                    "kubernetes.io/metadata.name": names[n + 1]}},
                    "podSelector": {"matchLabels": {"app": "app-0"}}})
            policies.append(_np(f"allow-egress-{app}", ns, {
                "podSelector": {"matchLabels": {"app": app}}, "policyTypes": ["Egress"],
                "egress": [{"to": targets, "ports": [{"port": "http"}]},
                           {"to": [{"ipBlock": {"cidr": "203.0.113.0/24",
                                                "except": ["203.0.113.128/25"]}}],
                            "ports": [{"port": 443}]}]}))
    out = {"namespaces": nss, "pods": pods, "policies": policies}
    if tiered:
        out["tiers"] = tiers(names, apps)
    return out


def write(out: Path, cluster: dict[str, list[dict[str, Any]]]) -> None:
    """One multi-document file per part."""
    out.mkdir(parents=True, exist_ok=True)
    for part, objs in cluster.items():
        (out / f"{part}.yaml").write_text(dump_all(objs))


def main() -> None:
    """Write a cluster to OUT_DIR."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path)
    parser.add_argument("--namespaces", type=int, default=20)
    parser.add_argument("--apps", type=int, default=10)
    parser.add_argument("--replicas", type=int, default=5)
    parser.add_argument("--tiers", action="store_true")
    args = parser.parse_args()
    cluster = generate(args.namespaces, args.apps, args.replicas, tiered=args.tiers)
    write(args.out, cluster)
    print(f"{len(cluster['pods'])} pods, {len(cluster['policies'])} policies, "
          f"{len(cluster.get('tiers', []))} tiered policies in {args.out}")


if __name__ == "__main__":
    main()
