"""Facts about kinds: which are cluster-scoped."""

from __future__ import annotations

CLUSTER_SCOPED: frozenset[str] = frozenset({
    "APIService", "CertificateSigningRequest", "ClusterIssuer", "ClusterRole",
    "ClusterRoleBinding", "CSIDriver", "CSINode", "CustomResourceDefinition", "GatewayClass",
    "IngressClass", "MutatingWebhookConfiguration", "Namespace", "Node", "PersistentVolume",
    "PriorityClass", "RuntimeClass", "StorageClass", "ValidatingAdmissionPolicy",
    "ValidatingAdmissionPolicyBinding", "ValidatingWebhookConfiguration", "VolumeAttachment",
    "CiliumClusterwideNetworkPolicy", "GlobalNetworkPolicy", "ClusterNetworkPolicy",
    "AdminNetworkPolicy", "BaselineAdminNetworkPolicy",
})


# The served version of each built-in kind that netkit reads beyond its schema (workloads,
# Services, Namespaces, policies, entry points); an object of such a kind with another
# apiVersion (a typo, a retired version, Calico's own NetworkPolicy) is not that kind.
BUILTIN_API_VERSIONS: dict[str, str] = {
    "Namespace": "v1", "Service": "v1", "Pod": "v1", "ReplicationController": "v1",
    "Deployment": "apps/v1", "StatefulSet": "apps/v1", "DaemonSet": "apps/v1",
    "ReplicaSet": "apps/v1", "Job": "batch/v1", "CronJob": "batch/v1",
    "NetworkPolicy": "networking.k8s.io/v1", "Ingress": "networking.k8s.io/v1",
    "IngressClass": "networking.k8s.io/v1",
}


def is_builtin(api_version: object, kind: object) -> bool:
    """Whether ``apiVersion``/``kind`` is a built-in kind netkit reads, at its served version."""
    return isinstance(kind, str) and BUILTIN_API_VERSIONS.get(kind) == api_version


def is_cluster_scoped(kind: str) -> bool:
    """Whether objects of ``kind`` have no namespace."""
    return kind in CLUSTER_SCOPED
