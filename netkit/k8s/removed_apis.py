"""API versions Kubernetes no longer serves (its deprecation guide), with their successors."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RemovedApi:
    """``kind`` at ``api_version``, removed in Kubernetes ``removed_in`` (None: never served);
    ``same_schema`` when the successor reads the same fields the same way."""

    api_version: str
    kind: str
    removed_in: tuple[int, int] | None
    successor: str | None
    same_schema: bool = False

    def message(self, version: tuple[int, int]) -> str:
        """Why a cluster of ``version`` refuses the object."""
        name = f"{self.api_version} {self.kind}"
        if self.removed_in is None:
            return f"{name} is not an API Kubernetes serves (it never was)"
        return (f"{name} was removed in Kubernetes {self.removed_in[0]}.{self.removed_in[1]}, "
                f"so Kubernetes {version[0]}.{version[1]} does not serve it")

    @property
    def hint(self) -> str:
        """How to move to the served version."""
        if self.successor is None:
            return f"{self.kind} has no successor: remove the object"
        change = "" if self.same_schema else " and convert its fields (kubectl convert)"
        return f"use apiVersion: {self.successor}{change}"


def _table() -> dict[tuple[str, str], RemovedApi]:
    rows = [
        # (old apiVersion, kinds, removed in, successor, same schema)
        ("extensions/v1beta1", ("NetworkPolicy",), (1, 16), "networking.k8s.io/v1", True),
        ("networking.k8s.io/v1beta1", ("NetworkPolicy",), None, "networking.k8s.io/v1", True),
        ("extensions/v1beta1", ("Deployment", "DaemonSet", "ReplicaSet"), (1, 16), "apps/v1",
         True),
        ("apps/v1beta1", ("Deployment", "StatefulSet"), (1, 16), "apps/v1", True),
        ("apps/v1beta2", ("Deployment", "DaemonSet", "ReplicaSet", "StatefulSet"), (1, 16),
         "apps/v1", True),
        ("extensions/v1beta1", ("PodSecurityPolicy",), (1, 16), None, False),
        ("extensions/v1beta1", ("Ingress",), (1, 22), "networking.k8s.io/v1", False),
        ("networking.k8s.io/v1beta1", ("Ingress",), (1, 22), "networking.k8s.io/v1", False),
        ("networking.k8s.io/v1beta1", ("IngressClass",), (1, 22), "networking.k8s.io/v1", True),
        ("batch/v1beta1", ("CronJob",), (1, 25), "batch/v1", True),
        ("discovery.k8s.io/v1beta1", ("EndpointSlice",), (1, 25), "discovery.k8s.io/v1",
         False),
        ("policy/v1beta1", ("PodDisruptionBudget",), (1, 25), "policy/v1", False),
        ("policy/v1beta1", ("PodSecurityPolicy",), (1, 25), None, False),
        ("autoscaling/v2beta1", ("HorizontalPodAutoscaler",), (1, 25), "autoscaling/v2", False),
        ("autoscaling/v2beta2", ("HorizontalPodAutoscaler",), (1, 26), "autoscaling/v2", True),
    ]
    return {(api, kind): RemovedApi(api, kind, removed, successor, same)
            for api, kinds, removed, successor, same in rows for kind in kinds}


REMOVED_APIS = _table()


def removed_api(api_version: str, kind: str, version: tuple[int, int]) -> RemovedApi | None:
    """The entry for ``kind`` at ``api_version`` when a cluster of ``version`` does not serve
    it."""
    entry = REMOVED_APIS.get((api_version, kind))
    if entry is None or (entry.removed_in is not None and entry.removed_in > version):
        return None
    return entry
