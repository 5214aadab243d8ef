"""What in a repository tree is not a manifest: Helm templates and chart metadata, kustomize
configuration and other YAML without apiVersion or kind; each becomes one finding per file
instead of stopping the run."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path, PurePath
from typing import Any

import yaml

from netkit.findings import Finding
from netkit.objects import KubeObject

KUSTOMIZE_GROUP = "kustomize.config.k8s.io/"
CHART_FILES = frozenset({"Chart.yaml", "Chart.lock", "requirements.lock"})
KUSTOMIZATION_FILES = frozenset({"kustomization.yaml", "kustomization.yml", "Kustomization"})
# kustomization fields naming files that hold no objects for the cluster
_KUSTOMIZE_FILES = {"patches": "patch", "patchesStrategicMerge": "patch",
                    "patchesJson6902": "patch", "replacements": "replacement",
                    "transformers": "transformer configuration",
                    "generators": "generator configuration",
                    "validators": "validator configuration"}
_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_ACTION = re.compile(r"\{\{.*?\}\}")
_TEMPLATE_HINT = ("validate what it renders to (`helm template CHART | netkit validate -`), "
                  "or leave templates out with --exclude templates")
_SKIPPED_HINT = ("nothing to do if the file is not meant for the cluster; otherwise give each "
                 "document its apiVersion and kind")


def template_line(text: str) -> int | None:
    """The line of the first template action (``{{ ... }}``) in ``text``, if any."""
    match = _ACTION.search(text)
    return text.count("\n", 0, match.start()) + 1 if match else None


def template(file: str, line: int) -> Finding:
    """The finding for a template among the manifests."""
    return Finding("NK014", f"a template, not a manifest ({{{{ ... }}}} at line {line}); "
                   "it is not validated", hint=_TEMPLATE_HINT, file=file, line=line,
                   scope="file")


def skipped(file: str, line: int | None, why: str) -> Finding:
    """The finding for a file (or document) that is not a manifest, left out."""
    return Finding("NK012", f"{why}; skipped", hint=_SKIPPED_HINT, file=file, line=line,
                   scope="file")


def kustomize_parts(kustomizations: Iterable[tuple[Path, str]]) -> dict[Path, str]:
    """Files that kustomization files (path, text) name as patches or as plugin and
    replacement configuration, each with why it is no object for the cluster."""
    out: dict[Path, str] = {}
    for path, text in kustomizations:
        try:
            config = yaml.load(text, Loader=_LOADER)
        except yaml.YAMLError:
            continue  # reported when the file itself is read
        if not isinstance(config, dict):
            continue
        for key, what in _KUSTOMIZE_FILES.items():
            entries = config.get(key)
            for entry in entries if isinstance(entries, list) else []:
                named = entry.get("path") if isinstance(entry, dict) else entry
                if isinstance(named, str) and "\n" not in named:
                    why = f"kustomize {what} (named in {path.name}), not a complete object"
                    out.setdefault((path.parent / named).resolve(), why)
    return out


def file_note(file: str, text: str, parts: dict[Path, str] | None = None) -> Finding | None:
    """The finding for a file that is not read as manifests: a Helm chart's metadata, a
    template in a chart's ``templates`` folder, or a part of a kustomization (``parts``)."""
    path = PurePath(file)
    if path.name in CHART_FILES:
        return skipped(file, 1, "Helm chart metadata, not a manifest")
    part = (parts or {}).get(Path(file).resolve())
    if part is not None:
        return skipped(file, 1, part)
    line = template_line(text) if "templates" in path.parent.parts else None
    return template(file, line) if line is not None else None


def broken_object(item: KubeObject) -> Finding:
    """The finding for a document that looks like an object but lacks apiVersion or kind."""
    return Finding.on("NK003", item, "object has no apiVersion or kind",
                      hint="each YAML document must be a Kubernetes object")


def _not_object(item: KubeObject) -> str | None:
    """Why a document is not an object for the cluster, or None when it is one (or looks
    like a broken one, which validation reports)."""
    obj = item.obj
    if item.api_version.startswith(KUSTOMIZE_GROUP):
        return "kustomize configuration, not an object for the cluster"
    if not any(key in obj for key in ("apiVersion", "kind", "metadata")):
        return "no apiVersion or kind, so not a manifest"
    return None


def documents(parsed: Iterable[KubeObject | Finding]) -> tuple[list[KubeObject], list[Finding]]:
    """The objects among parsed documents, and one finding per file (and reason) for the
    rest."""
    objects: list[KubeObject] = []
    notes: dict[tuple[str | None, str], Finding] = {}
    for entry in parsed:
        if isinstance(entry, Finding):
            notes.setdefault((entry.file, entry.message), entry)
            continue
        why = _not_object(entry)
        if why is None:
            objects.append(entry)
        else:
            note = skipped(entry.file or "", entry.line, why)
            notes.setdefault((note.file, note.message), note)
    return objects, list(notes.values())
