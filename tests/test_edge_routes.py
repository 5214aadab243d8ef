"""The rest of Gateway API at the edge and east-west canaries: what the constructs accept agrees
with the CRDs, channels and capabilities gate features, and mesh canaries open the right flows."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netkit import Blueprint, NetkitError, Target, synthesize
from netkit.capabilities import GATEWAY_FEATURES, MESH_FEATURES
from netkit.constructs import (
    CanaryRoute,
    Namespace,
    Service,
    TlsIngress,
    ZeroTrustNamespace,
    cors,
    retry,
)
from netkit.errors import CapabilityError, ConfigError
from netkit.testing import assert_isolated, assert_reachable, synth
from netkit.validate.crd_registry import CrdRegistry

HTTPROUTE = CrdRegistry().get("gateway.networking.k8s.io/v1", "HTTPRoute")
durations = st.lists(st.tuples(st.integers(0, 99999), st.sampled_from(["h", "m", "s", "ms"])),
                     min_size=1, max_size=4).map(lambda parts: "".join(f"{n}{u}" for n, u in parts))


def _site(target: Target | None = None) -> tuple[Blueprint, TlsIngress, Service]:
    bp = Blueprint("t", target=target or Target())
    ns = Namespace(bp, "shop")
    w = ns.workload("api", labels={"app": "api"}, ports={"http": 8080})
    svc = Service(ns, "api", workload=w, port=80, target_port="http")
    return bp, TlsIngress(ns, "site", hosts=["api.example.com"], secret="tls"), svc


@pytest.fixture(scope="module", autouse=True)
def _cel_loaded() -> None:
    """Evaluate CEL once before hypothesis runs: loading the evaluator raises the recursion
    limit, which hypothesis warns about when it happens mid-test."""
    assert HTTPROUTE is not None
    HTTPROUTE.validate({"apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute",
                        "metadata": {"name": "r", "namespace": "n"},
                        "spec": {"rules": [{"timeouts": {"request": "1s"}}]}})


@settings(max_examples=40, deadline=None)
@given(request=durations | st.text(max_size=8), backend=durations)
def test_route_timeouts_accepted_exactly_when_the_crd_accepts_them(request: str,
                                                                   backend: str) -> None:
    rule = {"matches": [{"path": {"type": "PathPrefix", "value": "/"}}],
            "timeouts": {"request": request, "backendRequest": backend}}
    route = {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute",
             "metadata": {"name": "r", "namespace": "shop"}, "spec": {"rules": [rule]}}
    assert HTTPROUTE is not None
    crd_accepts = not HTTPROUTE.validate(route)
    _, site, svc = _site()
    try:
        site.route("/", svc, timeout=request, backend_timeout=backend)
    except NetkitError:
        assert not crd_accepts
    else:
        assert crd_accepts


def test_retry_renders_on_the_experimental_channel_only() -> None:
    bp, site, svc = _site(Target(gateway_api_channel="experimental"))
    site.route("/", svc, retry=retry(3, codes=[503], backoff="250ms"))
    rule = synth(bp).get("HTTPRoute", "site", "shop")["spec"]["rules"][0]
    assert rule["retry"] == {"attempts": 3, "codes": [503], "backoff": "250ms"}
    bp, site, svc = _site()
    site.route("/", svc, retry=retry(3))
    with pytest.raises(CapabilityError, match="gateway_api_channel='standard'"):
        synth(bp)


@pytest.mark.parametrize("gateway", sorted(g for g in GATEWAY_FEATURES if g != "none"))
def test_each_gateway_renders_exactly_the_features_of_its_row(gateway: str) -> None:
    target = Target(gateway=gateway, cni="cilium" if gateway == "cilium" else "calico",
                    gateway_api_channel="experimental")
    for feature, option in (("HTTPRouteRequestTimeout", {"timeout": "5s"}),
                            ("HTTPRouteBackendTimeout", {"backend_timeout": "1s"}),
                            ("HTTPRouteRetry", {"retry": retry()})):
        bp, site, svc = _site(target)
        site.route("/", svc, **option)  # type: ignore[arg-type]
        if feature in GATEWAY_FEATURES[gateway]:
            synth(bp)
        else:
            with pytest.raises(CapabilityError, match=f"gateway='{gateway}' does not support"):
                synth(bp)


def _mesh(target: Target, **mode: Any) -> Blueprint:
    bp = Blueprint("mesh", target=target)
    ns = ZeroTrustNamespace(bp, "shop")
    web = ns.workload("web", labels={"app": "web"}, ports={"http": 8080})
    other = ns.workload("other", labels={"app": "other"}, ports={"http": 8080})
    cart = ns.workload("cart", labels={"app": "cart"}, ports={"http": 8080})
    v2 = ns.workload("cart-v2", labels={"app": "cart-v2"}, ports={"http": 9000})
    stable = Service(ns, "cart", workload=cart, port=80, target_port="http")
    canary = Service(ns, "cart-v2", workload=v2, port=80, target_port="http")
    ns.allow(web, to=cart, port="http")
    ns.allow(other, to=cart, port="http")
    CanaryRoute(ns, "canary", stable=stable, canary=canary, **mode)
    return bp


@pytest.mark.parametrize("target", [Target(mesh="istio"), Target(mesh="linkerd"),
                                    Target(cni="cilium")], ids=["istio", "linkerd", "cilium"])
@pytest.mark.parametrize("mode", [{"weight": 30}, {"mirror_percent": 5},
                                  {"header": "x-canary"}], ids=["weight", "mirror", "header"])
def test_mesh_canary_binds_to_the_service_and_admits_its_clients(target: Target,
                                                                 mode: dict[str, Any]) -> None:
    result = synth(_mesh(target, **mode))
    route = result.get("HTTPRoute", "canary", "shop")
    parent = route["spec"]["parentRefs"][0]
    assert (parent["group"], parent["kind"], parent["name"]) == ("", "Service", "cart")
    mesh = target.mesh or "cilium"
    assert ("port" in parent) == ("HTTPRouteParentRefPort" in MESH_FEATURES[mesh])
    for client in ("shop/web", "shop/other"):
        assert_reachable(result, client, "shop/cart-v2", 9000)
    assert_isolated(result, "shop/cart", "shop/cart-v2")
    assert result.rules("error") == []


def test_synth_refuses_crds_of_another_channel_than_the_target() -> None:
    bp, site, svc = _site(Target(gateway_api_channel="experimental"))
    site.route("/", svc)
    with pytest.raises(ConfigError) as err:
        synthesize([bp], crds=CrdRegistry())
    assert err.value.line() == (
        "t: the target has gateway_api_channel='experimental', but the CRDs validating it are "
        "the standard channel's (hint: set [tool.netkit] gateway_api_channel to the cluster's "
        "channel too)")
    assert synthesize([bp], crds=CrdRegistry(gateway_api_channel="experimental")).errors == []


def test_network_md_lists_every_route_kind_and_mesh_routes() -> None:
    from tests.scenarios import SCENARIOS, TARGETS

    rows = {name: synth(SCENARIOS[name](TARGETS[target])).files[path].decode()
            for name, target, path in (("east_west", "istio", "default/shop/NETWORK.md"),
                                       ("grpc", "gateway-api", "default/api/NETWORK.md"),
                                       ("tcp_route", "gateway-api", "default/data/NETWORK.md"),
                                       ("tls_passthrough", "gateway-api",
                                        "default/vault/NETWORK.md"))}
    assert ("| mesh: Service search | `/` | path | search:80; copies (10%) to search-v2:80 | "
            "HTTPRoute `search-shadow` |") in rows["east_west"]
    assert "search:80; copies (0.5%) to search-v2:80" in rows["east_west"]
    assert ("| rpc.example.com | `shop.v1.Orders/Get` | gRPC method | api-grpc:9090 | "
            "GRPCRoute `rpc-grpc` |") in rows["grpc"]
    assert "| * | `-` | TCP | pg:5432 | TCPRoute `pg-edge` |" in rows["tcp_route"]
    assert ("| vault.example.com | `-` | TLS SNI | vault:8200 | TLSRoute `vault-edge` |"
            in rows["tls_passthrough"])


ORIGINS = ["*", "https://shop.example.com", "http://localhost:8080", "https://*.example.com",
           "https://a-b.example.com:443", "shop.example.com", "https://shop.example.com/x",
           "ftp://x.example.com", "https://", ""]
HEADERS = ["*", "Authorization", "X-Request-Id", "Content-Type", "bad header", "x:y", ""]
METHODS = ["GET", "POST", "PATCH", "*", "get", "FETCH"]


@settings(max_examples=40, deadline=None)
@given(origins=st.lists(st.sampled_from(ORIGINS), min_size=0, max_size=3),
       methods=st.lists(st.sampled_from(METHODS), max_size=3),
       headers=st.lists(st.sampled_from(HEADERS), max_size=3),
       max_age=st.none() | st.integers(-1, 100000), credentials=st.booleans())
def test_cors_the_construct_accepts_passes_the_crd(origins: list[str], methods: list[str],
                                                   headers: list[str], max_age: int | None,
                                                   credentials: bool) -> None:
    bp, site, svc = _site()
    try:
        site.route("/", svc, cors=cors(origins, allow_methods=methods, allow_headers=headers,
                                       expose_headers=headers, max_age=max_age,
                                       allow_credentials=credentials))
    except NetkitError as err:
        assert "\n" not in err.line() and "(hint: " in err.line()
        return
    route = synth(bp).get("HTTPRoute", "site", "shop")
    assert HTTPROUTE is not None
    assert HTTPROUTE.validate(route) == []
