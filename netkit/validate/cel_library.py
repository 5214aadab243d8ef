"""The Kubernetes CEL libraries of the API server (k8s.io/apiserver/pkg/cel/library) for
cel-expr-python: lists, regex, sets, URLs, IPs, CIDRs, quantities and named formats.

Opaque Kubernetes values (an IP, a CIDR, a URL, a quantity, a format) are CEL maps with one
tagged key, so that the engine can carry them between calls; rules were type-checked by the API
server when the CRD was created, so only evaluation has to agree with it.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import itertools
import re
import uuid
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import SplitResult, parse_qs, urlsplit

import re2  # type: ignore[import-untyped]

from netkit.k8s import names

_IP, _CIDR, _URL, _QUANTITY, _FORMAT = "@ip", "@cidr", "@url", "@quantity", "@format"


class CelLibraryError(ValueError):
    """A library function refused its arguments (the API server's error value)."""


def _unwrap(value: Any, tag: str) -> Any:
    if not isinstance(value, dict) or tag not in value:
        raise CelLibraryError("no such overload")
    return value[tag]


# --- lists ---------------------------------------------------------------------------------

def _comparable(items: list[Any]) -> list[Any]:
    if any(isinstance(x, bool) or not isinstance(x, (int, float, str, bytes)) for x in items):
        raise CelLibraryError("no such overload")
    return items


def is_sorted(items: list[Any]) -> bool:
    """``<list>.isSorted()``."""
    items = _comparable(items)
    return all(a <= b for a, b in itertools.pairwise(items))


def list_sum(items: list[Any]) -> Any:
    """``<list>.sum()``: 0 for an empty list."""
    return sum(_comparable(items)) if items else 0


def list_min(items: list[Any]) -> Any:
    """``<list>.min()``."""
    if not items:
        raise CelLibraryError("min called on empty list")
    return min(_comparable(items))


def list_max(items: list[Any]) -> Any:
    """``<list>.max()``."""
    if not items:
        raise CelLibraryError("max called on empty list")
    return max(_comparable(items))


def index_of(items: list[Any], value: Any) -> int:
    """``<list>.indexOf(value)``: -1 when absent."""
    return next((i for i, x in enumerate(items) if x == value), -1)


def last_index_of(items: list[Any], value: Any) -> int:
    """``<list>.lastIndexOf(value)``: -1 when absent."""
    return next((i for i in range(len(items) - 1, -1, -1) if items[i] == value), -1)


# --- regex (RE2, as Go's regexp) ------------------------------------------------------------

def _regex(pattern: str) -> Any:
    try:
        return re2.compile(pattern)
    except re2.error as exc:
        raise CelLibraryError(f"invalid regex {pattern!r}: {exc}") from None


def find(text: str, pattern: str) -> str:
    """``<string>.find(regex)``: the first match, or ``""``."""
    m = _regex(pattern).search(text)
    return m.group(0) if m else ""


def find_all(text: str, pattern: str, limit: int = -1) -> list[str]:
    """``<string>.findAll(regex[, limit])``."""
    if limit == 0:
        return []
    found = [m.group(0) for m in _regex(pattern).finditer(text)]
    return found if limit < 0 else found[:limit]


# --- sets -----------------------------------------------------------------------------------

def sets_contains(a: list[Any], b: list[Any]) -> bool:
    """``sets.contains(a, b)``: every element of b is in a."""
    return all(x in a for x in b)


def sets_equivalent(a: list[Any], b: list[Any]) -> bool:
    """``sets.equivalent(a, b)``."""
    return sets_contains(a, b) and sets_contains(b, a)


def sets_intersects(a: list[Any], b: list[Any]) -> bool:
    """``sets.intersects(a, b)``."""
    return any(x in a for x in b)


# --- IP and CIDR ----------------------------------------------------------------------------

def _parse_ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    try:
        addr = ipaddress.ip_address(text)
    except ValueError:
        raise CelLibraryError(f"IP Address {text!r} parse error during conversion from "
                              "string") from None
    if isinstance(addr, ipaddress.IPv6Address):
        if addr.scope_id:
            raise CelLibraryError("IP address with zone value is not allowed")
        if addr.ipv4_mapped is not None:
            raise CelLibraryError("IPv4-mapped IPv6 address is not allowed")
    return addr


def is_ip(text: str) -> bool:
    """``isIP(string)``."""
    try:
        _parse_ip(text)
    except CelLibraryError:
        return False
    return True


def to_ip(text: str) -> dict[str, str]:
    """``ip(string)``."""
    return {_IP: str(_parse_ip(text))}


def ip_is_canonical(text: str) -> bool:
    """``ip.isCanonical(string)``."""
    return str(_parse_ip(text)) == text


def _ip(value: Any) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    return ipaddress.ip_address(_unwrap(value, _IP))


def ip_family(value: Any) -> int:
    """``<IP>.family()``: 4 or 6."""
    return _ip(value).version


def ip_predicate(test: Callable[[Any], bool]) -> Callable[[Any], bool]:
    """An ``<IP>.isXxx()`` member function from a test on the address."""
    return lambda value: test(_ip(value))


def _global_unicast(addr: Any) -> bool:
    # Go's IsGlobalUnicast: not unspecified, loopback, multicast, link-local or broadcast.
    return not (addr.is_unspecified or addr.is_loopback or addr.is_multicast
                or addr.is_link_local or str(addr) == "255.255.255.255")


def _link_local_multicast(addr: Any) -> bool:
    if addr.version == 4:
        return addr in ipaddress.ip_network("224.0.0.0/24")
    return bool(addr.is_multicast and (addr.packed[1] & 0x0F) == 0x02)


IP_PREDICATES: dict[str, Callable[[Any], bool]] = {
    "isUnspecified": lambda a: bool(a.is_unspecified),
    "isLoopback": lambda a: bool(a.is_loopback),
    "isLinkLocalMulticast": _link_local_multicast,
    "isLinkLocalUnicast": lambda a: bool(a.is_link_local) and not a.is_multicast,
    "isGlobalUnicast": _global_unicast,
}


def _parse_cidr(text: str) -> ipaddress.IPv4Interface | ipaddress.IPv6Interface:
    address, slash, bits = text.partition("/")
    if not slash or not bits.isdigit() or (len(bits) > 1 and bits.startswith("0")):
        raise CelLibraryError(f"network address {text!r} parse error during conversion from "
                              "string")
    _parse_ip(address)
    try:
        return ipaddress.ip_interface(text)
    except ValueError:
        raise CelLibraryError(f"network address {text!r} parse error during conversion from "
                              "string") from None


def is_cidr(text: str) -> bool:
    """``isCIDR(string)``."""
    try:
        _parse_cidr(text)
    except CelLibraryError:
        return False
    return True


def to_cidr(text: str) -> dict[str, str]:
    """``cidr(string)``."""
    return {_CIDR: str(_parse_cidr(text))}


def _cidr(value: Any) -> ipaddress.IPv4Interface | ipaddress.IPv6Interface:
    return ipaddress.ip_interface(_unwrap(value, _CIDR))


def cidr_contains_ip(value: Any, ip: Any) -> bool:
    """``<CIDR>.containsIP(IP|string)``."""
    addr = _parse_ip(ip) if isinstance(ip, str) else _ip(ip)
    return addr in _cidr(value).network


def cidr_contains_cidr(value: Any, other: Any) -> bool:
    """``<CIDR>.containsCIDR(CIDR|string)``."""
    inner = _parse_cidr(other) if isinstance(other, str) else _cidr(other)
    outer = _cidr(value).network
    return inner.version == outer.version and inner.network.subnet_of(outer)  # type: ignore[arg-type]


def cidr_ip(value: Any) -> dict[str, str]:
    """``<CIDR>.ip()``: the address as written."""
    return {_IP: str(_cidr(value).ip)}


def cidr_masked(value: Any) -> dict[str, str]:
    """``<CIDR>.masked()``: the network with host bits cleared."""
    return {_CIDR: str(_cidr(value).network)}


def cidr_prefix_length(value: Any) -> int:
    """``<CIDR>.prefixLength()``."""
    return _cidr(value).network.prefixlen


# --- URLs -----------------------------------------------------------------------------------

def _parse_url(text: str) -> SplitResult:
    # Go's url.ParseRequestURI: an absolute URI or an absolute path, no fragment.
    parts = urlsplit(text)
    if not text or " " in text or "#" in text or not (parts.scheme or text.startswith("/")):
        raise CelLibraryError(f"URL parse error during conversion from string: {text!r}")
    return parts


def is_url(text: str) -> bool:
    """``isURL(string)``."""
    try:
        _parse_url(text)
    except (CelLibraryError, ValueError):
        return False
    return True


def to_url(text: str) -> dict[str, str]:
    """``url(string)``."""
    try:
        _parse_url(text)
    except ValueError:
        raise CelLibraryError(f"URL parse error during conversion from string: {text!r}"
                              ) from None
    return {_URL: text}


def _url(value: Any) -> SplitResult:
    return urlsplit(str(_unwrap(value, _URL)))


def url_hostname(value: Any) -> str:
    """``<URL>.getHostname()``: IPv6 without brackets."""
    host = _url(value).netloc.rpartition("@")[2]
    if host.startswith("["):
        return host[1:host.find("]")]
    return host.rpartition(":")[0] if ":" in host else host


def url_port(value: Any) -> str:
    """``<URL>.getPort()``."""
    host = _url(value).netloc.rpartition("@")[2]
    tail = host[host.find("]") + 1:] if host.startswith("[") else host
    return tail.rpartition(":")[2] if ":" in tail else ""


URL_PARTS: dict[str, Callable[[Any], Any]] = {
    "getScheme": lambda v: _url(v).scheme,
    "getHost": lambda v: _url(v).netloc.rpartition("@")[2],
    "getHostname": url_hostname,
    "getPort": url_port,
    "getEscapedPath": lambda v: _url(v).path,
    "getQuery": lambda v: parse_qs(_url(v).query, keep_blank_values=True),
}


# --- quantities -----------------------------------------------------------------------------

_QUANTITY_RE = re.compile(r"([+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))"
                          r"(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?[0-9]+)?")
_SUFFIXES = {"Ki": Decimal(2) ** 10, "Mi": Decimal(2) ** 20, "Gi": Decimal(2) ** 30,
             "Ti": Decimal(2) ** 40, "Pi": Decimal(2) ** 50, "Ei": Decimal(2) ** 60,
             "n": Decimal("1e-9"), "u": Decimal("1e-6"), "m": Decimal("1e-3"), "": Decimal(1),
             "k": Decimal("1e3"), "M": Decimal("1e6"), "G": Decimal("1e9"), "T": Decimal("1e12"),
             "P": Decimal("1e15"), "E": Decimal("1e18")}


def _parse_quantity(text: str) -> Decimal:
    m = _QUANTITY_RE.fullmatch(text)
    if not m:
        raise CelLibraryError("quantities must match the regular expression "
                              "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'")
    suffix = m.group(2) or ""
    try:
        scale = Decimal(f"1{suffix}") if suffix[:1] in ("e", "E") else _SUFFIXES[suffix]
        return Decimal(m.group(1)) * scale
    except InvalidOperation:
        raise CelLibraryError(f"invalid quantity {text!r}") from None


def is_quantity(text: str) -> bool:
    """``isQuantity(string)``."""
    try:
        _parse_quantity(text)
    except CelLibraryError:
        return False
    return True


def _quantity(q: Decimal) -> dict[str, str]:
    # one spelling per amount, so that equal quantities are equal maps
    return {_QUANTITY: format(q.normalize(), "f")}


def to_quantity(text: str) -> dict[str, str]:
    """``quantity(string)``."""
    return _quantity(_parse_quantity(text))


def _q(value: Any) -> Decimal:
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    return Decimal(_unwrap(value, _QUANTITY))


def _compare(a: Any, b: Any) -> int:
    x, y = _q(a), _q(b)
    return (x > y) - (x < y)


def quantity_as_integer(value: Any) -> int:
    """``<Quantity>.asInteger()``: an error when not an integer in int64."""
    q = _q(value)
    if q != q.to_integral_value() or not -(2 ** 63) <= q < 2 ** 63:
        raise CelLibraryError("cannot convert value to integer")
    return int(q)


QUANTITY_MEMBERS: dict[str, Callable[..., Any]] = {
    "sign": lambda v: (_q(v) > 0) - (_q(v) < 0),
    "isInteger": lambda v: _q(v) == _q(v).to_integral_value() and -(2 ** 63) <= _q(v) < 2 ** 63,
    "asInteger": quantity_as_integer,
    "asApproximateFloat": lambda v: float(_q(v)),
}
QUANTITY_BINARY: dict[str, Callable[[Any, Any], Any]] = {
    "compareTo": _compare,
    "isGreaterThan": lambda a, b: _compare(a, b) > 0,
    "isLessThan": lambda a, b: _compare(a, b) < 0,
    "add": lambda a, b: _quantity(_q(a) + _q(b)),
    "sub": lambda a, b: _quantity(_q(a) - _q(b)),
}


# --- named formats --------------------------------------------------------------------------

def _checked(test: Callable[[str], bool], message: str) -> Callable[[str], list[str]]:
    return lambda s: [] if test(s) else [message]


def _base64(text: str) -> bool:
    try:
        base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return False
    return True


def _uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return bool(re.fullmatch(r"[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?"
                             r"[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}", text))


def _date(text: str, pattern: str) -> bool:
    try:
        datetime.strptime(text, pattern)
    except ValueError:
        return False
    return True


def _datetime(text: str) -> bool:
    return bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?"
                             r"([Zz]|[+-]\d{2}:\d{2})", text)) and _date(text[:10], "%Y-%m-%d")


def _uri(text: str) -> list[str]:
    return [] if is_url(text) else [f"parse {text!r}: invalid URI for request"]


def _prefix(check: Callable[[str], list[str]]) -> Callable[[str], list[str]]:
    # A generateName prefix may end in '-' (apimachinery maskTrailingDash).
    return lambda s: check(s[:-1] + "a" if len(s) > 1 and s.endswith("-") else s)


FORMATS: dict[str, Callable[[str], list[str]]] = {
    "dns1123Label": names.dns1123_label_errors,
    "dns1123Subdomain": names.dns1123_subdomain_errors,
    "dns1035Label": names.dns1035_label_errors,
    "qualifiedName": names.qualified_name_errors,
    "dns1123LabelPrefix": _prefix(names.dns1123_label_errors),
    "dns1123SubdomainPrefix": _prefix(names.dns1123_subdomain_errors),
    "dns1035LabelPrefix": _prefix(names.dns1035_label_errors),
    "labelValue": names.label_value_errors,
    "uri": _uri,
    "uuid": _checked(_uuid, "does not match the UUID format"),
    "byte": _checked(_base64, "invalid base64"),
    "date": _checked(lambda s: _date(s, "%Y-%m-%d"), "invalid date"),
    "datetime": _checked(_datetime, "invalid datetime"),
}


def format_named(name: str) -> dict[str, str]:
    """``format.<name>()``."""
    return {_FORMAT: name}


def format_validate(fmt: Any, text: str) -> list[str]:
    """``<Format>.validate(string)``: the errors, empty when valid.

    The API server returns ``optional<list<string>>``; an empty list stands for
    ``optional.none()`` and ``hasValue``/``value``/``orValue`` are given for lists to match.
    """
    return FORMATS[_unwrap(fmt, _FORMAT)](text)
