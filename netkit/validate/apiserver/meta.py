"""ObjectMeta: name format per kind, namespace, labels and annotations."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

from netkit.k8s.kinds import is_builtin_group, is_cluster_scoped
from netkit.k8s.names import (
    dns1123_label_errors,
    label_value_errors,
    name_errors,
    qualified_name_errors,
)
from netkit.validate.field import Errors

TOTAL_ANNOTATION_SIZE = 256 * 1024
METADATA = "metadata"
NAME = "metadata.name"
NAMESPACE = "metadata.namespace"
GENERATE_NAME = "metadata.generateName"
FINALIZERS = "metadata.finalizers"
# helper.IsStandardFinalizerName: the finalizers Kubernetes itself defines.
STANDARD_FINALIZERS = ("kubernetes", "orphan", "foregroundDeletion")
LABELS = "metadata.labels"
ANNOTATIONS = "metadata.annotations"

MetaCheck = Callable[[dict[str, Any], Errors], None]


def checker(api_version: str, kind: str) -> MetaCheck:
    """ValidateObjectMeta for objects of ``kind``: its name format and scope bound once;
    built-in kinds also get core's finalizer name rule."""
    cluster_scoped = is_cluster_scoped(kind)
    finalizer_rule = finalizer_errors if is_builtin_group(api_version) else qualified_name_errors

    def check(obj: dict[str, Any], errs: Errors) -> None:
        md = obj.get("metadata")
        if not isinstance(md, dict):
            errs.required(METADATA)
            return
        name, generate = md.get("name"), md.get("generateName")
        if not name and not generate:
            errs.required(NAME, "name or generateName is required")
        elif isinstance(name, str):
            errs.extend(NAME, name, name_errors(kind, name))
        if generate and isinstance(generate, str):
            # A prefix: the name function masks one trailing dash (NameIsDNSSubdomain etc.).
            errs.extend(GENERATE_NAME, generate, name_errors(kind, generate.removesuffix("-")))
        ns = md.get("namespace")
        if ns is not None:
            if cluster_scoped:
                errs.forbidden(NAMESPACE, "not allowed on this type")
            elif isinstance(ns, str):
                errs.extend(NAMESPACE, ns, dns1123_label_errors(ns))
        finalizers = [f for f in md.get("finalizers") or [] if isinstance(f, str)]
        for finalizer in finalizers:
            errs.extend(FINALIZERS, finalizer, finalizer_rule(finalizer))
        if "orphan" in finalizers and "foregroundDeletion" in finalizers:
            errs.invalid(FINALIZERS, finalizers,
                         "finalizer orphan and foregroundDeletion cannot be both set")
        if md.get("labels"):
            check_labels(md["labels"], LABELS, errs)
        if md.get("annotations"):
            check_annotations(md["annotations"], ANNOTATIONS, errs)

    return check


def finalizer_errors(name: str) -> list[str]:
    """Why ``name`` is not a finalizer of a built-in object: a qualified name, and either
    domain-prefixed or a standard one (core validation validateKubeFinalizerName)."""
    errs = qualified_name_errors(name)
    if not errs and "/" not in name and name not in STANDARD_FINALIZERS:
        errs.append("name is neither a standard finalizer name nor is it fully qualified")
    return errs


def check_labels(values: object, path: str, errs: Errors) -> None:
    """Label keys are qualified names, values are label values (pkg ValidateLabels)."""
    if not isinstance(values, dict):
        return
    for key, value in values.items():
        if not isinstance(value, str):
            errs.extend(path, key, qualified_name_errors(str(key)))
            errs.invalid(f"{path}.{key}", value, "label values must be strings")
            continue
        for shown, problem in _label_errors(str(key), value):
            errs.invalid(path, shown, problem)


@lru_cache(maxsize=16384)  # the same labels recur on most objects of a manifest set
def _label_errors(key: str, value: str) -> tuple[tuple[str, str], ...]:
    """(value shown, problem) for a label's key, then its value."""
    return (*((key, e) for e in qualified_name_errors(key)),
            *((value, e) for e in label_value_errors(value)))


def check_annotations(values: object, path: str, errs: Errors) -> None:
    """Annotation keys are qualified names (lowercased) and all of them fit in 256 KiB."""
    if not isinstance(values, dict):
        return
    total = 0
    for key, value in values.items():
        errs.extend(path, key, qualified_name_errors(str(key).lower()))
        if not isinstance(value, str):
            errs.invalid(f"{path}.{key}", value, "annotation values must be strings")
            continue
        total += len(str(key)) + len(value)
    if total > TOTAL_ANNOTATION_SIZE:
        errs.too_long(path, TOTAL_ANNOTATION_SIZE)
