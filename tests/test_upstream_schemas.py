"""Emitted objects against upstream schemas: the CRDs bundled in netkit.schemas (on both
Gateway API channels), core kinds from the Kubernetes OpenAPI schema (kubernetes-validate), CEL
rules evaluated; and netkit's own validation of its output finds no schema problem."""

from __future__ import annotations

from typing import Any

import kubernetes_validate
import pytest

from netkit import schemas
from netkit.errors import CapabilityError
from netkit.testing import SynthResult, synth
from netkit.validate import cel
from netkit.validate.crd_registry import GATEWAY_API_GROUPS, CrdRegistry
from tests.conftest import ROOT
from tests.scenarios import SCENARIOS, TARGETS

CORE_KINDS = {"Namespace", "Service", "NetworkPolicy", "Ingress", "ConfigMap"}
KUBERNETES = "1.36.0"
REGISTRIES = {channel: CrdRegistry(gateway_api_channel=channel) for channel in schemas.CHANNELS}


def problems(obj: dict[str, Any], channel: str = "standard") -> list[str]:
    kind = obj["kind"]
    if kind in CORE_KINDS:
        try:
            kubernetes_validate.validate(obj, KUBERNETES, strict=True)
        except kubernetes_validate.ValidationError as exc:
            return [f"{'.'.join(map(str, exc.path))}: {exc.message}"]
        return []
    schema = REGISTRIES[channel].get(obj["apiVersion"], kind)
    assert schema is not None, f"no bundled schema for {obj['apiVersion']} {kind}"
    return [f"{e.path}: {e.message}" for e in schema.validate(obj)]


def all_results() -> list[tuple[str, SynthResult]]:
    out = []
    for name, build in sorted(SCENARIOS.items()):
        for tname, target in sorted(TARGETS.items()):
            try:
                out.append((f"{name}/{tname}", synth(build(target))))
            except CapabilityError:
                continue
    for bp in sorted((ROOT / "blueprints").glob("*.py")):
        for ingress in sorted({target.ingress for target in TARGETS.values()}):
            out.append((f"{bp.stem}/{ingress}", synth(bp, target={"ingress": ingress})))
    out.append(("shop/nginx-gateway-fabric",
                synth(ROOT / "blueprints" / "shop.py", target={"gateway": "nginx-gateway-fabric"})))
    return out


RESULTS = all_results()
OUTPUTS = [(where, o) for where, result in RESULTS for o in result.objects]
# The Gateway API channel each object is rendered for (a scenario may switch its target's).
CHANNELS = [r.target.gateway_api_channel if r.target is not None else "standard"
            for _, result in RESULTS for r in result.rendered]


def test_cel_evaluator_is_installed() -> None:
    assert cel.available(), "cel-expr-python is not installed: CEL rules not evaluated"


def test_every_emitted_kind_is_covered() -> None:
    kinds = {o["kind"] for _, o in OUTPUTS}
    assert {"HTTPRoute", "ListenerSet", "Gateway", "GatewayClass", "ReferenceGrant",
            "Certificate", "ClusterIssuer", "BackendTrafficPolicy", "NetworkPolicy", "Service",
            "Namespace", "Ingress", "CiliumNetworkPolicy", "RateLimitPolicy", "GRPCRoute",
            "TLSRoute", "TCPRoute", "UDPRoute", "BackendTLSPolicy"} <= kinds


@pytest.mark.parametrize(("where", "obj", "channel"),
                         [(w, o, c) for (w, o), c in zip(OUTPUTS, CHANNELS, strict=True)],
                         ids=lambda v: v if isinstance(v, str) and "/" in v else
                         f"{v['kind']}/{v['metadata']['name']}" if isinstance(v, dict) else v)
def test_object_matches_upstream_schema(where: str, obj: dict[str, Any], channel: str) -> None:
    assert problems(obj, channel) == []


def test_gateway_api_objects_match_the_experimental_channel_too() -> None:
    gateway_api = [(where, o) for where, o in OUTPUTS
                   if o["apiVersion"].split("/")[0] in GATEWAY_API_GROUPS]
    assert gateway_api
    assert [(where, o["kind"], p) for where, o in gateway_api
            for p in problems(o, "experimental")] == []


def test_synth_finds_a_schema_for_every_object_and_no_schema_error() -> None:
    found = [(where, f.rule, f.object, f.field, f.message) for where, result in RESULTS
             for f in result.findings if f.rule in ("NK001", "NK002")]
    assert found == []


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
    assert problems(route) == ["spec.rules[0].filters: Invalid value: \"array\": May specify "
                               "either "
                               "httpRouteFilterRequestRedirect or httpRouteFilterRequestRewrite, "
                               "but not both"]


def test_crd_registry_kinds() -> None:
    crds = REGISTRIES["standard"]
    assert "gateway.networking.k8s.io/v1 HTTPRoute" in crds.kinds()
    assert "gateway.networking.x-k8s.io/v1alpha1 XBackend" not in crds.kinds()
    assert "gateway.networking.x-k8s.io/v1alpha1 XBackend" in REGISTRIES["experimental"].kinds()
    assert crds.get("gateway.networking.k8s.io/v1beta1", "ReferenceGrant") is not None
    assert crds.get("example.com/v1", "Nope") is None
