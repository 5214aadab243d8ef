"""RateLimitedService on every target: what each per_client_ip / allowlist / burst / status
combination renders, what is refused, and that the emitted policies match the bundled CRDs."""

from __future__ import annotations

import ipaddress
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netkit import Blueprint, Target
from netkit.constructs import Namespace, RateLimitedService, Service, TlsIngress
from netkit.errors import CapabilityError
from netkit.schemas import SCHEMA_ROOT
from netkit.spec import RateLimit
from netkit.testing import synth
from netkit.validate.crd_registry import CrdRegistry

ENVOY = Target()
NGF = Target(gateway="nginx-gateway-fabric")
NGINX = Target(ingress="ingress-nginx")
NONE = Target(gateway="none")
TARGETS = {"envoy": ENVOY, "ngf": NGF, "ingress-nginx": NGINX, "none": NONE}
A = "nginx.ingress.kubernetes.io"

CRDS = CrdRegistry(bundled=False).load([
    SCHEMA_ROOT / "crds" / "envoy-gateway" / "backendtrafficpolicies.yaml",
    SCHEMA_ROOT / "crds" / "nginx-gateway-fabric" / "ratelimitpolicies.yaml"])


def shop(target: Target, *, routed: bool = True, **limit: Any) -> Blueprint:
    bp = Blueprint("shop", target=target)
    ns = Namespace(bp, "shop")
    web = ns.workload("web", labels={"app": "web"}, ports={"http": 8080})
    svc = RateLimitedService(ns, "web", workload=web, port=80, target_port="http", **limit)
    site = TlsIngress(ns, "site", hosts=["shop.example.com"], issuer="letsencrypt-prod")
    site.route("/", svc if routed else Service(ns, "plain", workload=web, port=80,
                                               target_port="http"))
    return bp


def enforced(target: Target, **limit: Any) -> dict[str, Any]:
    """The rendered limit: the policy's spec without its targetRefs, or the Ingress's limit
    annotations."""
    result = synth(shop(target, **limit))
    if target.ingress == "ingress-nginx":
        annotations = result.get("Ingress", "site-web", "shop")["metadata"]["annotations"]
        return {k.removeprefix(f"{A}/"): v for k, v in annotations.items() if "/limit-" in k}
    kind = "BackendTrafficPolicy" if target.gateway == "envoy-gateway" else "RateLimitPolicy"
    policy = result.get(kind, "site-web-ratelimit", "shop")
    schema = CRDS.get(policy["apiVersion"], kind)
    assert schema is not None and schema.validate(policy) == [], policy
    spec = dict(policy["spec"])
    assert spec.pop("targetRefs") == [{"group": "gateway.networking.k8s.io",
                                       "kind": "HTTPRoute", "name": "site-web"}]
    return spec


def local(*rules: dict[str, Any]) -> dict[str, Any]:
    return {"rateLimit": {"type": "Local", "local": {"rules": list(rules)}}}


def per_client(*blocks: str) -> dict[str, Any]:
    return {"rateLimit": {"type": "Global", "global": {"rules": [
        {"clientSelectors": [{"sourceCIDR": {"type": "Distinct", "value": b}}],
         "limit": {"requests": 50, "unit": "Second"}} for b in blocks]}}}


def exempt(block: str, unit: str = "Second") -> dict[str, Any]:
    return {"clientSelectors": [{"sourceCIDR": {"type": "Exact", "value": block}}],
            "limit": {"requests": 4294967295, "unit": unit}}


FIFTY = {"limit": {"requests": 50, "unit": "Second"}}
TEN_OUTSIDE = ("0.0.0.0/5", "8.0.0.0/7", "11.0.0.0/8", "12.0.0.0/6", "16.0.0.0/4", "32.0.0.0/3",
               "64.0.0.0/2", "128.0.0.0/1", "::/0")
NGF_RULE = {"zoneSize": "10m", "key": "$binary_remote_addr", "rate": "50r/s"}
RENDERS: list[tuple[str, Target, dict[str, Any], Any]] = [
    # Envoy Gateway: Local (one bucket per proxy) unless per_client_ip=True asks for Global.
    ("envoy-default", ENVOY, {}, local(FIFTY)),
    ("envoy-shared", ENVOY, {"per_client_ip": False}, local(FIFTY)),
    ("envoy-per-client", ENVOY, {"per_client_ip": True}, per_client("0.0.0.0/0", "::/0")),
    ("envoy-allowlist", ENVOY, {"allowlist": ["10.0.0.0/8", "2001:db8::/32"]},
     local(FIFTY, exempt("10.0.0.0/8"), exempt("2001:db8::/32"))),
    ("envoy-per-client-allowlist", ENVOY, {"per_client_ip": True, "allowlist": ["10.0.0.0/8"]},
     per_client(*TEN_OUTSIDE)),
    ("envoy-burst-equal", ENVOY, {"burst": 50}, local(FIFTY)),
    ("envoy-rpm", ENVOY, {"rps": None, "rpm": 600, "allowlist": ["10.0.0.0/8"]},
     local({"limit": {"requests": 600, "unit": "Minute"}}, exempt("10.0.0.0/8", "Minute"))),
    ("envoy-status-429", ENVOY, {"status_code": 429}, local(FIFTY)),
    ("envoy-status-503", ENVOY, {"status_code": 503, "per_client_ip": True},
     {**per_client("0.0.0.0/0", "::/0"), "responseOverride": [{
         "source": "Local", "match": {"statusCodes": [{"type": "Value", "value": 429}]},
         "response": {"statusCode": 503}}]}),
    # NGINX Gateway Fabric: limit_req keyed per client address unless per_client_ip=False.
    ("ngf-default", NGF, {}, {"rateLimit": {"local": {"rules": [NGF_RULE]}}}),
    ("ngf-per-client", NGF, {"per_client_ip": True},
     {"rateLimit": {"local": {"rules": [NGF_RULE]}}}),
    ("ngf-shared", NGF, {"per_client_ip": False},
     {"rateLimit": {"local": {"rules": [{**NGF_RULE, "key": "$server_name"}]}}}),
    ("ngf-burst-status", NGF, {"burst": 80, "status_code": 503},
     {"rateLimit": {"local": {"rules": [{**NGF_RULE, "burst": 80}]}, "rejectCode": 503}}),
    # ingress-nginx: always per client IP.
    ("nginx-default", NGINX, {}, {"limit-rps": "50"}),
    ("nginx-per-client", NGINX, {"per_client_ip": True}, {"limit-rps": "50"}),
    ("nginx-allowlist-burst", NGINX, {"allowlist": ["10.0.0.0/8", "192.168.0.0/16"],
                                      "burst": 100},
     {"limit-rps": "50", "limit-burst-multiplier": "2",
      "limit-whitelist": "10.0.0.0/8,192.168.0.0/16"}),
]


@pytest.mark.parametrize(("target", "limit", "expected"), [c[1:] for c in RENDERS],
                         ids=[c[0] for c in RENDERS])
def test_renders(target: Target, limit: dict[str, Any], expected: Any) -> None:
    assert enforced(target, **{"rps": 50, **limit}) == expected


HOSTS = ["2001:db8::1/128", "fd00::1/128", "fe80::1/128"]  # 375 CIDRs around them
SIXTEEN = [f"10.{i}.0.0/16" for i in range(16)]
REFUSED: list[tuple[str, Target, dict[str, Any], str, str]] = [
    # (case id, target, limit, location, message fragment)
    ("envoy-burst", ENVOY, {"burst": 80}, "shop/site", "Envoy Gateway cannot set burst=80"),
    ("envoy-local-allowlist-too-long", ENVOY, {"allowlist": SIXTEEN}, "shop/site",
     "a Local limit holds at most 15 allowlist CIDRs, got 16"),
    ("envoy-global-too-many-rules", ENVOY, {"per_client_ip": True, "allowlist": HOSTS},
     "shop/site", "needs 375 Envoy Gateway rules (at most 256)"),
    ("ngf-allowlist", NGF, {"allowlist": ["10.0.0.0/8"]}, "shop/site",
     "NGINX Gateway Fabric's RateLimitPolicy has no allowlist"),
    ("nginx-shared", NGINX, {"per_client_ip": False}, "shop/site",
     "ingress-nginx limits are always keyed per client IP"),
    ("nginx-status", NGINX, {"status_code": 429}, "shop/site",
     "ingress-nginx sets the rejection status controller-wide"),
    ("nginx-burst", NGINX, {"burst": 75}, "shop/site", "75 is not a multiple of 50"),
    *[(f"none-{name}", NONE, limit, "shop/web", "target gateway='none' has no rate-limit "
       "policy") for name, limit in (("default", {}), ("per-client", {"per_client_ip": True}),
                                     ("shared", {"per_client_ip": False}))],
]


@pytest.mark.parametrize(("target", "limit", "where", "message"), [c[1:] for c in REFUSED],
                         ids=[c[0] for c in REFUSED])
def test_refused(target: Target, limit: dict[str, Any], where: str, message: str) -> None:
    with pytest.raises(CapabilityError) as err:
        synth(shop(target, rps=50, **limit))
    line = err.value.line()
    assert line.startswith(f"{where}: ") and message in line and "(hint: " in line, line


@pytest.mark.parametrize("target", sorted(TARGETS))
def test_an_unrouted_limit_is_an_error_only_where_nothing_could_enforce_it(target: str) -> None:
    bp = shop(TARGETS[target], routed=False, rps=50)
    if target == "none":
        with pytest.raises(CapabilityError, match=r"^shop/web: shop/web is rate limited"):
            synth(bp)
    else:
        assert "NK123" in synth(bp).rules("warning")


@pytest.mark.parametrize(("per_client_ip", "rule", "severity"), [
    (None, "NK121", "info"), (False, "NK121", "info"), (True, "NK122", "warning")])
def test_envoy_findings(per_client_ip: bool | None, rule: str, severity: str) -> None:
    result = synth(shop(ENVOY, rps=50, per_client_ip=per_client_ip))
    found = [f for f in result.findings if f.rule in ("NK121", "NK122")]
    assert [(f.rule, f.severity) for f in found] == [(rule, severity)]
    if rule == "NK122":
        assert "rateLimit.backend.type: Redis" in found[0].message
        assert found[0].hint is not None and "drop per_client_ip=True" in found[0].hint


V4 = st.builds(lambda a, n: ipaddress.IPv4Network((a, n), strict=False),
               st.integers(0, 2**32 - 1), st.integers(0, 32))
V6 = st.builds(lambda a, n: ipaddress.IPv6Network((a, n), strict=False),
               st.integers(0, 2**128 - 1), st.integers(0, 128))
ADDRESSES = st.one_of(st.integers(0, 2**32 - 1).map(ipaddress.IPv4Address),
                      st.integers(0, 2**128 - 1).map(ipaddress.IPv6Address))


@settings(max_examples=80, deadline=None)
@given(st.lists(st.one_of(V4, V6), max_size=4), st.lists(ADDRESSES, max_size=6))
def test_limited_cidrs_are_exactly_the_addresses_outside_the_allowlist(
        allowlist: list[Any], probes: list[Any]) -> None:
    try:
        limit = RateLimit(rps=1, allowlist=tuple(str(n) for n in allowlist))
    except ValueError:
        covered = [str(n) for version in (4, 6) for n in ipaddress.collapse_addresses(
            n for n in allowlist if n.version == version)]
        assert covered == ["0.0.0.0/0", "::/0"]
        return
    limited = [ipaddress.ip_network(c) for c in limit.limited_cidrs]
    edges = [a for n in allowlist for a in (n.network_address, n.broadcast_address)]
    for addr in [*probes, *edges]:
        inside = sum(addr in net for net in limited)
        assert inside == (0 if any(addr in n for n in allowlist) else 1), (addr, limited)
