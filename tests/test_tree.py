from __future__ import annotations

import pytest

from netkit import Blueprint, Construct, Manifest
from netkit.errors import ConstructError


def test_paths_children_and_root() -> None:
    bp = Blueprint("shop")
    a = Construct(bp, "site")
    b = Construct(a, "tea-canary")
    c = Construct(bp, "api")
    assert bp.node.path == ""
    assert bp.display_path == "shop"
    assert a.node.path == "site"
    assert b.node.path == "site/tea-canary"
    assert bp.node.children == [a, c]
    assert b.node.root is bp
    assert b.blueprint is bp
    assert [x.node.id for x in bp.node.walk()] == ["shop", "site", "tea-canary", "api"]
    assert a.node.try_find_child("tea-canary") is b
    assert a.node.try_find_child("nope") is None


def test_duplicate_id_names_both() -> None:
    bp = Blueprint("shop")
    site = Construct(bp, "site")
    Construct(site, "web")
    with pytest.raises(ConstructError) as err:
        Manifest(site, "web", {"apiVersion": "v1", "kind": "Namespace",
                               "metadata": {"name": "x"}})
    line = err.value.line()
    assert line.startswith("site: duplicate id 'web'")
    assert "Manifest clashes with Construct site/web" in line
    assert "hint:" in line


@pytest.mark.parametrize("bad", ["", "Web", "web_api", "-web", "web-", "a" * 64, "a/b", "..",
                                 "a.b", "wéb"])
def test_invalid_ids(bad: str) -> None:
    bp = Blueprint("shop")
    with pytest.raises(ConstructError, match="invalid id"):
        Construct(bp, bad)


@pytest.mark.parametrize("good", ["a", "web", "web-2", "0", "a" * 63])
def test_valid_ids(good: str) -> None:
    assert Construct(Blueprint("shop"), good).node.id == good


def test_blueprint_name_is_validated() -> None:
    with pytest.raises(ConstructError, match="invalid id 'Shop'"):
        Blueprint("Shop")


def test_construct_outside_blueprint() -> None:
    loose = Construct(None, "loose")
    with pytest.raises(ConstructError, match="not inside a Blueprint"):
        _ = Construct(loose, "child").blueprint


def test_non_string_id() -> None:
    with pytest.raises(ConstructError, match="id must be a string"):
        Construct(Blueprint("shop"), 3)  # type: ignore[arg-type]
