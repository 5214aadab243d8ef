from __future__ import annotations

import pytest

from netkit.k8s.names import (
    dns1035_label_errors,
    dns1123_label_errors,
    dns1123_subdomain_errors,
    label_value_errors,
    name_errors,
    name_format,
    qualified_name_errors,
)


@pytest.mark.parametrize(("value", "label", "subdomain", "dns1035"), [
    ("web", True, True, True),
    ("web-1", True, True, True),
    ("1web", True, True, False),
    ("web.api", False, True, False),
    ("Web", False, False, False),
    ("web-", False, False, False),
    ("-web", False, False, False),
    ("", False, False, False),
    ("a" * 63, True, True, True),
    ("a" * 64, False, True, False),
    (".".join(["a" * 63] * 4), False, False, False),
    ("under_score", False, False, False),
])
def test_name_formats(value: str, label: bool, subdomain: bool, dns1035: bool) -> None:
    assert (not dns1123_label_errors(value)) is label
    assert (not dns1123_subdomain_errors(value)) is subdomain
    assert (not dns1035_label_errors(value)) is dns1035


def test_name_errors_follow_kind() -> None:
    assert name_errors("Service", "1web")
    assert not name_errors("NetworkPolicy", "1web")
    assert name_errors("Namespace", "a.b")
    assert not name_errors("ConfigMap", "a.b")
    assert name_format("Service") == "DNS-1035 label"
    assert name_format("Namespace") == "DNS-1123 label"
    assert name_format("HTTPRoute") == "DNS-1123 subdomain"


@pytest.mark.parametrize(("key", "ok"), [
    ("app", True), ("app.kubernetes.io/name", True), ("k8s-app", True), ("a_b.c-d", True),
    ("/app", False), ("app/", False), ("Example.com/app", False), ("-app", False),
    ("a" * 64, False), ("x/" + "a" * 63, True), ("", False),
])
def test_qualified_names(key: str, ok: bool) -> None:
    assert (not qualified_name_errors(key)) is ok


@pytest.mark.parametrize(("value", "ok"), [
    ("", True), ("web", True), ("v1.2_3-x", True), ("-x", False), ("x-", False),
    ("a b", False), ("a" * 63, True), ("a" * 64, False),
])
def test_label_values(value: str, ok: bool) -> None:
    assert (not label_value_errors(value)) is ok
