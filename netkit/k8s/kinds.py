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


# The API groups kube-apiserver serves itself (not CustomResourceDefinitions).
BUILTIN_GROUPS: frozenset[str] = frozenset({
    "", "admissionregistration.k8s.io", "apiextensions.k8s.io", "apiregistration.k8s.io",
    "apps", "authentication.k8s.io", "authorization.k8s.io", "autoscaling", "batch",
    "certificates.k8s.io", "coordination.k8s.io", "discovery.k8s.io", "events.k8s.io",
    "flowcontrol.apiserver.k8s.io", "internal.apiserver.k8s.io", "networking.k8s.io",
    "node.k8s.io", "policy", "rbac.authorization.k8s.io", "resource.k8s.io",
    "scheduling.k8s.io", "storage.k8s.io", "storagemigration.k8s.io",
})


def is_builtin_group(api_version: str) -> bool:
    """Whether ``api_version`` (``apps/v1``, ``v1``) belongs to a group kube-apiserver serves
    itself rather than a CRD."""
    group, _, _ = api_version.rpartition("/")
    return group in BUILTIN_GROUPS


def is_builtin(api_version: object, kind: object) -> bool:
    """Whether ``apiVersion``/``kind`` is a built-in kind netkit reads, at its served version."""
    return isinstance(kind, str) and BUILTIN_API_VERSIONS.get(kind) == api_version


def is_cluster_scoped(kind: str) -> bool:
    """Whether objects of ``kind`` have no namespace."""
    return kind in CLUSTER_SCOPED
