"""The bundled upstream CRDs (netkit/schemas): index against files, lookups, refresh script."""

from __future__ import annotations

import functools
import importlib.util
import json
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import re2
import yaml

from netkit import schemas
from netkit.k8s.rate_limit import nginx_rate_limit_policy
from netkit.validate import validate
from netkit.validate.crd import bundled_schemas
from netkit.validate.crd_registry import CrdRegistry, CrdSource

ROOT = Path(__file__).resolve().parent.parent
CRDS = schemas.SCHEMA_ROOT / "crds"
Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # safe_load_all, with libyaml


@functools.cache
def refresh() -> ModuleType:
    spec = importlib.util.spec_from_file_location("refresh_schemas",
                                                  ROOT / "scripts" / "refresh_schemas.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@functools.cache
def crd_documents() -> dict[str, list[dict[str, Any]]]:
    """Every CRD document under crds/, by path relative to the schema root."""
    out: dict[str, list[dict[str, Any]]] = {}
    for path in sorted(CRDS.rglob("*.yaml")):
        with path.open("rb") as stream:
            docs = [d for d in yaml.load_all(stream, Loader=Loader)
                    if isinstance(d, dict) and d.get("kind") == "CustomResourceDefinition"]
        out[path.relative_to(schemas.SCHEMA_ROOT).as_posix()] = docs
    return out


def rel(crd: schemas.BundledCrd) -> str:
    return crd.path.relative_to(schemas.SCHEMA_ROOT).as_posix()


def test_every_indexed_file_exists_inside_the_package() -> None:
    for crd in schemas.bundled():
        assert crd.path.is_file(), crd.path
        assert crd.path.resolve().is_relative_to(CRDS.resolve())


def test_every_crd_file_is_indexed_and_matches() -> None:
    by_path: dict[str, list[schemas.BundledCrd]] = {}
    for crd in schemas.bundled():
        by_path.setdefault(rel(crd), []).append(crd)
    docs = crd_documents()
    assert sorted(by_path) == sorted(docs)
    for path, crds in docs.items():
        assert crds, f"{path} holds no CustomResourceDefinition"
        indexed = {(c.group, c.kind): c for c in by_path[path]}
        assert len(indexed) == len(crds)
        for doc in crds:
            spec = doc["spec"]
            crd = indexed[(spec["group"], spec["names"]["kind"])]
            assert crd.plural == spec["names"]["plural"]
            assert crd.namespaced == (spec["scope"] == "Namespaced")
            assert crd.versions == tuple(v["name"] for v in spec["versions"] if v["served"])
            assert [crd.storage_version] == [v["name"] for v in spec["versions"]
                                             if v["storage"]]
            experimental = (path.startswith("crds/gateway-api-experimental/")
                            or "/experimental/" in path)
            assert crd.channel == ("experimental" if experimental else "standard"), path
            assert crd.source == path.split("/")[1]


def test_every_folder_has_recorded_sources() -> None:
    sources = json.loads((schemas.SCHEMA_ROOT / "sources.json").read_text(encoding="utf-8"))
    folders = sorted(p.name for p in CRDS.iterdir() if p.is_dir())
    assert sorted(sources) == folders
    assert {"argo-cd", "calico", "cert-manager", "cilium", "envoy-gateway", "gateway-api",
            "gateway-api-experimental", "istio", "linkerd", "mcs-api", "network-policy-api",
            "nginx-gateway-fabric"} == set(folders)
    for name, source in sources.items():
        assert source["license"] == "Apache-2.0", name
        assert source["repository"].startswith("https://github.com/"), name
        for ref in source["refs"]:
            assert len(ref["commit"]) == 40, name


@pytest.mark.parametrize(("group", "kind", "version", "folder"), [
    ("gateway.networking.k8s.io", "HTTPRoute", "v1", "gateway-api"),
    ("gateway.networking.k8s.io", "ListenerSet", "v1", "gateway-api"),
    ("cert-manager.io", "Certificate", "v1", "cert-manager"),
    ("gateway.envoyproxy.io", "BackendTrafficPolicy", "v1alpha1", "envoy-gateway"),
    ("gateway.nginx.org", "RateLimitPolicy", "v1alpha1", "nginx-gateway-fabric"),
    ("cilium.io", "CiliumNetworkPolicy", "v2", "cilium"),
    ("policy.networking.k8s.io", "ClusterNetworkPolicy", "v1alpha2", "network-policy-api"),
    ("policy.networking.k8s.io", "AdminNetworkPolicy", "v1alpha1", "network-policy-api"),
    ("argoproj.io", "ApplicationSet", "v1alpha1", "argo-cd"),
])
def test_find(group: str, kind: str, version: str, folder: str) -> None:
    crd = schemas.find(group, kind)
    assert crd is not None
    assert (crd.group, crd.kind, crd.channel, crd.source) == (group, kind, "standard", folder)
    assert rel(crd).split("/")[:2] == ["crds", folder]
    assert version in crd.versions
    assert schemas.lookup(f"{group}/{version}", kind) == crd
    doc = crd.load()
    assert (doc["spec"]["group"], doc["spec"]["names"]["kind"]) == (group, kind)


def test_channels() -> None:
    group = "gateway.networking.k8s.io"
    standard = schemas.find(group, "HTTPRoute")
    experimental = schemas.find(group, "HTTPRoute", channel="experimental")
    assert standard is not None and experimental is not None
    assert rel(standard) == "crds/gateway-api/httproutes.yaml"
    assert rel(experimental) == "crds/gateway-api-experimental/httproutes.yaml"
    anp = schemas.find("policy.networking.k8s.io", "AdminNetworkPolicy", channel="experimental")
    assert anp is not None and rel(anp) == "crds/network-policy-api/experimental/" \
        "adminnetworkpolicies.yaml"
    # Experimental-only kinds need the channel; kinds without one fall back to standard.
    assert schemas.find("gateway.networking.x-k8s.io", "XBackend") is None
    assert schemas.find("gateway.networking.x-k8s.io", "XBackend",
                        channel="experimental") is not None
    assert schemas.find("cert-manager.io", "Certificate", channel="experimental") == \
        schemas.find("cert-manager.io", "Certificate")
    # A version only the experimental channel serves.
    assert schemas.lookup(f"{group}/v1alpha2", "TCPRoute") is None
    assert schemas.lookup(f"{group}/v1alpha2", "TCPRoute", channel="experimental") is not None
    with pytest.raises(ValueError, match="unknown channel"):
        schemas.find(group, "HTTPRoute", channel="beta")


def test_lookups_are_index_only(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_yaml(*args: object, **kwargs: object) -> None:
        raise AssertionError("a lookup parsed YAML")

    monkeypatch.setattr(yaml, "load_all", no_yaml)
    monkeypatch.setattr(yaml, "safe_load_all", no_yaml)
    schemas._index.cache_clear()
    try:
        assert schemas.lookup("gateway.networking.k8s.io/v1", "Gateway") is not None
        assert schemas.find("example.com", "Nope") is None
        assert schemas.find("../crds/gateway-api", "httproutes") is None
        assert schemas.lookup("v1", "Service") is None
    finally:
        schemas._index.cache_clear()


def test_emitted_rate_limit_policy_matches_the_bundled_crd() -> None:
    crd = schemas.lookup("gateway.nginx.org/v1alpha1", "RateLimitPolicy")
    assert crd is not None
    registry = CrdRegistry()
    registry.add(crd.load(), where=str(crd.path))
    schema = registry.get("gateway.nginx.org/v1alpha1", "RateLimitPolicy")
    assert schema is not None
    for per_client_ip in (True, False):
        for burst, status_code in ((None, None), (20, 429), (1, 503)):
            obj = nginx_rate_limit_policy("web-ratelimit", "shop", routes=["web"],
                                          rate="50r/s", burst=burst,
                                          per_client_ip=per_client_ip,
                                          status_code=status_code)
            assert schema.validate(obj) == []
    bad = nginx_rate_limit_policy("web-ratelimit", "shop", routes=["web"], rate="50r/s",
                                  burst=None, per_client_ip=True, status_code=None)
    bad["spec"]["rateLimit"]["local"]["rules"][0]["zone"] = "10m"
    assert schema.validate(bad) != []


def test_index_builder_is_deterministic_and_current() -> None:
    script = refresh()
    files = script.read_bundled(schemas.SCHEMA_ROOT)
    first = script.build_index(files)
    second = script.build_index(dict(reversed(list(files.items()))))
    assert first == second
    assert first == schemas.INDEX_PATH.read_bytes()
    for name, data in script.generated(files).items():
        assert (schemas.SCHEMA_ROOT / name).read_bytes() == data, f"{name} is stale"


GATEWAY = {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "Gateway",
           "metadata": {"name": "gw", "namespace": "edge"},
           "spec": {"gatewayClassName": "netkit", "defaultScope": "All",
                    "listeners": [{"name": "http", "port": 80, "protocol": "HTTP"}]}}


def patterns(schema: Any) -> list[str]:
    """Every ``pattern`` in a (strict) schema."""
    if isinstance(schema, list):
        return [p for item in schema for p in patterns(item)]
    if not isinstance(schema, dict):
        return []
    found = [schema["pattern"]] if isinstance(schema.get("pattern"), str) else []
    return found + [p for key, value in schema.items() if key != "enum"
                    for p in patterns(value)]


@pytest.mark.parametrize("channel", schemas.CHANNELS)
def test_every_bundled_kind_has_a_usable_schema(channel: str) -> None:
    registry = CrdRegistry(gateway_api_channel=channel)
    kinds = registry.kinds()
    assert len({k.split()[1] for k in kinds}) >= 40
    for api_version_kind in kinds:
        schema = registry.get(*api_version_kind.split())
        assert schema is not None, api_version_kind
        for pattern in patterns(schema.structural):
            re2.compile(pattern)  # RE2, as the API server: Cilium's ^\\PC*$ too


def test_bundled_crds_are_parsed_on_first_use_once_per_process() -> None:
    bundled_schemas.cache_clear()
    registry = CrdRegistry()
    assert registry.get("example.com/v1", "Nope") is None
    assert registry.get("gateway.networking.k8s.io/v1alpha2", "TCPRoute") is None  # unserved
    assert registry.kinds()  # from the index alone
    assert bundled_schemas.cache_info().currsize == 0
    route = registry.get("gateway.networking.k8s.io/v1", "HTTPRoute")
    assert route is not None and route.group == "gateway.networking.k8s.io"
    assert CrdRegistry().get("gateway.networking.k8s.io/v1", "HTTPRoute") is route
    assert registry.get("gateway.networking.k8s.io/v1beta1", "HTTPRoute") is not None
    assert bundled_schemas.cache_info().currsize == 1


def test_gateway_api_channel() -> None:
    group = "gateway.networking.k8s.io"
    standard, experimental = CrdRegistry(), CrdRegistry(gateway_api_channel="experimental")
    assert [(f.rule, f.field) for f in validate([GATEWAY], crds=standard)
            if f.rule == "NK001"] == [("NK001", "spec")]
    assert [f.rule for f in validate([GATEWAY], crds=experimental) if f.rule == "NK001"] == []
    # A version only the experimental channel serves: no schema on standard (yet), and where
    # each channel's CRD came from is recorded.
    assert standard.get(f"{group}/v1alpha2", "TCPRoute") is None
    assert experimental.get(f"{group}/v1alpha2", "TCPRoute") is not None
    tcp = schemas.find(group, "TCPRoute")
    assert tcp is not None
    assert standard.source(group, "TCPRoute") == CrdSource(str(tcp.path), ("v1",), "standard",
                                                            "tcproutes")
    source = experimental.source(group, "TCPRoute")
    assert source is not None and source.channel == "experimental"
    assert "v1alpha2" in source.versions
    # Experimental-only kinds exist on the experimental channel only.
    xbackend = ("gateway.networking.x-k8s.io/v1alpha1", "XBackend")
    assert standard.get(*xbackend) is None and experimental.get(*xbackend) is not None
    # The setting is the Gateway API's: other projects stay on their standard CRDs.
    anp = experimental.source("policy.networking.k8s.io", "AdminNetworkPolicy")
    assert anp is not None and anp.channel == "standard"
    with pytest.raises(ValueError, match="unknown Gateway API channel 'beta'"):
        CrdRegistry(gateway_api_channel="beta")


def test_a_users_crd_replaces_the_bundled_one() -> None:
    group = "gateway.networking.k8s.io"
    registry = CrdRegistry()
    bundled = registry.get(f"{group}/v1", "Gateway")
    assert bundled is not None and bundled.validate(GATEWAY) != []
    crd = {"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
           "spec": {"group": group, "names": {"kind": "Gateway", "plural": "gateways"},
                    "versions": [{"name": "v1", "served": True, "schema": {"openAPIV3Schema": {
                        "type": "object", "x-kubernetes-preserve-unknown-fields": True}}}]}}
    registry.add(crd, where="mine.yaml:1")
    mine = registry.get(f"{group}/v1", "Gateway")
    assert mine is not None and mine is not bundled and mine.validate(GATEWAY) == []
    assert registry.get(f"{group}/v1beta1", "Gateway") is None  # the user's CRD serves v1 only
    assert registry.source(group, "Gateway") == CrdSource("mine.yaml:1", ("v1",), plural="gateways")
    assert f"{group}/v1beta1 Gateway" not in registry.kinds()
    assert registry.get(f"{group}/v1", "HTTPRoute") is not None  # other kinds stay bundled
    assert CrdRegistry().get(f"{group}/v1", "Gateway") is bundled  # other registries unchanged


def test_without_bundled_crds_custom_resources_have_no_schema() -> None:
    registry = CrdRegistry(bundled=False)
    assert registry.get("gateway.networking.k8s.io/v1", "Gateway") is None
    assert registry.kinds() == []
    assert [f.rule for f in validate([GATEWAY], crds=registry)] == ["NK002"]
    assert "NK001" in [f.rule for f in validate([GATEWAY])]  # the library default bundles them
