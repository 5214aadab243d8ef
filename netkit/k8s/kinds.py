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


def is_cluster_scoped(kind: str) -> bool:
    """Whether objects of ``kind`` have no namespace."""
    return kind in CLUSTER_SCOPED
