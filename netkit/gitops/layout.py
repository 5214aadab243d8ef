"""Where each object goes: ``<cluster>/<namespace>/<kind>-<name>.yaml`` plus kustomizations."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from netkit.errors import InvalidNameError
from netkit.gitops.lock import NAME_MAX, sha256
from netkit.inputs.identities import IDENTITY_DIR, IDENTITY_FILE, identity
from netkit.k8s.kinds import is_cluster_scoped
from netkit.k8s.names import dns1123_label_errors, kind_errors, name_errors, name_format
from netkit.k8s.pods import PodTemplate
from netkit.objects import KubeObject
from netkit.target import DEFAULT_CLUSTER

CLUSTER_DIR = "_cluster"
ARGOCD_DIR = "_argocd"
ARGO_GROUP = "argoproj.io/"
ARGO_KINDS = ("Application", "ApplicationSet", "AppProject")
KUSTOMIZATION = "kustomization.yaml"


def object_path(ro: KubeObject) -> str:
    """The repository path of one object, after checking its names are safe and valid."""
    cluster = ro.target.cluster if ro.target is not None else DEFAULT_CLUSTER
    kind, name, ns, where = ro.kind, ro.name, ro.metadata.get("namespace"), ro.origin or ""
    if errs := kind_errors(kind):
        raise InvalidNameError(where, f"kind {kind[:63]!r}{'...' * (len(kind) > 63)} is invalid: "
                               f"{errs[0]}", field="kind",
                               hint="use the kind of the resource, like ConfigMap")
    if errs := name_errors(kind, name):
        raise InvalidNameError(where, f"{kind} name {name!r} is not a valid "
                               f"{name_format(kind)}: {errs[0]}", field="metadata.name",
                               hint="shorten or rename the construct ids it derives from")
    if is_cluster_scoped(kind):
        directory = CLUSTER_DIR
    elif kind in ARGO_KINDS and str(ro.obj.get("apiVersion", "")).startswith(ARGO_GROUP):
        directory = ARGOCD_DIR
    else:
        if ns is None:
            raise InvalidNameError(where, f"{kind} {name!r} has no namespace",
                                   field="metadata.namespace", hint="set a namespace")
        if errs := dns1123_label_errors(ns):
            raise InvalidNameError(where, f"namespace {ns!r} is invalid: {errs[0]}",
                                   field="metadata.namespace", hint="use a DNS-1123 label")
        directory = ns
    return f"{cluster}/{directory}/{file_name(kind, name)}"


def file_name(kind: str, name: str) -> str:
    """``<kind>-<name>.yaml``; past NAME_MAX bytes, cut short and ended by a hash of the whole."""
    full = f"{kind.lower()}-{name}.yaml"
    if len(full.encode()) <= NAME_MAX:
        return full
    tail = f"-{sha256(full.encode())[:12]}.yaml"
    return full.encode()[:NAME_MAX - len(tail)].decode(errors="ignore") + tail


def kustomization(resources: Iterable[str]) -> str:
    """A kustomization.yaml listing ``resources`` in sorted order."""
    from netkit.serialize import dump

    return dump({"apiVersion": "kustomize.config.k8s.io/v1beta1", "kind": "Kustomization",
                 "resources": sorted(resources)})


def by_path(objects: Iterable[KubeObject]) -> dict[str, KubeObject]:
    """Each object under its repository path; two objects on one path are an error."""
    origins: dict[str, KubeObject] = {}
    for ro in objects:
        path = object_path(ro)
        if path in origins:
            other = origins[path]
            raise InvalidNameError(ro.origin or "", f"{ro.ref} collides with {other.ref} from "
                                   f"{other.blueprint}:{other.origin} (both write {path})",
                                   hint="rename one of the constructs; netkit never merges or "
                                        "truncates names")
        origins[path] = ro
    return origins


def layout(placed: Mapping[str, KubeObject]) -> dict[str, bytes]:
    """Every file of the GitOps tree (relative POSIX path → bytes) of objects ``placed`` by
    :func:`by_path`, with the kustomizations."""
    # Imported when files are made: a check whose memo holds makes none.
    from netkit.serialize import dump

    files = {path: dump(ro.obj).encode() for path, ro in placed.items()}
    children: dict[str, set[str]] = {}
    for path in files:  # cluster/directory/file
        folder, name = path.rsplit("/", 1)
        cluster, directory = folder.rsplit("/", 1)
        children.setdefault(folder, set()).add(name)
        children.setdefault(cluster, set()).add(directory)
    for directory, names in children.items():
        files[f"{directory}/{KUSTOMIZATION}"] = kustomization(names).encode()
    return dict(sorted(files.items()))


def identity_files(workloads: Iterable[tuple[str, PodTemplate]],
                   directories: dict[tuple[str, str], str]) -> dict[str, bytes]:
    """``.netkit/workloads.yaml`` with the identities of ``(cluster, workload)`` pairs: in
    each namespace's directory (``directories``: (cluster, namespace) → path), else in the
    cluster's directory of cluster-scoped objects. No kustomization lists them."""
    from netkit.serialize import dump_all

    by_file: dict[str, list[PodTemplate]] = {}
    for cluster, w in workloads:
        folder = directories.get((cluster, w.namespace), f"{cluster}/{CLUSTER_DIR}")
        by_file.setdefault(f"{folder}/{IDENTITY_DIR}/{IDENTITY_FILE}", []).append(w)
    return {path: dump_all(identity(w) for w in sorted(ws, key=lambda w: w.id)).encode()
            for path, ws in sorted(by_file.items())}
