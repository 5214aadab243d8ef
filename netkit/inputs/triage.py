"""What in a repository tree is not a manifest: Helm templates and chart metadata, kustomize
configuration and other YAML without apiVersion or kind; each becomes one finding per file
instead of stopping the run."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping

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


def kustomize_parts(kustomizations: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Files that kustomization files (path, text) name as patches or as plugin and
    replacement configuration, by real path, each with why it is no object for the
    cluster."""
    import yaml

    from netkit.inputs.yaml_text import Loader

    out: dict[str, str] = {}
    for path, text in kustomizations:
        try:
            config = yaml.load(text, Loader=Loader)
        except yaml.YAMLError:
            continue  # reported when the file itself is read
        if not isinstance(config, dict):
            continue
        name = os.path.basename(path)
        for key, what in _KUSTOMIZE_FILES.items():
            entries = config.get(key)
            for entry in entries if isinstance(entries, list) else []:
                named = entry.get("path") if isinstance(entry, dict) else entry
                if isinstance(named, str) and "\n" not in named and "\0" not in named:
                    why = f"kustomize {what} (named in {name}), not a complete object"
                    out.setdefault(os.path.realpath(os.path.join(os.path.dirname(path),
                                                                 named)), why)
    return out


class Triage:
    """Which files of one read are not read as manifests, given the kustomization ``parts``
    among them; a folder's real path is worked out once."""

    def __init__(self, parts: Mapping[str, str]) -> None:
        self.parts = parts
        self._real: dict[str, str] = {}

    def note(self, file: str, text: str, *, link: bool = True) -> Finding | None:
        """The finding for a file that is not read as manifests: a Helm chart's metadata, a
        template in a chart's ``templates`` folder, or a part of a kustomization; ``file``
        is a symbolic link only if ``link``."""
        folder, _, name = file.rpartition("/")
        if name in CHART_FILES:
            return skipped(file, 1, "Helm chart metadata, not a manifest")
        if self.parts:
            part = self.parts.get(os.path.realpath(file) if link else self._in(folder, name))
            if part is not None:
                return skipped(file, 1, part)
        line = template_line(text) if "templates" in folder.split("/") else None
        return template(file, line) if line is not None else None

    def _in(self, folder: str, name: str) -> str:
        """The real path of the file ``name`` (no link) in ``folder``."""
        real = self._real.get(folder)
        if real is None:
            real = self._real[folder] = os.path.realpath(folder or ".")
        return os.path.join(real, name)


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
