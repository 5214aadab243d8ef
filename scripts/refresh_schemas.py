#!/usr/bin/env python3
"""Refresh netkit's bundled upstream CRDs (netkit/schemas): copy, index, record sources.

Maintainer script, run with the project's venv:

    .venv/bin/python scripts/refresh_schemas.py                      # ../shared/crds
    .venv/bin/python scripts/refresh_schemas.py /path/to/crds --ngf-repo /path/to/ngf.git
    .venv/bin/python scripts/refresh_schemas.py --index-only --check # CI: is the index current?

It mirrors every folder of the source directory into ``netkit/schemas/crds/`` (bytes unchanged,
stale files removed), takes NGINX Gateway Fabric's RateLimitPolicy CRD from ``--ngf-crd FILE``
or from a git clone (``--ngf-repo``, at the commit recorded below; without either the bundled
copy is kept), then regenerates ``index.json``, ``sources.json`` and ``crds/README.md``.
Everything it writes is a function of the bundled files and the ``SOURCES`` table below, so a
second run changes nothing. When you bump a source, edit its entry in ``SOURCES`` too.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_ROOT = ROOT / "netkit" / "schemas"
CRDS = "crds"
INDEX_FORMAT = 1
NGF = "nginx-gateway-fabric"
NGF_UPSTREAM_PATH = "config/crd/bases/gateway.nginx.org_ratelimitpolicies.yaml"
NGF_BUNDLED_NAME = "ratelimitpolicies.yaml"
CHANNEL_ANNOTATIONS = ("gateway.networking.k8s.io/channel", "policy.networking.k8s.io/channel")
_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# Provenance of every folder under netkit/schemas/crds. "refs" lists the upstream tag and
# commit each file came from (with "kinds" when a folder mixes releases). "channel" is
# "experimental" for a whole experimental folder; a subfolder named "experimental" is
# experimental too. Every file is Apache-2.0 per the repository's LICENSE at that commit.
SOURCES: dict[str, dict[str, Any]] = {
    "argo-cd": {
        "project": "Argo CD",
        "repository": "https://github.com/argoproj/argo-cd",
        "path": "manifests/crds",
        "refs": [{"tag": "v3.5.1", "commit": "109ca7ca71139e514114499d294a492e7910a965"}],
    },
    "calico": {
        "project": "Calico",
        "repository": "https://github.com/projectcalico/calico",
        "path": "libcalico-go/config/crd (file names without the crd.projectcalico.org_ prefix)",
        "refs": [{"tag": "v3.32.1", "commit": "0ca9d1b93644778cafdf1812f3dda02ac0c361e8"}],
        "notes": ["The v3.32.1 CRDs have no descriptions; calico main (v3.34 dev) adds "
                  "descriptions and CEL rules."],
    },
    "cert-manager": {
        "project": "cert-manager",
        "repository": "https://github.com/cert-manager/cert-manager",
        "path": "deploy/crds (file names without the cert-manager.io_ prefix)",
        "refs": [{"tag": "v1.21.1", "commit": "24e33194fb39488eff2bbf10c6dc640f407cad44"}],
    },
    "cilium": {
        "project": "Cilium",
        "repository": "https://github.com/cilium/cilium",
        "path": "pkg/k8s/apis/cilium.io/client/crds/v2",
        "refs": [{"tag": None, "commit": "15134778631240f163d05fade6a07a028ed3605a"}],
        "notes": ["main at 15134778631 (1.20.0-dev, 2026-06-29); no release tag holds this "
                  "state (v1.19.x differs). The files last changed upstream in f8e98c7f01 "
                  "(2026-06-25); git blob ids 46e22490b88 (ciliumnetworkpolicies) and "
                  "fd570e20475 (ciliumclusterwidenetworkpolicies). Taken with git from a "
                  "fork's snapshot (rastislavs/cilium) at that upstream commit, unchanged."],
    },
    "envoy-gateway": {
        "project": "Envoy Gateway",
        "repository": "https://github.com/envoyproxy/gateway",
        "path": "charts/gateway-crds-helm/templates/generated (file names without the "
                "gateway.envoyproxy.io_ prefix)",
        "refs": [{"tag": "v1.9.0", "commit": "39763b1c07ec30a5526fe70434a2cfe4181de642"}],
        "changes": "The Helm guard lines around each file ({{- if .Values.crds.envoyGateway"
                   ".enabled }} first, {{- end }} last) removed; everything else unchanged.",
    },
    "gateway-api": {
        "project": "Kubernetes Gateway API (standard channel)",
        "repository": "https://github.com/kubernetes-sigs/gateway-api",
        "path": "config/crd/standard (file names without the group prefix)",
        "refs": [{"tag": "v1.6.1", "commit": "8bb74df00e56ec8f944d48c25e6c1c9c2f6848e3"}],
    },
    "gateway-api-experimental": {
        "project": "Kubernetes Gateway API (experimental channel)",
        "repository": "https://github.com/kubernetes-sigs/gateway-api",
        "path": "config/crd/experimental (file names without the group prefix)",
        "refs": [{"tag": "v1.6.1", "commit": "8bb74df00e56ec8f944d48c25e6c1c9c2f6848e3"}],
        "channel": "experimental",
    },
    "istio": {
        "project": "Istio",
        "repository": "https://github.com/istio/api",
        "path": "kubernetes/customresourcedefinitions.gen.yaml (the file istio/istio copies to "
                "manifests/charts/base/files/crd-all.gen.yaml)",
        "refs": [{"tag": "1.30.3", "commit": "2e43f07b30b6744bc8252fce39fb58b03f85ff8b"}],
        "changes": "Each CRD is one `---` document cut out unchanged; the source file's first "
                   "line (a `# DO NOT EDIT` comment) and the `---` separators are not part of "
                   "them; each file ends with a newline.",
    },
    "linkerd": {
        "project": "Linkerd",
        "repository": "https://github.com/linkerd/linkerd2",
        "path": "charts/linkerd-crds/templates/policy (authorization-policy.yaml, "
                "meshtls-authentication.yaml, server.yaml)",
        "refs": [{"tag": "edge-26.8.3", "commit": "19a0d90d5a4a65e0b976f079ba8a5f1dab12c005"}],
        "changes": "The chart templates carry Helm directives only in `metadata`: the five "
                   "lines of `metadata.annotations` ({{ include \"partials.annotations."
                   "created-by\" . }}) and `metadata.labels` (helm.sh/chart, linkerd.io/"
                   "control-plane-ns) removed; everything else byte-for-byte upstream.",
    },
    "mcs-api": {
        "project": "Kubernetes Multi-Cluster Services API",
        "repository": "https://github.com/kubernetes-sigs/mcs-api",
        "path": "config/crd (file names without the multicluster.x-k8s.io_ prefix)",
        "refs": [{"tag": "v0.5.0", "commit": "4546fabf72519b16fd13f82ee665dfe6520bc4c3"}],
    },
    "network-policy-api": {
        "project": "Kubernetes Network Policy API",
        "repository": "https://github.com/kubernetes-sigs/network-policy-api",
        "path": "config/crd/standard; config/crd/experimental in experimental/ (file names "
                "without the policy.networking.k8s.io_ prefix)",
        "refs": [
            {"tag": "v0.2.0", "commit": "a17adecd0316b8ff1c3f83939ec0441d68cd6cce",
             "kinds": ["ClusterNetworkPolicy"]},
            {"tag": "v0.1.8", "commit": "5a62954284765fb16f2e601f11907ca0b839b89f",
             "kinds": ["AdminNetworkPolicy", "BaselineAdminNetworkPolicy"]},
        ],
        "notes": ["v0.1.8 is the last release with AdminNetworkPolicy and "
                  "BaselineAdminNetworkPolicy (v1alpha1); their CRDs are unchanged since "
                  "v0.1.7, whose bundle-version they carry. ClusterNetworkPolicy on main after "
                  "v0.2.0 differs only in description text."],
    },
    NGF: {
        "project": "NGINX Gateway Fabric",
        "repository": "https://github.com/nginx/nginx-gateway-fabric",
        "path": NGF_UPSTREAM_PATH,
        "refs": [{"tag": "v2.6.7", "commit": "5e34a17a8f7787e90f41d1af91258a556f0795b4"}],
        "notes": ["Only RateLimitPolicy, the NGF kind netkit emits (gateway=\"nginx-gateway-"
                  "fabric\"). main after v2.6.7 adds `minimum: 0` to `burst` and `delay`."],
    },
}
# Folders copied from the source directory; the others come from elsewhere (see main()).
SHARED_FOLDERS = tuple(sorted(name for name in SOURCES if name != NGF))


def read_bundled(schema_root: Path = SCHEMA_ROOT) -> dict[str, bytes]:
    """Every bundled CRD file as ``{"crds/<folder>/...yaml": bytes}``."""
    base = schema_root / CRDS
    return {f"{CRDS}/{p.relative_to(base).as_posix()}": p.read_bytes()
            for p in sorted(base.rglob("*.yaml")) if p.is_file()}


def channel_of(rel: str) -> str:
    """``experimental`` for an experimental folder or subfolder, else ``standard``."""
    parts = PurePosixPath(rel).parts
    source = SOURCES.get(parts[1], {})
    if source.get("channel") == "experimental" or "experimental" in parts[2:-1]:
        return "experimental"
    return "standard"


def index_entries(files: Mapping[str, bytes]) -> list[dict[str, Any]]:
    """One index entry per CRD document in ``files``, sorted by group, kind, channel, path."""
    entries: list[dict[str, Any]] = []
    for rel, data in sorted(files.items()):
        folder = PurePosixPath(rel).parts[1]
        if folder not in SOURCES:
            raise SystemExit(f"{rel}: folder {folder!r} is not in SOURCES; add its provenance")
        channel = channel_of(rel)
        for doc in yaml.load_all(data, Loader=_Loader):
            if not isinstance(doc, dict) or doc.get("kind") != "CustomResourceDefinition":
                continue
            spec, meta = doc["spec"], doc.get("metadata") or {}
            for key in CHANNEL_ANNOTATIONS:
                declared = (meta.get("annotations") or {}).get(key)
                if declared is not None and declared != channel:
                    raise SystemExit(f"{rel}: annotated {key}={declared}, but its folder "
                                     f"makes it {channel}")
            served = [v for v in spec["versions"] if v.get("served", False)]
            storage = [v["name"] for v in spec["versions"] if v.get("storage", False)]
            if len(storage) != 1:
                raise SystemExit(f"{rel}: expected one storage version, found {storage}")
            entries.append({
                "channel": channel,
                "group": spec["group"],
                "kind": spec["names"]["kind"],
                "path": rel,
                "plural": spec["names"]["plural"],
                "scope": spec["scope"],
                "source": folder,
                "storage": storage[0],
                "versions": [v["name"] for v in served],
            })
    entries.sort(key=lambda e: (e["group"], e["kind"], e["channel"], e["path"]))
    seen: set[tuple[str, str, str]] = set()
    for e in entries:
        unique = (e["group"], e["kind"], e["channel"])
        if unique in seen:
            raise SystemExit(f"{e['path']}: a second {e['channel']} CRD for {e['group']} "
                             f"{e['kind']}")
        seen.add(unique)
    return entries


def build_index(files: Mapping[str, bytes]) -> bytes:
    """``index.json``: one compact, key-sorted line per CRD, LF endings, final newline."""
    lines = [json.dumps(e, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
             for e in index_entries(files)]
    body = ",\n".join(lines)
    return f"{{\"format\":{INDEX_FORMAT},\"crds\":[\n{body}\n]}}\n".encode()


def build_sources() -> bytes:
    """``sources.json``: the ``SOURCES`` table, key-sorted, two-space indent."""
    data = {name: {"license": "Apache-2.0", **SOURCES[name]} for name in sorted(SOURCES)}
    return (json.dumps(data, indent=2, sort_keys=True, ensure_ascii=True) + "\n").encode()


def _ref_text(ref: Mapping[str, Any]) -> str:
    commit = f"`{ref['commit'][:11]}`"
    text = f"{ref['tag']} @ {commit}" if ref.get("tag") else f"main @ {commit}"
    return f"{text} ({', '.join(ref['kinds'])})" if ref.get("kinds") else text


def build_readme(files: Mapping[str, bytes]) -> bytes:
    """``crds/README.md``: provenance table and notes, generated from ``SOURCES``."""
    kinds: dict[str, list[str]] = {}
    for e in index_entries(files):
        names = kinds.setdefault(e["source"], [])
        if e["kind"] not in names:
            names.append(e["kind"])
    out = [
        "# Bundled upstream CRDs",
        "",
        "Generated by `scripts/refresh_schemas.py` from its `SOURCES` table; do not edit by "
        "hand.",
        "",
        "CustomResourceDefinitions of every kind netkit emits or reads, copied unchanged from "
        "the",
        "upstream projects (exceptions listed under *Changes*), so that validation needs "
        "nothing",
        "outside the installed package. `../index.json` maps (group, kind, channel) to a file; "
        "look",
        "CRDs up with `netkit.schemas.find()` rather than parsing these files. "
        "`../sources.json` holds",
        "this table as data (full commit ids).",
        "",
        "| folder | project | upstream path | tag @ commit | license | kinds |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for name in sorted(SOURCES):
        src = SOURCES[name]
        repo = src["repository"].removeprefix("https://github.com/")
        refs = "; ".join(_ref_text(r) for r in src["refs"])
        channel = " (experimental channel)" if src.get("channel") == "experimental" else ""
        out.append(f"| {name} | [{repo}]({src['repository']}){channel} | {src['path']} | "
                   f"{refs} | Apache-2.0 | {', '.join(sorted(kinds.get(name, [])))} |")
    out += [
        "",
        "Channels: `gateway-api-experimental/` and `network-policy-api/experimental/` are the",
        "experimental channel; everything else is standard (the default of `find()`).",
        "",
        "CEL rules (`x-kubernetes-validations`) are not evaluated by JSON-schema validators; "
        "where",
        "netkit relies on one, test it explicitly.",
        "",
        "## Changes and notes",
        "",
    ]
    for name in sorted(SOURCES):
        src = SOURCES[name]
        for label, texts in (("Changes", [src["changes"]] if "changes" in src else []),
                             ("Note", src.get("notes", []))):
            out += [f"- {name}: {label}: {text}" for text in texts]
    out += ["", "All sources are licensed under the Apache License 2.0 (per each repository's",
            "LICENSE at the recorded commit); see `LICENSE` and `NOTICE` at the root of the",
            "netkit repository.", ""]
    return "\n".join(out).encode()


def generated(files: Mapping[str, bytes]) -> dict[str, bytes]:
    """The generated files, relative to the schema root."""
    return {"index.json": build_index(files), "sources.json": build_sources(),
            f"{CRDS}/README.md": build_readme(files)}


def shared_files(source: Path) -> dict[str, bytes]:
    """The CRD files of the source directory, keyed as bundled; its folders must match."""
    if not source.is_dir():
        raise SystemExit(f"{source}: no such directory (pass the CRD source directory)")
    folders = sorted(p.name for p in source.iterdir() if p.is_dir())
    if folders != list(SHARED_FOLDERS):
        raise SystemExit(f"{source}: folders {folders} differ from SOURCES "
                         f"{list(SHARED_FOLDERS)}; update SOURCES first")
    return {f"{CRDS}/{p.relative_to(source).as_posix()}": p.read_bytes()
            for folder in SHARED_FOLDERS
            for p in sorted((source / folder).rglob("*.yaml")) if p.is_file()}


def ngf_from_repo(git_dir: Path) -> bytes:
    """The RateLimitPolicy CRD at the recorded commit of a nginx-gateway-fabric clone."""
    ref = SOURCES[NGF]["refs"][0]
    git = ["git", f"--git-dir={git_dir}"] if (git_dir / "HEAD").is_file() else [
        "git", "-C", str(git_dir)]
    tagged = subprocess.run([*git, "rev-parse", f"{ref['tag']}^{{commit}}"],
                            capture_output=True, text=True, check=False).stdout.strip()
    if tagged and tagged != ref["commit"]:
        raise SystemExit(f"{git_dir}: tag {ref['tag']} is {tagged}, SOURCES says "
                         f"{ref['commit']}")
    return subprocess.run([*git, "show", f"{ref['commit']}:{NGF_UPSTREAM_PATH}"],
                          capture_output=True, check=True).stdout


def plan(args: argparse.Namespace) -> tuple[dict[str, bytes], set[str]]:
    """Files to write (relative to the schema root) and stale CRD files to delete."""
    current = read_bundled(SCHEMA_ROOT)
    files = dict(current)
    if not args.index_only:
        files = {k: v for k, v in files.items()
                 if PurePosixPath(k).parts[1] not in SHARED_FOLDERS}
        files.update(shared_files(Path(args.source)))
    ngf_key = f"{CRDS}/{NGF}/{NGF_BUNDLED_NAME}"
    if args.ngf_crd:
        files[ngf_key] = Path(args.ngf_crd).read_bytes()
    elif args.ngf_repo:
        files[ngf_key] = ngf_from_repo(Path(args.ngf_repo))
    if ngf_key not in files:
        raise SystemExit(f"{ngf_key} is missing: pass --ngf-crd FILE or --ngf-repo GIT_DIR")
    writes = {**files, **generated(files)}
    stale = set(current) - set(files)
    return writes, stale


def main(argv: list[str] | None = None) -> int:
    """Copy, index and record; with ``--check``, report what would change and exit 1."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("source", nargs="?", default=str(ROOT.parent / "shared" / "crds"),
                        help="CRD source directory (default: ../shared/crds)")
    ngf = parser.add_mutually_exclusive_group()
    ngf.add_argument("--ngf-crd", metavar="FILE",
                     help=f"NGINX Gateway Fabric's {NGF_UPSTREAM_PATH} at the recorded tag")
    ngf.add_argument("--ngf-repo", metavar="GIT_DIR",
                     help="a nginx/nginx-gateway-fabric clone (bare or not) to take it from")
    parser.add_argument("--index-only", action="store_true",
                        help="copy nothing; regenerate index, sources and README")
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 if anything would change")
    args = parser.parse_args(argv)
    writes, stale = plan(args)
    changed = sorted(rel for rel, data in writes.items()
                     if not (SCHEMA_ROOT / rel).is_file()
                     or (SCHEMA_ROOT / rel).read_bytes() != data)
    for rel in changed:
        print(f"{'would write' if args.check else 'write'} netkit/schemas/{rel}")
    for rel in sorted(stale):
        print(f"{'would delete' if args.check else 'delete'} netkit/schemas/{rel}")
    if args.check:
        return 1 if changed or stale else 0
    for rel in changed:
        target = SCHEMA_ROOT / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(writes[rel])
    for rel in sorted(stale):
        (SCHEMA_ROOT / rel).unlink()
    for folder in sorted(SCHEMA_ROOT.joinpath(CRDS).rglob("*"), reverse=True):
        if folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
    if not changed and not stale:
        print("netkit/schemas is up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
