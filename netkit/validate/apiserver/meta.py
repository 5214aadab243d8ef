"""ObjectMeta: name format per kind, namespace, labels and annotations."""

from __future__ import annotations

from typing import Any

from netkit.k8s.kinds import is_cluster_scoped
from netkit.k8s.names import (
    dns1123_label_errors,
    label_value_errors,
    name_errors,
    qualified_name_errors,
)
from netkit.validate.field import ROOT, Errors, Path

TOTAL_ANNOTATION_SIZE = 256 * 1024


def check(obj: dict[str, Any], errs: Errors) -> None:
    """Check metadata.name, namespace, labels and annotations."""
    md = obj.get("metadata")
    path = ROOT.child("metadata")
    if not isinstance(md, dict):
        errs.required(path)
        return
    name = md.get("name")
    if not name and not md.get("generateName"):
        errs.required(path.child("name"), "name or generateName is required")
    elif isinstance(name, str):
        errs.extend(path.child("name"), name, name_errors(str(obj.get("kind")), name))
    ns = md.get("namespace")
    kind = str(obj.get("kind"))
    if ns is not None:
        if is_cluster_scoped(kind):
            errs.forbidden(path.child("namespace"), "not allowed on this type")
        elif isinstance(ns, str):
            errs.extend(path.child("namespace"), ns, dns1123_label_errors(ns))
    check_labels(md.get("labels"), path.child("labels"), errs)
    check_annotations(md.get("annotations"), path.child("annotations"), errs)


def check_labels(values: object, path: Path, errs: Errors) -> None:
    """Label keys are qualified names, values are label values (pkg ValidateLabels)."""
    if not isinstance(values, dict):
        return
    for key, value in values.items():
        errs.extend(path, key, qualified_name_errors(str(key)))
        if not isinstance(value, str):
            errs.invalid(path.child(str(key)), value, "label values must be strings")
        else:
            errs.extend(path, value, label_value_errors(value))


def check_annotations(values: object, path: Path, errs: Errors) -> None:
    """Annotation keys are qualified names (lowercased) and all of them fit in 256 KiB."""
    if not isinstance(values, dict):
        return
    total = 0
    for key, value in values.items():
        errs.extend(path, key, qualified_name_errors(str(key).lower()))
        if not isinstance(value, str):
            errs.invalid(path.child(str(key)), value, "annotation values must be strings")
            continue
        total += len(str(key)) + len(value)
    if total > TOTAL_ANNOTATION_SIZE:
        errs.too_long(path, TOTAL_ANNOTATION_SIZE)
