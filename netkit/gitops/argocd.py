"""Argo CD: sync waves and options on netkit's objects, and the Applications that sync them."""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from netkit.k8s.meta import meta
from netkit.objects import KubeObject
from netkit.target import Target

WAVE = "argocd.argoproj.io/sync-wave"
SYNC_OPTIONS = "argocd.argoproj.io/sync-options"
BUILTIN_GROUPS = ("", "networking.k8s.io", "apps", "batch", "policy",
                  "rbac.authorization.k8s.io")

# Namespaces and the platform edge first; allow-policies before the default deny, so turning
# a namespace to zero trust never cuts live traffic; routes and rate limits after Services.
_KIND_WAVES = {"Namespace": -20, "GatewayClass": -10, "ClusterIssuer": -10, "Gateway": -10,
               "ListenerSet": -5, "ReferenceGrant": -5, "Certificate": -5, "Service": 0,
               "NetworkPolicy": 0, "CiliumNetworkPolicy": 0, "HTTPRoute": 10, "GRPCRoute": 10,
               "Ingress": 10, "BackendTrafficPolicy": 15, "RateLimitPolicy": 15}
DEFAULT_DENY_WAVE = 5


class ArgoCdConfig(BaseModel):
    """``[tool.netkit.argocd]``: where Argo CD finds the repository and how to sync it."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    repo_url: str
    revision: str = "HEAD"
    project: str = "default"
    path_prefix: str = ""
    mode: Literal["applicationset", "applications"] = "applicationset"
    namespace: str = "argocd"
    server: str = "https://kubernetes.default.svc"


def sync_wave(obj: dict[str, Any]) -> int:
    """The wave an object syncs in."""
    kind = str(obj.get("kind"))
    if kind == "NetworkPolicy" and str(obj["metadata"].get("name", "")).startswith(
            "default-deny"):
        return DEFAULT_DENY_WAVE
    return _KIND_WAVES.get(kind, 0)


def is_custom(obj: dict[str, Any]) -> bool:
    """Whether the object is a custom resource (its CRD may arrive in the same sync)."""
    group = str(obj.get("apiVersion", "")).rpartition("/")[0]
    return group not in BUILTIN_GROUPS


def annotate(ro: KubeObject) -> KubeObject:
    """A copy with its sync wave, and SkipDryRunOnMissingResource on custom resources."""
    md = dict(ro.obj["metadata"])
    annotations = {**md.get("annotations", {}), WAVE: str(sync_wave(ro.obj))}
    if is_custom(ro.obj):
        annotations[SYNC_OPTIONS] = "SkipDryRunOnMissingResource=true"
    md["annotations"] = annotations
    return replace(ro, obj={**ro.obj, "metadata": md})


def _path(cfg: ArgoCdConfig, *parts: str) -> str:
    return "/".join(p.strip("/") for p in (cfg.path_prefix, *parts) if p.strip("/"))


def _app_spec(cfg: ArgoCdConfig, path: str) -> dict[str, Any]:
    return {"project": cfg.project,
            "source": {"repoURL": cfg.repo_url, "targetRevision": cfg.revision, "path": path},
            "destination": {"server": cfg.server},
            "syncPolicy": {"automated": {"prune": True, "selfHeal": True},
                           # Applications sync independently: retry until the namespaces
                           # (synced by the _cluster Application) exist.
                           "retry": {"limit": 10, "backoff": {"duration": "5s", "factor": 2,
                                                              "maxDuration": "3m"}}}}


def applications(cfg: ArgoCdConfig, target: Target, directories: list[str]
                 ) -> list[dict[str, Any]]:
    """The Argo CD objects syncing one cluster's directories (no CreateNamespace: netkit owns
    the Namespace objects)."""
    cluster = target.cluster
    if cfg.mode == "applications":
        return [{"apiVersion": "argoproj.io/v1alpha1", "kind": "Application",
                 "metadata": meta(f"{cluster}-{d.strip('_')}", cfg.namespace,
                                  annotations={"argocd.argoproj.io/sync-wave":
                                               "-30" if d.startswith("_") else "0"}),
                 "spec": _app_spec(cfg, _path(cfg, cluster, d))} for d in sorted(directories)]
    generator = {"git": {"repoURL": cfg.repo_url, "revision": cfg.revision, "directories": [
        {"path": _path(cfg, cluster, "*")},
        {"path": _path(cfg, cluster, "_argocd"), "exclude": True}]}}
    template = {"metadata": {"name": f"{cluster}-{{{{path.basenameNormalized}}}}"},
                "spec": _app_spec(cfg, "{{path}}")}
    return [{"apiVersion": "argoproj.io/v1alpha1", "kind": "ApplicationSet",
             "metadata": meta(f"{cluster}-netkit", cfg.namespace),
             "spec": {"generators": [generator], "template": template}}]
