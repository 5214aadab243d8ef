"""Custom resources checked as the API server does on create: structural defaults first,
list-type sets and maps, required fields at their own path, unserved versions, and every CEL
rule evaluated with the Kubernetes CEL libraries; upstream examples pass, invalid ones fail
with the API server's path and message."""

from __future__ import annotations

import copy
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netkit import load_manifests
from netkit.validate import openapi, validate
from netkit.validate.cel import CelRule, evaluate, evaluate_rules
from netkit.validate.crd import COMPILE_AFTER, CustomResourceSchema
from netkit.validate.crd_registry import CrdRegistry
from netkit.validate.openapi_accepts import accepts
from netkit.validate.structural import defaulted, has_default, list_errors, pruned

FIXTURES = Path(__file__).parent / "fixtures"
UPSTREAM = FIXTURES / "upstream"
INVALID = sorted((FIXTURES / "gateway-api-invalid").glob("*.yaml"))
STANDARD = CrdRegistry()
EXPERIMENTAL = CrdRegistry(gateway_api_channel="experimental")
SCHEMA_RULES = {"NK001", "NK004", "NK005"}


def schema_findings(objects: list[Any], crds: CrdRegistry = STANDARD) -> list[tuple[str, ...]]:
    return [(f.rule, f.field or "", f.message) for f in validate(objects, crds=crds)
            if f.rule in SCHEMA_RULES]


# --- Gateway API: invalid examples rejected, upstream examples accepted -----------------------

@pytest.mark.parametrize("case", INVALID, ids=lambda p: p.stem)
def test_invalid_gateway_api_objects_are_rejected_as_the_api_server_does(case: Path) -> None:
    text = case.read_text(encoding="utf-8")
    expected = [tuple(["NK001", *m.split(": ", 1)]) for m in re.findall(r"^# expect: (.*)$",
                                                                          text, re.M)]
    assert expected
    assert schema_findings(load_manifests([str(case)])) == expected


@pytest.mark.parametrize(("folder", "crds", "expected"), [
    ("gateway-api/examples/standard", STANDARD, []),
    ("gateway-api/examples", EXPERIMENTAL, []),
    ("envoy-gateway", EXPERIMENTAL, []),
    ("cert-manager", STANDARD, []),
    # Argo CD's reference page lists every field, some at the wrong level: the API server
    # refuses it too (kubectl validates fields strictly).
    ("argo-cd", STANDARD, [
        ("NK001", "spec.generators[0].list.template.spec.source", "unknown field(s) 'revision'"),
        ("NK001", "spec.generators[3].scmProvider.github", "unknown field(s) 'values'"),
        ("NK001", "spec.generators[4]",
         "unknown field(s) 'configMapRef', 'labelSelector', 'name', 'requeueAfterSeconds'"),
        ("NK001", "spec.generators[5].pullRequest", "unknown field(s) 'awsCodeCommit'"),
        ("NK001", "spec.generators[6].matrix.generators", "Required value"),
        ("NK001", "spec.generators[8]", "unknown field(s) 'configMapRef', 'input'"),
        ("NK001", "spec.template.spec.source", "unknown field(s) 'parameters'"),
        ("NK001", "spec.template.spec.source.helm", "unknown field(s) 'useCredentials'")]),
])
def test_upstream_examples_are_accepted(folder: str, crds: CrdRegistry,
                                        expected: list[tuple[str, ...]]) -> None:
    assert schema_findings(load_manifests([str(UPSTREAM / folder)]), crds) == expected


def test_gateway_addresses_validate_because_the_type_default_is_applied() -> None:
    example = UPSTREAM / "gateway-api/examples/standard/gateway-addresses.yaml"
    objects = load_manifests([str(example)])
    before = copy.deepcopy([o.obj for o in objects])
    assert schema_findings(objects) == []
    assert [o.obj for o in objects] == before  # defaults go to a copy


# --- structural defaulting --------------------------------------------------------------------

OBJ_SCHEMA: dict[str, Any] = {"type": "object", "properties": {
    "mode": {"type": "string", "default": "Terminate"},
    "opts": {"type": "object", "default": {}, "properties": {
        "size": {"type": "integer", "default": 3}}},
    "nullable": {"type": "string", "nullable": True, "default": "x"},
    "items": {"type": "array", "items": {"type": "object", "properties": {
        "kind": {"type": "string", "default": "Service"}}}},
    "labels": {"type": "object", "additionalProperties": {"type": "string", "default": "v"}}}}


BASE = {"mode": "Terminate", "opts": {"size": 3}, "nullable": "x"}


@pytest.mark.parametrize(("given_value", "expected"), [
    ({}, BASE),
    ({"mode": "Passthrough", "opts": {"size": 1}},
     {**BASE, "mode": "Passthrough", "opts": {"size": 1}}),
    ({"mode": None}, BASE),  # the null of a non-nullable field is defaulted
    ({"nullable": None}, {**BASE, "nullable": None}),  # a nullable one's stays null
    ({"items": [{}, {"kind": "Backend"}]},
     {**BASE, "items": [{"kind": "Service"}, {"kind": "Backend"}]}),
    ({"labels": {"a": None, "b": "c"}}, {**BASE, "labels": {"a": "v", "b": "c"}}),
])
def test_defaults_are_applied_recursively(given_value: dict[str, Any],
                                          expected: dict[str, Any]) -> None:
    before = copy.deepcopy(given_value)
    assert defaulted(given_value, OBJ_SCHEMA) == expected
    assert given_value == before


# --- x-kubernetes-list-type -------------------------------------------------------------------

SET = {"type": "array", "x-kubernetes-list-type": "set", "items": {"type": "string"}}
MAP = {"type": "array", "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["name"],
       "items": {"type": "object", "properties": {"name": {"type": "string"},
                                                 "value": {"type": "string"}}}}
MAP2 = {"type": "array", "x-kubernetes-list-type": "map",
        "x-kubernetes-list-map-keys": ["port", "protocol"],
        "items": {"type": "object", "properties": {
            "port": {"type": "integer"}, "protocol": {"type": "string", "default": "TCP"}}}}


@pytest.mark.parametrize(("schema", "value", "errors"), [
    (SET, ["a", "b"], []),
    (SET, ["a", "b", "a", "a"], [("x[2]", 'Duplicate value: "a"')]),
    ({**SET, "items": {"type": "integer"}}, [1, 2, 1], [("x[2]", "Duplicate value: 1")]),
    ({**SET, "items": {"type": "object"}}, [{"a": 1}, {"a": 1}],
     [("x[1]", 'Duplicate value: map[string]interface {}{"a":1}')]),
    (MAP, [{"name": "a", "value": "1"}, {"name": "a", "value": "2"}],
     [("x[1]", 'Duplicate value: map[string]interface {}{"name":"a"}')]),
    (MAP, [{"name": "a"}, {"name": "b"}], []),
    (MAP, [{"name": "a"}, "b"],
     [("x[1]", 'Invalid value: "b": must be an object for an array of list-type map')]),
    (MAP, [{"name": ["a"]}, {"name": "b"}],
     [("x[0].name", 'Invalid value: []interface {}{"a"}: must be a scalar')]),
    (MAP2, [{"port": 53}, {"port": 53, "protocol": "TCP"}, {"port": 53, "protocol": "UDP"}],
     [("x[1]", 'Duplicate value: map[string]interface {}{"port":53, "protocol":"TCP"}')]),
    ({"type": "array", "x-kubernetes-list-type": "atomic"}, ["a", "a"], []),
])
def test_list_type_duplicates(schema: dict[str, Any], value: list[Any],
                              errors: list[tuple[str, str]]) -> None:
    found = list_errors({"x": value}, {"type": "object", "properties": {"x": schema}})
    assert [(e.path, e.message) for e in found] == errors


@given(st.lists(st.sampled_from(["a", "b", "c"]), max_size=6))
@settings(max_examples=30, deadline=None)
def test_a_set_is_reported_once_per_duplicated_value(items: list[str]) -> None:
    found = list_errors(items, SET)
    assert len(found) == len({x for x in items if items.count(x) > 1})


# --- required fields and unserved versions ----------------------------------------------------

def test_missing_required_fields_are_reported_at_their_own_path() -> None:
    grant = {"apiVersion": "gateway.networking.k8s.io/v1beta1", "kind": "ReferenceGrant",
             "metadata": {"name": "g", "namespace": "n"},
             "spec": {"from": [{"group": "", "kind": "Service"}], "to": [{"group": ""}]}}
    assert schema_findings([grant]) == [("NK001", "spec.from[0].namespace", "Required value"),
                                        ("NK001", "spec.to[0].kind", "Required value")]
    ingress = {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
               "metadata": {"name": "i", "namespace": "n"},
               "spec": {"defaultBackend": {"service": {"port": {"number": 80}}}}}
    assert schema_findings([ingress]) == [
        ("NK001", "spec.defaultBackend.service.name", "Required value")]


def test_an_unserved_version_is_refused_and_the_hint_names_the_served_ones() -> None:
    route = {"apiVersion": "gateway.networking.k8s.io/v1alpha2", "kind": "TLSRoute",
             "metadata": {"name": "r", "namespace": "n"},
             "spec": {"rules": [{"backendRefs": [{"name": "s", "port": 443}]}]}}
    [finding] = [f for f in validate([route]) if f.rule == "NK005"]
    assert (finding.field, finding.message, finding.hint) == (
        "apiVersion", "the cluster does not serve tlsroutes v1alpha2",
        "served versions of gateway.networking.k8s.io TLSRoute: v1")
    assert schema_findings([route], EXPERIMENTAL) == []
    mine = CrdRegistry(bundled=False)
    mine.add({"spec": {"group": "example.com", "names": {"kind": "Widget", "plural": "widgets"},
                       "versions": [{"name": "v1", "served": True},
                                    {"name": "v2", "served": False}]}})
    widget = {"apiVersion": "example.com/v2", "kind": "Widget", "metadata": {"name": "w"}}
    [finding] = validate([widget], crds=mine)
    assert (finding.rule, finding.message, finding.hint) == (
        "NK005", "the cluster does not serve widgets v2",
        "served versions of example.com Widget: v1")



def test_an_object_of_an_unserved_version_takes_no_part_in_cross_object_checks() -> None:
    service = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web", "namespace": "n"},
               "spec": {"ports": [{"port": 443}]}}
    route = {"apiVersion": "gateway.networking.k8s.io/v1alpha2", "kind": "TLSRoute",
             "metadata": {"name": "r", "namespace": "n"},
             "spec": {"hostnames": ["a.example.com"],
                      "rules": [{"backendRefs": [{"name": "nope", "port": 443}]}]}}
    again = {**route, "metadata": {"name": "r2", "namespace": "n"}}
    served = {**route, "apiVersion": "gateway.networking.k8s.io/v1"}
    # NK005 once per kind and version; neither object is checked against the others.
    assert [(f.rule, f.object) for f in validate([service, route, again])] == [
        ("NK005", "TLSRoute/n/r")]
    assert "NK102" in {f.rule for f in validate([service, served])}


# --- CEL: the Kubernetes libraries ------------------------------------------------------------

def holds(rule: str, value: Any) -> bool | str:
    """True/False, or the error message the API server gives."""
    error = evaluate(CelRule((), rule, "m", None), value, "f")
    if error is None:
        return True
    return False if error.message == 'Invalid value: "object": m' else error.message


@pytest.mark.parametrize(("rule", "value", "result"), [
    # IPs and CIDRs
    ("isIP(self)", "192.0.2.1", True),
    ("isIP(self)", "2001:db8::1", True),
    ("isIP(self)", "192.0.2.01", False),  # leading zeros are ambiguous
    ("isIP(self)", "::ffff:192.0.2.1", False),  # IPv4-mapped
    ("isIP(self)", "fe80::1%eth0", False),  # zone
    ("ip(self).family() == 6", "2001:db8::1", True),
    ("ip(self).isLoopback()", "127.0.0.1", True),
    ("ip(self).isGlobalUnicast()", "10.0.0.1", True),
    ("ip(self).isLinkLocalUnicast()", "169.254.1.1", True),
    ("ip(self).isUnspecified()", "::", True),
    ("ip(self) == ip('2001:db8:0::1')", "2001:db8::1", True),
    ("ip.isCanonical(self)", "2001:DB8::1", False),
    ("isCIDR(self)", "10.0.0.0/8", True),
    ("isCIDR(self)", "10.0.0.0", False),
    ("isCIDR(self)", "10.0.0.0/33", False),
    ("cidr(self).containsIP('10.1.2.3')", "10.0.0.0/8", True),
    ("cidr(self).containsIP(ip('11.0.0.1'))", "10.0.0.0/8", False),
    ("cidr(self).containsCIDR('10.1.0.0/16')", "10.0.0.0/8", True),
    ("cidr(self).prefixLength() == 8", "10.0.0.0/8", True),
    ("cidr(self).masked() == cidr('10.0.0.0/8')", "10.1.2.3/8", True),
    ("cidr(self).ip() == ip('10.1.2.3')", "10.1.2.3/8", True),
    # URLs
    ("isURL(self)", "https://example.com:8443/a?b=c", True),
    ("isURL(self)", "example.com", False),
    ("url(self).getScheme() == 'https'", "https://example.com", True),
    ("url(self).getHost() == 'example.com:8443'", "https://example.com:8443/a", True),
    ("url(self).getHostname() == '::1'", "https://[::1]:80/", True),
    ("url(self).getPort() == '8443'", "https://example.com:8443/a", True),
    ("url(self).getEscapedPath() == '/a%20b'", "https://example.com/a%20b", True),
    ("url(self).getQuery()['b'] == ['c', 'd']", "https://example.com/?b=c&b=d", True),
    # quantities
    ("isQuantity(self)", "1.5Gi", True),
    ("isQuantity(self)", "1.5GB", False),
    ("quantity(self).isGreaterThan(quantity('1G'))", "1Gi", True),
    ("quantity(self).compareTo(quantity('1000m')) == 0", "1", True),
    ("quantity(self).add(quantity('500m')) == quantity('1.5')", "1", True),
    ("quantity(self).sub(1).asInteger() == 1", "2", True),
    ("quantity(self).isInteger()", "1500m", False),
    ("quantity(self).sign() == -1", "-1Ki", True),
    ("quantity(self).asApproximateFloat() == 0.5", "500m", True),
    # named formats (validate() is optional<list<string>>: hasValue when invalid)
    ("!format.dns1123Label().validate(self).hasValue()", "web-1", True),
    ("!format.dns1123Label().validate(self).hasValue()", "Web_1", False),
    ("format.dns1123Label().validate(self) == null", "web-1", False),  # an optional is not null
    ("!format.named('labelValue').validate(self).hasValue()", "a.b_c", True),
    ("!format.uuid().validate(self).hasValue()", "123e4567-e89b-12d3-a456-426614174000", True),
    ("!format.byte().validate(self).hasValue()", "not base64!", False),
    ("!format.date().validate(self).hasValue()", "2021-02-30", False),
    ("!format.datetime().validate(self).hasValue()", "2021-01-01T00:00:00Z", True),
    ("!format.dns1035LabelPrefix().validate(self).hasValue()", "web-", True),
    # lists, regex, sets, strings (cel-go extensions)
    ("self.isSorted()", [1, 2, 2, 5], True),
    ("self.isSorted()", ["b", "a"], False),
    ("self.sum() == 6 && self.min() == 1 && self.max() == 3", [1, 2, 3], True),
    ("self.indexOf(2) == 1 && self.lastIndexOf(2) == 3", [1, 2, 3, 2], True),
    ("self.find('[0-9]+') == '42'", "abc42def7", True),
    ("self.findAll('[0-9]+') == ['42', '7']", "abc42def7", True),
    ("self.findAll('[0-9]+', 1) == ['42']", "abc42def7", True),
    ("sets.contains(self, [1, 2])", [1, 2, 3], True),
    ("sets.equivalent(self, [3, 2, 1, 1])", [1, 2, 3], True),
    ("sets.intersects(self, [4, 5])", [1, 2, 3], False),
    ("self.split('/')[1] == 'b'", "a/b/c", True),
    ("self.lowerAscii() == 'host' && self.upperAscii() == 'HOST'", "Host", True),
    ("self.substring(2) == 'st' && self.indexOf('s') == 2", "host", True),
    ("self.replace('-', '_') == 'a_b' && self.trim() == self", "a-b", True),
    ("['a', 'b'].join('-') == self", "a-b", True),
    ("self.matches('^[a-z]+$')", "abc", True),
    ("duration(self) > duration('1m')", "90s", True),
    ("math.greatest(self, 3) == 5", 5, True),
    ("base64.decode(self) == b'hi'", "aGk=", True),
    ("self.?port.orValue(80) == 80", {}, True),
    ("self.exists_one(x, x == 1) && self.all(x, x > 0)", [1, 2], True),
    # errors the API server reports as they are
    ("self.type == 'A'", {}, 'Invalid value: "object": no such key: type evaluating rule: m'),
    ("ip(self).family() == 4", "nope", 'Invalid value: "object": IP Address \'nope\' parse '
                                       "error during conversion from string evaluating rule: m"),
])
def test_kubernetes_cel_library(rule: str, value: Any, result: bool | str) -> None:
    assert holds(rule, value) == result


# --- CEL: what the API server does around a rule ----------------------------------------------

@pytest.mark.parametrize(("rule", "at", "errors"), [
    (CelRule(("spec",), "self.a > 1", None, None), "spec", [
        ("spec", 'Invalid value: "object": failed rule: self.a > 1')]),
    (CelRule(("spec",), "self.a > 1", "too small", ".a"), "spec", [
        ("spec.a", 'Invalid value: "object": too small')]),
    (CelRule(("spec",), "self.a > 1", "m", None, reason="FieldValueForbidden"), "spec", [
        ("spec", "Forbidden: m")]),
    (CelRule(("spec",), "self.a > 1", "m", None, reason="FieldValueRequired"), "spec", [
        ("spec", "Required value: m")]),
    (CelRule(("spec",), "self.a > 1", "m", None, reason="FieldValueDuplicate"), "spec", [
        ("spec", 'Duplicate value: "object"')]),
    (CelRule(("spec",), "self.a > 1", "m", None,
             message_expression="'a is ' + string(self.a)"), "spec", [
        ("spec", 'Invalid value: "object": a is 1')]),
    (CelRule(("spec", "items", "[]"), "self > 1", "m", None, schema_type="integer"), "", [
        ("spec.items[0]", 'Invalid value: "integer": m')]),
    (CelRule(("spec", "labels", "{}"), "self != 'x'", "m", None, schema_type="string"), "", [
        ("spec.labels[k]", 'Invalid value: "string": m')]),
    (CelRule(("spec",), "self.__namespace__ == 'a'", "m", None), "", []),
    (CelRule(("spec",), "self == oldSelf", "immutable", None), "", []),  # skipped on create
    (CelRule(("spec",), "!oldSelf.hasValue() || self == oldSelf.value()", "m", None,
             optional_old_self=True), "", []),
])
def test_how_rules_are_applied(rule: CelRule, at: str, errors: list[tuple[str, str]]) -> None:
    obj = {"spec": {"a": 1, "namespace": "a", "items": [1, 2], "labels": {"k": "x"}}}
    found, skipped = evaluate_rules([rule], obj)
    assert [(e.path, e.message) for e in found] == errors
    assert skipped == []


def test_a_rule_that_cannot_be_evaluated_is_a_warning_naming_it() -> None:
    found, [skipped] = evaluate_rules([CelRule(("spec",), "isSemver(self.v)", "m", None)],
                                      {"spec": {"v": "1.0.0"}})
    assert found == []
    assert skipped.why == "undeclared reference to 'isSemver'"
    mine = CrdRegistry(bundled=False)
    mine.add({"spec": {"group": "example.com", "names": {"kind": "Release", "plural": "releases"},
                       "versions": [{"name": "v1", "schema": {"openAPIV3Schema": schema_of(
                           versions={"type": "array", "items": {
                               "type": "string", "x-kubernetes-validations": [
                                   {"rule": "isSemver(self)"}]}})}}]}})
    releases = [{"apiVersion": "example.com/v1", "kind": "Release",
                 "metadata": {"name": n, "namespace": "a"},
                 "spec": {"versions": ["1.0.0", "2.0.0"]}} for n in ("a", "b")]
    [finding] = validate(releases, crds=mine)  # once per kind and rule, not per value
    assert (finding.rule, finding.severity, finding.field, finding.message) == (
        "NK004", "warning", "spec.versions[0]",
        "CEL rule 'isSemver(self)' was not evaluated: undeclared reference to 'isSemver'")


def test_checked_rules_are_cached_across_runs_and_a_damaged_cache_is_rebuilt(
        tmp_path: Path) -> None:
    route = tmp_path / "route.yaml"
    route.write_text((FIXTURES / "gateway-api-invalid" / "httproute-path-dot-dot.yaml")
                     .read_text(encoding="utf-8"), encoding="utf-8")
    env = {**os.environ, "NETKIT_CACHE_DIR": str(tmp_path / "cache")}

    def run() -> list[tuple[str, str]]:
        proc = subprocess.run([sys.executable, "-m", "netkit.cli", "validate", str(route),
                               "--format", "json"], capture_output=True, text=True, env=env,
                              check=False)
        assert proc.returncode == 1, proc.stderr
        return [(f["field"], f["message"]) for f in json.loads(proc.stdout)["findings"]
                if f["rule"] == "NK001"]

    first = run()
    assert first == [("spec.rules[0].matches[0].path", 'Invalid value: "object": must not '
                      "contain '/../' when type one of ['Exact', 'PathPrefix']")]
    cached = list((tmp_path / "cache" / "cel").iterdir())
    assert cached
    for file in cached:
        file.write_bytes(b"\x00not a cache entry")
    assert run() == first
    assert run() == first


# --- the structural schema, as kube-openapi words it ------------------------------------------

def schema_of(**props: Any) -> dict[str, Any]:
    return {"type": "object", "properties": {"spec": {"type": "object", "properties": props}}}


@pytest.mark.parametrize(("props", "spec", "errors"), [
    ({"port": {"type": "integer", "maximum": 65535}}, {"port": 70000},
     [("spec.port", "Invalid value: 70000: spec.port in body should be less than or equal to "
                    "65535")]),
    ({"port": {"type": "integer", "minimum": 1, "exclusiveMinimum": True}}, {"port": 1},
     [("spec.port", "Invalid value: 1: spec.port in body should be greater than 1")]),
    ({"port": {"type": "integer"}}, {"port": "80"},
     [("spec.port", 'Invalid value: "string": spec.port in body must be of type integer: '
                    '"string"')]),
    ({"ratio": {"type": "number", "multipleOf": 0.5}}, {"ratio": 0.7},
     [("spec.ratio", "Invalid value: 0.7: spec.ratio in body should be a multiple of 0.5")]),
    ({"port": {"x-kubernetes-int-or-string": True}}, {"port": True},
     [("spec.port", 'Invalid value: "boolean": spec.port in body must be of type '
                    'integer,string: "boolean"')]),
    ({"port": {"x-kubernetes-int-or-string": True}}, {"port": "http"}, []),
    ({"mode": {"type": "string", "enum": ["A", "B"]}}, {"mode": "C"},
     [("spec.mode", 'Unsupported value: "C": supported values: "A", "B"')]),
    ({"name": {"type": "string", "maxLength": 3}}, {"name": "abcd"},
     [("spec.name", "Too long: may not be more than 3 bytes")]),
    ({"name": {"type": "string", "minLength": 2}}, {"name": "a"},
     [("spec.name", 'Invalid value: "a": spec.name in body should be at least 2 chars long')]),
    ({"name": {"type": "string", "pattern": "^\\PC*$"}}, {"name": "a\u0007"},  # RE2 classes
     [("spec.name", 'Invalid value: "a\u0007": spec.name in body should match \'^\\PC*$\'')]),
    ({"ip": {"type": "string", "format": "ipv4"}}, {"ip": "1.2.3"},
     [("spec.ip", 'Invalid value: "1.2.3": spec.ip in body must be of type ipv4: "1.2.3"')]),
    ({"ip": {"type": "string", "format": "email"}}, {"ip": "not checked"}, []),
    ({"l": {"type": "array", "maxItems": 1, "items": {"type": "string"}}}, {"l": ["a", "b"]},
     [("spec.l", "Too many: 2: must have at most 1 items")]),
    ({"l": {"type": "array", "minItems": 1, "items": {"type": "string"}}}, {"l": []},
     [("spec.l", "Invalid value: 0: spec.l in body should have at least 1 items")]),
    ({"m": {"type": "object", "additionalProperties": {"type": "integer"}}}, {"m": {"a": "x"}},
     [("spec.m.a", 'Invalid value: "string": spec.m.a in body must be of type integer: '
                   '"string"')]),
    ({"m": {"type": "object", "maxProperties": 1, "additionalProperties": {"type": "string"}}},
     {"m": {"a": "x", "b": "y"}}, [("spec.m", "Too many: 2: must have at most 1 items")]),
    ({"o": {"type": "object", "required": ["a", "b"], "properties": {
        "a": {"type": "string"}, "b": {"type": "string", "nullable": True}}}},
     {"o": {"a": None, "b": None}}, [("spec.o.a", "Required value")]),  # a null is pruned
    ({"o": {"type": "object", "properties": {"a": {"type": "string"}}}},
     {"o": {"a": "x", "zz": 1, "b": 2}}, [("spec.o", "unknown field(s) 'b', 'zz'")]),
    ({"o": {"type": "object", "x-kubernetes-preserve-unknown-fields": True}},
     {"o": {"anything": [1]}}, []),
    ({"o": {"type": "object", "x-kubernetes-embedded-resource": True,
            "properties": {"spec": {"type": "object"}}}},
     {"o": {"apiVersion": "v1", "kind": "X", "metadata": {"name": "a"}, "spec": {}}}, []),
    ({"o": {"type": "object", "required": ["a"],
            "properties": {"a": {"type": "string", "nullable": True}}}}, {"o": {"a": None}}, []),
    ({"o": {"type": "object", "required": ["a"],
            "properties": {"a": {"type": "string", "nullable": True}}}}, {"o": {}},
     [("spec.o.a", "Required value")]),
    ({"n": {"type": "integer", "maximum": 5, "exclusiveMaximum": True}}, {"n": 5},
     [("spec.n", "Invalid value: 5: spec.n in body should be less than 5")]),
    ({"n": {"type": "number", "minimum": 5, "exclusiveMinimum": True}}, {"n": 5},
     [("spec.n", "Invalid value: 5: spec.n in body should be greater than 5")]),
    ({"o": {"type": "object", "x-kubernetes-embedded-resource": True,
            "x-kubernetes-preserve-unknown-fields": True}}, {"o": {"metadata": {}}},
     [("spec.o.apiVersion", "Required value: must not be empty"),
      ("spec.o.kind", "Required value: must not be empty")]),
    ({"o": {"type": "object", "properties": {"a": {"type": "string"}, "b": {"type": "string"}},
            "oneOf": [{"required": ["a"]}, {"required": ["b"]}]}}, {"o": {"a": "x", "b": "y"}},
     [("spec.o", 'Invalid value: "": spec.o must validate one and only one schema (oneOf). '
                 "Found 2 valid alternatives")]),
    ({"o": {"type": "object", "properties": {"a": {"type": "string"}, "b": {"type": "string"}},
            "anyOf": [{"required": ["a"]}, {"required": ["b"]}]}}, {"o": {}},
     [("spec.o", 'Invalid value: "": spec.o must validate at least one schema (anyOf)'),
      ("spec.o.a", "Required value")]),  # the closest alternative's errors too
    ({"o": {"type": "object", "properties": {"a": {"type": "string"}},
            "not": {"required": ["a"]}}}, {"o": {"a": "x"}},
     [("spec.o", 'Invalid value: "": spec.o must not validate the schema (not)')]),
    ({"o": {"type": "object", "properties": {"a": {"type": "string"}},
            "allOf": [{"properties": {"a": {"maxLength": 1}}}]}}, {"o": {"a": "xy"}},
     [("spec.o", 'Invalid value: "": spec.o must validate all the schemas (allOf). None '
                 "validated"),
      ("spec.o.a", "Too long: may not be more than 1 bytes")]),
    ({"o": {"type": "object", "properties": {"a": {"type": "string"}, "b": {"type": "string"}},
            "oneOf": [{"required": ["a", "b"]}, {"required": ["b"]},
                      {"properties": {"a": {"enum": ["z"]}}, "required": ["a"]}]}},
     {"o": {"a": "x"}},
     [("spec.o", 'Invalid value: "": spec.o must validate one and only one schema (oneOf). '
                 "Found none valid"),
      ("spec.o.b", "Required value")]),
])
def test_structural_schema_errors(props: dict[str, Any], spec: dict[str, Any],
                                  errors: list[tuple[str, str]]) -> None:
    obj = {"apiVersion": "x/v1", "kind": "X", "metadata": {}, "spec": spec}
    root = openapi.root_schema(schema_of(**props))
    found, _ = openapi.validate(obj, root)
    assert sorted((e.path, e.message) for e in found) == sorted(errors)
    assert accepts(root)(obj) is (not found)


def test_cel_rules_wait_for_a_well_typed_object() -> None:
    mine = CrdRegistry(bundled=False)
    mine.add({"spec": {"group": "example.com", "names": {"kind": "Widget", "plural": "widgets"},
                       "versions": [{"name": "v1", "schema": {"openAPIV3Schema": schema_of(
                           size={"type": "integer",
                                 "x-kubernetes-validations": [{"rule": "self < 10",
                                                               "message": "too big"}]},
                           mode={"type": "string", "enum": ["A"]})}}]}})
    widget = {"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"}}
    assert schema_findings([{**widget, "spec": {"size": 12}}], mine) == [
        ("NK001", "spec.size", 'Invalid value: "integer": too big')]
    assert schema_findings([{**widget, "spec": {"size": 12, "mode": "B"}}], mine) == [
        ("NK001", "<root>", 'Invalid value: "null": some validation rules were not checked '
                            "because the object was invalid; correct the existing errors to "
                            "complete validation"),
        ("NK001", "spec.mode", 'Unsupported value: "B": supported values: "A"')]


def timer_findings(prop: dict[str, Any], value: Any, rule: str) -> list[tuple[str, ...]]:
    mine = CrdRegistry(bundled=False)
    schema = schema_of(v=prop)
    schema["properties"]["spec"]["x-kubernetes-validations"] = [{"rule": rule, "message": "no"}]
    mine.add({"spec": {"group": "example.com", "names": {"kind": "Timer", "plural": "timers"},
                       "versions": [{"name": "v1", "schema": {"openAPIV3Schema": schema}}]}})
    timer = {"apiVersion": "example.com/v1", "kind": "Timer",
             "metadata": {"name": "t", "namespace": "a"}, "spec": {"v": value}}
    return [(f.rule, f.field or "") for f in validate([timer], crds=mine)]


@pytest.mark.parametrize(("prop", "value", "rule"), [
    ({"type": "string", "format": "byte"}, "aGk=", "size(self.v) == 2"),  # bytes, not text
    ({"type": "number"}, 1, "self.v / 2.0 == 0.5"),  # a double, even when written 1
    ({"type": "string"}, "aGk=", "size(self.v) == 4"),
])
def test_values_are_typed_by_their_schema_as_cel_sees_them(prop: dict[str, Any], value: Any,
                                                           rule: str) -> None:
    assert timer_findings(prop, value, rule) == []


@pytest.mark.parametrize(("fmt", "value", "rule"), [
    ("duration", "1m30s", "self.v > duration('1m')"),
    ("date-time", "2026-01-02T03:04:05Z", "self.v > timestamp('2026-01-01T00:00:00Z')"),
    ("date", "2026-01-02", "self.v.getFullYear() == 2026"),
])
def test_a_rule_on_time_values_is_not_blamed_on_the_object(fmt: str, value: str,
                                                           rule: str) -> None:
    # The engine takes no duration or timestamp from Python: not evaluated, said so.
    assert timer_findings({"type": "string", "format": fmt}, value, rule) == [("NK004", "spec")]


# --- the compiled predicate agrees with the walk ----------------------------------------------

def _custom_resources() -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """(object, root schema) of every custom resource among the upstream and invalid examples."""
    found = []
    for obj in load_manifests([str(UPSTREAM), *map(str, INVALID)]):
        crd = EXPERIMENTAL.get(obj.api_version, obj.kind) or STANDARD.get(obj.api_version,
                                                                          obj.kind)
        if crd is not None:
            found.append((obj.obj, openapi.root_schema(crd.structural)))
    return found


CUSTOM_RESOURCES = _custom_resources()
VALID_CUSTOM_RESOURCES = [(o, r) for o, r in CUSTOM_RESOURCES
                          if not openapi.validate(o, r)[0] + list_errors(o, r)]
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-2, 70000),
                    st.sampled_from([0.5, 1.0, -1.5, 1e9]),
                    st.sampled_from(["", "a", "HTTP", "HTTPS", "TCP", "PathPrefix", "Exact", "/",
                                     "/x", "example.com", "*.example.com", "10.0.0.1", "1s",
                                     "not a host!", "x" * 300, "Gateway", "Service"]))
JSON_VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
    st.sampled_from(["name", "port", "kind", "value", "type", "x"]), inner, max_size=3),
    max_leaves=6)


def _edge_values(schema: dict[str, Any], current: Any) -> list[Any]:
    """Values on and just past the edges of what a schema node allows."""
    out: list[Any] = [None, 1, "s", True, 1.5, [], {}]
    if "enum" in schema:
        out += [*schema["enum"], "NotInTheEnum"]
    for bound, step in (("maxLength", 1), ("minLength", -1)):
        if bound in schema:
            out += ["x" * schema[bound], "x" * max(0, schema[bound] + step)]
    for bound, step in (("maximum", 1), ("minimum", -1)):
        if bound in schema:
            out += [schema[bound], schema[bound] + step]
    if isinstance(current, list) and current:
        for bound in ("maxItems", "minItems"):
            if bound in schema:
                out += [current[:1] * schema[bound], current[:1] * (schema[bound] + 1),
                        current[:1] * max(0, schema[bound] - 1)]
        out += [[*current, current[0]], current[1:]]
    if isinstance(current, dict):
        for name in schema.get("required") or ():
            out.append({k: v for k, v in current.items() if k != name})
        out.append({**current, "unknownField": "x"})
    for junctor in ("anyOf", "oneOf", "allOf"):
        for alternative in schema.get(junctor) or ():
            out += [{**(current if isinstance(current, dict) else {}), name: None}
                    for name in alternative.get("required") or ()]
    return out


@st.composite
def mutated_custom_resource(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, Any]]:
    """A valid custom resource with one or two values replaced, each chosen by a walk along the
    object and its schema: a value on the edge of its schema node, any JSON value, or none."""
    obj, root = draw(st.sampled_from(VALID_CUSTOM_RESOURCES))
    obj = copy.deepcopy(obj)
    for _ in range(draw(st.sampled_from([1, 1, 1, 2]))):
        node, schema = obj, root
        while True:
            if isinstance(node, dict):
                props = schema.get("properties") or {}
                extra = schema.get("additionalProperties")
                keys = sorted({*node, *props, "unknownField"})
                key: Any = draw(st.sampled_from(keys))
                sub = props.get(key, extra if isinstance(extra, dict) else {})
            elif isinstance(node, list) and node:
                key = draw(st.integers(0, len(node) - 1))
                sub = schema.get("items") if isinstance(schema.get("items"), dict) else {}
            else:
                break
            child = node.get(key) if isinstance(node, dict) else node[key]
            if isinstance(child, (dict, list)) and child and draw(st.integers(0, 3)):
                node, schema = child, sub
                continue
            edges = st.sampled_from(_edge_values(sub, child))
            value = draw(st.one_of(edges, edges, edges, JSON_VALUES))
            if isinstance(node, dict) and value is None and draw(st.booleans()):
                node.pop(key, None)
            else:
                node[key] = value
            break
    return obj, root


_DELETE = object()


def _edit_sites(node: Any, schema: dict[str, Any], path: tuple[Any, ...] = ()
                ) -> Iterator[tuple[tuple[Any, ...], Any]]:
    """(path, new value or _DELETE) for every single edit along the object and its schema."""
    if isinstance(node, dict):
        props = schema.get("properties") or {}
        extra = schema.get("additionalProperties")
        for key in sorted({*node, *props, "unknownField"}):
            sub = props.get(key, extra if isinstance(extra, dict) else {})
            child = node.get(key)
            yield (*path, key), _DELETE
            for value in _edge_values(sub, child):
                yield (*path, key), value
            if isinstance(child, (dict, list)):
                yield from _edit_sites(child, sub, (*path, key))
    elif isinstance(node, list):
        items = schema.get("items") if isinstance(schema.get("items"), dict) else {}
        for i, child in enumerate(node):
            for value in _edge_values(items, child):
                yield (*path, i), value
            if isinstance(child, (dict, list)):
                yield from _edit_sites(child, items, (*path, i))


def _edited(obj: dict[str, Any], path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    out = copy.deepcopy(obj)
    node: Any = out
    for key in path[:-1]:
        node = node[key]
    if value is _DELETE:
        node.pop(path[-1], None)
    else:
        node[path[-1]] = value
    return out


def test_the_compiled_predicate_agrees_with_the_walk_on_every_single_edit() -> None:
    # The richest valid object of each kind, each value set to the edges of its schema node.
    richest: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {}
    for obj, root in VALID_CUSTOM_RESOURCES:
        if len(json.dumps(obj)) > len(json.dumps(richest.get(obj["kind"], ({}, {}))[0])):
            richest[obj["kind"]] = (obj, root)
    disagreements, failing = [], 0
    for obj, root in richest.values():
        check = accepts(root)
        for path, value in _edit_sites(obj, root):
            edited = _edited(obj, path, value)
            errors = openapi.validate(edited, root)[0] + list_errors(edited, root)
            failing += bool(errors)
            if check(edited) is not (not errors):
                disagreements.append((obj["kind"], path, value))
    assert failing > 1000 and not disagreements[:5]


def test_the_corpus_holds_custom_resources_that_pass_and_fail() -> None:
    verdicts = {accepts(root)(obj) for obj, root in CUSTOM_RESOURCES}
    assert len(CUSTOM_RESOURCES) > 50 and verdicts == {True, False}


@given(mutated_custom_resource())
@settings(max_examples=300, deadline=None)
def test_the_compiled_predicate_passes_exactly_what_the_walk_finds_no_error_in(
        case: tuple[dict[str, Any], dict[str, Any]]) -> None:
    obj, root = case
    errors = openapi.validate(obj, root)[0] + list_errors(obj, root)
    assert accepts(root)(obj) is (not errors), [(e.path, e.message) for e in errors]


def test_objects_checked_after_the_predicate_is_compiled_get_the_same_errors() -> None:
    crds = CrdRegistry(gateway_api_channel="experimental")
    (obj, _), *_ = [c for c in VALID_CUSTOM_RESOURCES if c[0]["kind"] == "HTTPRoute"]
    crd = crds.get(obj["apiVersion"], "HTTPRoute")
    assert crd is not None
    bad = {**obj, "spec": {**obj["spec"], "hostnames": ["x" * 254], "unknownField": 1}}
    verdicts = [(crd.validate(obj, cel=False), crd.validate(bad, cel=False))
                for _ in range(2 * COMPILE_AFTER)]
    assert verdicts[0][1] and all(v == verdicts[0] for v in verdicts)


def test_a_kind_expected_in_numbers_is_checked_by_its_predicate_from_the_first_object(
        ) -> None:
    (obj, _), *_ = [c for c in VALID_CUSTOM_RESOURCES if c[0]["kind"] == "HTTPRoute"]
    bad = {**obj, "spec": {**obj["spec"], "hostnames": ["x" * 254], "unknownField": 1}}
    served = EXPERIMENTAL.get(obj["apiVersion"], "HTTPRoute")
    assert served is not None
    walked, expected = (CustomResourceSchema(served.group, served.version, served.kind,
                                             served.namespaced, served.structural)
                        for _ in range(2))
    expected.expect(10 * COMPILE_AFTER)
    assert expected.validate(bad, cel=False) == walked.validate(bad, cel=False) != []
    assert expected.validate(obj, cel=False) == walked.validate(obj, cel=False) == []
    assert expected._accepts is not None and walked._accepts is None


def test_a_schema_whose_predicate_cannot_be_compiled_is_walked_for_every_object() -> None:
    # RE2 refuses lookbehind: the predicate cannot be made, and no object uses the field.
    mine = CrdRegistry(bundled=False)
    mine.add({"spec": {"group": "example.com", "names": {"kind": "Widget", "plural": "widgets"},
                       "versions": [{"name": "v1", "served": True, "storage": True,
                                     "schema": {"openAPIV3Schema": schema_of(
                                         size={"type": "integer", "maximum": 9},
                                         odd={"type": "string", "pattern": "(?<=a)b"})}}]}})
    crd = mine.get("example.com/v1", "Widget")
    assert crd is not None
    found = [crd.validate({"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {},
                           "spec": {"size": size}}, cel=False)
             for size in range(2 * COMPILE_AFTER)]
    assert [bool(errors) for errors in found] == [size > 9 for size in range(2 * COMPILE_AFTER)]


# --- structural defaulting, worked out per schema, against the walk ---------------------------

def _walked_defaults(value: Any, schema: Any) -> Any:
    """The API server's structural defaulting as a plain recursive walk: the model the
    defaulting netkit works out per schema is held to."""
    if not isinstance(schema, dict):
        return value

    def null(item: Any, node: dict[str, Any]) -> bool:
        return item is None and not node.get("nullable", False)

    if isinstance(value, dict):
        props, extra = schema.get("properties") or {}, schema.get("additionalProperties")
        out = dict(value)
        for name, prop in props.items():
            if "default" in prop and (name not in out or null(out[name], prop)):
                out[name] = prop["default"]
        for name, item in list(out.items()):
            sub = props.get(name)
            if sub is None and isinstance(extra, dict):
                sub = extra
                item = extra["default"] if "default" in extra and null(item, extra) else item
            if sub is not None:
                out[name] = _walked_defaults(item, sub)
        return out
    if isinstance(value, list) and isinstance(schema.get("items"), dict):
        items = schema["items"]
        return [_walked_defaults(items["default"] if "default" in items and null(item, items)
                                 else item, items) for item in value]
    return value


FIELD_NAMES = st.sampled_from(["name", "port", "kind", "x"])
SCHEMA_NODES = st.recursive(
    st.fixed_dictionaries({}, optional={"default": SCALARS, "nullable": st.booleans()}),
    lambda inner: st.fixed_dictionaries({}, optional={
        "default": SCALARS | st.dictionaries(FIELD_NAMES, SCALARS, max_size=2),
        "nullable": st.booleans(),
        "properties": st.dictionaries(FIELD_NAMES, inner, max_size=3),
        "additionalProperties": inner | st.booleans(),
        "items": inner}),
    max_leaves=8)
DEFAULTABLE = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
    FIELD_NAMES | st.sampled_from(["y", "z"]), inner, max_size=4), max_leaves=10)


@given(SCHEMA_NODES, DEFAULTABLE)
@settings(max_examples=400, deadline=None)
def test_defaulting_agrees_with_the_walk_and_leaves_the_value_as_it_was(
        schema: dict[str, Any], value: Any) -> None:
    before = copy.deepcopy(value)
    result = defaulted(value, schema)
    assert result == _walked_defaults(value, schema)
    assert value == before


def test_defaulting_agrees_with_the_walk_on_every_upstream_custom_resource() -> None:
    for obj, root in CUSTOM_RESOURCES:
        schema = pruned(root, has_default)
        assert defaulted(obj, schema) == _walked_defaults(obj, schema), obj["kind"]
