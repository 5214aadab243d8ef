"""Emitted objects against upstream schemas: CRDs from ../shared/crds, core kinds from the
Kubernetes OpenAPI schema (kubernetes-validate), CEL rules evaluated."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest

from netkit.errors import CapabilityError
from netkit.testing import synth
from netkit.validate import cel
from netkit.validate.crd import CrdRegistry
from tests.conftest import ROOT, SHARED
from tests.scenarios import SCENARIOS, TARGETS

CORE_KINDS = {"Namespace", "Service", "NetworkPolicy", "Ingress", "ConfigMap"}
# Kinds whose upstream CRDs are not in ../shared/crds; checked by snapshot review only.
NO_SCHEMA = {"CiliumNetworkPolicy", "RateLimitPolicy"}
KUBERNETES = "1.36.0"


@functools.cache
def crds() -> CrdRegistry:
    assert (SHARED / "crds").is_dir(), f"{SHARED / 'crds'} is missing"
    return CrdRegistry().load([SHARED / "crds"])


def problems(obj: dict[str, Any]) -> list[str]:
    kind = obj["kind"]
    if kind in CORE_KINDS:
        try:
            kubernetes_validate.validate(obj, KUBERNETES, strict=True)
        except kubernetes_validate.ValidationError as exc:
            return [f"{'.'.join(map(str, exc.path))}: {exc.message}"]
        return []
    schema = crds().get(obj["apiVersion"], kind)
    assert schema is not None, f"no schema for {obj['apiVersion']} {kind}"
    return [f"{e.path}: {e.message}" for e in schema.validate(obj)]


def all_outputs() -> list[tuple[str, dict[str, Any]]]:
    out = []
    for name, build in sorted(SCENARIOS.items()):
        for tname, target in sorted(TARGETS.items()):
            try:
                result = synth(build(target))
            except CapabilityError:
                continue
            out += [(f"{name}/{tname}", o) for o in result.objects]
    for bp in sorted((ROOT / "blueprints").glob("*.py")):
        for tname, target in sorted(TARGETS.items()):
            result = synth(bp, target={"ingress": target.ingress})
            out += [(f"{bp.stem}/{tname}", o) for o in result.objects]
    result = synth(ROOT / "blueprints" / "shop.py", target={"gateway": "nginx-gateway-fabric"})
    out += [("shop/nginx-gateway-fabric", o) for o in result.objects]
    return out


OUTPUTS = all_outputs()


def test_cel_evaluator_is_installed() -> None:
    assert cel.available(), "install netkit[cel]: CEL rules would be skipped"


def test_every_emitted_kind_is_covered() -> None:
    kinds = {o["kind"] for _, o in OUTPUTS}
    assert {"HTTPRoute", "ListenerSet", "Gateway", "GatewayClass", "ReferenceGrant",
            "Certificate", "ClusterIssuer", "BackendTrafficPolicy", "NetworkPolicy", "Service",
            "Namespace", "Ingress", "CiliumNetworkPolicy", "RateLimitPolicy"} <= kinds


@pytest.mark.parametrize(("where", "obj"), [o for o in OUTPUTS if o[1]["kind"] not in NO_SCHEMA],
                         ids=lambda v: v if isinstance(v, str) else
                         f"{v['kind']}/{v['metadata']['name']}")
def test_object_matches_upstream_schema(where: str, obj: dict[str, Any]) -> None:
    assert problems(obj) == []


def test_strict_schema_rejects_unknown_fields() -> None:
    route = {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute",
             "metadata": {"name": "r", "namespace": "n"},
             "spec": {"hostnames": ["a.example.com"], "rules": [{"backendRef": []}]}}
    assert problems(route) == ["spec.rules[0]: unknown field(s) 'backendRef'"]


def test_cel_rules_are_evaluated() -> None:
    route = {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute",
             "metadata": {"name": "r", "namespace": "n"},
             "spec": {"rules": [{"filters": [
                 {"type": "RequestRedirect", "requestRedirect": {"scheme": "https"}},
                 {"type": "URLRewrite", "urlRewrite": {"hostname": "x.example.com"}}]}]}}
    assert problems(route) == ["spec.rules[0].filters: May specify either "
                               "httpRouteFilterRequestRedirect or httpRouteFilterRequestRewrite, "
                               "but not both"]


def test_crd_registry_kinds(tmp_path: Path) -> None:
    assert "gateway.networking.k8s.io/v1 HTTPRoute" in crds().kinds()
    assert crds().get("gateway.networking.k8s.io/v1beta1", "ReferenceGrant") is not None
    assert crds().get("example.com/v1", "Nope") is None
