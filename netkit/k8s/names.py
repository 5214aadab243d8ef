"""Kubernetes name, label and annotation formats, as kube-apiserver checks them."""

from __future__ import annotations

import ipaddress
import re
from functools import lru_cache

DNS1123_LABEL_MAX = 63
DNS1123_SUBDOMAIN_MAX = 253
DNS1035_LABEL_MAX = 63
LABEL_VALUE_MAX = 63
QUALIFIED_NAME_MAX = 63

_DNS1123_LABEL = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?")
_DNS1123_SUBDOMAIN = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*")
_DNS1035_LABEL = re.compile(r"[a-z]([-a-z0-9]*[a-z0-9])?")
_KIND = re.compile(r"[A-Za-z]([-A-Za-z0-9]*[A-Za-z0-9])?")  # lowercased: a DNS-1035 label
_QUALIFIED_NAME = re.compile(r"([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]")
_LABEL_VALUE = re.compile(r"(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?")

# Kinds whose metadata.name is a DNS-1123 label or a DNS-1035 label; every other kind
# accepts a DNS-1123 subdomain (pkg/apis/core/validation ValidateNamespaceName etc.).
_LABEL_NAMED = {"Namespace"}
_DNS1035_NAMED = {"Service"}


def _format_errors(value: str, limit: int, pattern: re.Pattern[str], rule: str) -> list[str]:
    return list(_cached_format_errors(value, limit, pattern, rule))


@lru_cache(maxsize=16384)  # manifests repeat the same names, keys and values many times
def _cached_format_errors(value: str, limit: int, pattern: re.Pattern[str],
                          rule: str) -> tuple[str, ...]:
    errs = []
    if len(value) > limit:
        errs.append(f"must be no more than {limit} characters")
    if not pattern.fullmatch(value):
        errs.append(rule)
    return tuple(errs)


def dns1123_label_errors(value: str) -> list[str]:
    """Why ``value`` is not a DNS-1123 label (empty when it is one)."""
    return _format_errors(value, DNS1123_LABEL_MAX, _DNS1123_LABEL,
                          "a lowercase RFC 1123 label must consist of lower case alphanumeric "
                          "characters or '-', and must start and end with an alphanumeric "
                          "character")


def dns1123_subdomain_errors(value: str) -> list[str]:
    """Why ``value`` is not a DNS-1123 subdomain (empty when it is one)."""
    return _format_errors(value, DNS1123_SUBDOMAIN_MAX, _DNS1123_SUBDOMAIN,
                          "a lowercase RFC 1123 subdomain must consist of lower case "
                          "alphanumeric characters, '-' or '.', and must start and end with an "
                          "alphanumeric character")


def dns1035_label_errors(value: str) -> list[str]:
    """Why ``value`` is not a DNS-1035 label (empty when it is one)."""
    return _format_errors(value, DNS1035_LABEL_MAX, _DNS1035_LABEL,
                          "a DNS-1035 label must consist of lower case alphanumeric characters "
                          "or '-', start with an alphabetic character, and end with an "
                          "alphanumeric character")


def kind_errors(kind: str) -> list[str]:
    """Why ``kind`` is not a valid kind (empty when it is one), as for a CRD's names.kind."""
    return _format_errors(kind, DNS1035_LABEL_MAX, _KIND,
                          "a kind must start with a letter, contain only ASCII letters, digits "
                          "or '-', and end with a letter or digit")


def name_errors(kind: str, name: str) -> list[str]:
    """Why ``name`` is not a valid ``metadata.name`` for ``kind`` (empty when valid)."""
    if kind in _DNS1035_NAMED:
        return dns1035_label_errors(name)
    if kind in _LABEL_NAMED:
        return dns1123_label_errors(name)
    return dns1123_subdomain_errors(name)


def name_format(kind: str) -> str:
    """The name format kube-apiserver applies to ``kind``."""
    if kind in _DNS1035_NAMED:
        return "DNS-1035 label"
    if kind in _LABEL_NAMED:
        return "DNS-1123 label"
    return "DNS-1123 subdomain"


def qualified_name_errors(key: str) -> list[str]:
    """Why ``key`` is not a qualified name (label or annotation key)."""
    return list(_qualified_name_errors(key))


@lru_cache(maxsize=16384)
def _qualified_name_errors(key: str) -> tuple[str, ...]:
    prefix, sep, name = key.rpartition("/")
    errs = []
    if sep and not prefix:
        errs.append("prefix part must be non-empty")
    if prefix:
        errs.extend(f"prefix part {e}" for e in dns1123_subdomain_errors(prefix))
    if not name:
        errs.append("name part must be non-empty")
    elif len(name) > QUALIFIED_NAME_MAX:
        errs.append(f"name part must be no more than {QUALIFIED_NAME_MAX} characters")
    if name and not _QUALIFIED_NAME.fullmatch(name):
        errs.append("name part must consist of alphanumeric characters, '-', '_' or '.', and "
                    "must start and end with an alphanumeric character")
    return tuple(errs)


def label_value_errors(value: str) -> list[str]:
    """Why ``value`` is not a valid label value."""
    return _format_errors(value, LABEL_VALUE_MAX, _LABEL_VALUE,
                          "a valid label must be an empty string or consist of alphanumeric "
                          "characters, '-', '_' or '.', and must start and end with an "
                          "alphanumeric character")


_PORT_NAME_CHARS = re.compile(r"[-a-z0-9]+")
_WILDCARD_SUBDOMAIN = re.compile(r"\*\." + _DNS1123_SUBDOMAIN.pattern)


def port_name_errors(name: str) -> list[str]:
    """Why ``name`` is not an IANA_SVC_NAME (validation.IsValidPortName)."""
    errs = []
    if not 1 <= len(name) <= 15:
        errs.append("must be no more than 15 characters")
    if not _PORT_NAME_CHARS.fullmatch(name):
        errs.append("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)")
    if not any("a" <= c <= "z" for c in name):
        errs.append("must contain at least one letter (a-z)")
    if "--" in name:
        errs.append("must not contain consecutive hyphens")
    if name.startswith("-") or name.endswith("-"):
        errs.append("must not begin or end with a hyphen")
    return errs


def port_number_errors(port: object) -> list[str]:
    """Why ``port`` is not a port number (validation.IsValidPortNum)."""
    ok = isinstance(port, int) and not isinstance(port, bool) and 1 <= port <= 65535
    return [] if ok else ["must be between 1 and 65535, inclusive"]


def wildcard_subdomain_errors(value: str) -> list[str]:
    """Why ``value`` is not ``*.`` plus a DNS-1123 subdomain."""
    return _format_errors(value, DNS1123_SUBDOMAIN_MAX, _WILDCARD_SUBDOMAIN,
                          "a wildcard DNS-1123 subdomain must start with '*.', followed by a "
                          "valid DNS subdomain, which must consist of lower case alphanumeric "
                          "characters, '-' or '.' and end with an alphanumeric character")


def host_errors(host: str) -> list[str]:
    """Why ``host`` is not a route host: no IP addresses, a wildcard only as the whole first
    label (the apiserver's Ingress host rules, which Gateway API hostnames share)."""
    try:
        ipaddress.ip_address(host)
        return ["must be a DNS name, not an IP address"]
    except ValueError:
        pass
    if "*" in host:
        return wildcard_subdomain_errors(host)
    return dns1123_subdomain_errors(host)


_NAME_MAY_NOT_BE = (".", "..")
_NAME_MAY_NOT_CONTAIN = ("/", "%")


def path_segment_errors(name: str) -> list[str]:
    """Why ``name`` cannot be a segment of a URL path (apimachinery IsPathSegmentName)."""
    if name in _NAME_MAY_NOT_BE:
        return [f"may not be '{name}'"]
    return [f"may not contain '{c}'" for c in _NAME_MAY_NOT_CONTAIN if c in name]


def sloppy_ip(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """``value`` as an IP address the way the API server parses one (netutils.ParseIPSloppy:
    IPv4 octets may have leading zeros, read as decimal); None if it is none."""
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        pass
    octets = value.split(".")
    if len(octets) == 4 and all(o and o.isascii() and o.isdigit() and int(o) <= 255
                                for o in octets):
        return ipaddress.IPv4Address(".".join(str(int(o)) for o in octets))
    return None


def sloppy_network(value: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    """``value`` as a CIDR, host bits masked, as netutils.ParseCIDRSloppy reads one."""
    address, sep, prefix = value.partition("/")
    ip = sloppy_ip(address)
    if not sep or ip is None or not (prefix.isascii() and prefix.isdigit()):
        return None
    try:
        return ipaddress.ip_network(f"{ip}/{int(prefix)}", strict=False)
    except ValueError:
        return None


def ip_errors(value: str) -> list[str]:
    """Why ``value`` is not an IP address (validation.IsValidIP)."""
    if sloppy_ip(value) is None:
        return ["must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"]
    return []


def special_ip_errors(value: str) -> list[str]:
    """Why the IP address ``value`` may not be used for a Service or an endpoint: it is
    unspecified, loopback or link-local (core validation ValidateNonSpecialIP)."""
    ip = sloppy_ip(value)
    if ip is None:
        return ip_errors(value)
    errs = []
    if ip.is_unspecified:
        errs.append(f"may not be unspecified ({value})")
    if ip.is_loopback:
        errs.append("may not be in the loopback range (127.0.0.0/8, ::1/128)")
    if ip.is_link_local and not ip.is_multicast:
        errs.append("may not be in the link-local range (169.254.0.0/16, fe80::/10)")
    if _link_local_multicast(ip):
        errs.append("may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)")
    return errs


def _link_local_multicast(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    # Go's net.IP.IsLinkLocalMulticast: 224.0.0.0/24, and IPv6 multicast of link-local scope.
    if isinstance(ip, ipaddress.IPv4Address):
        return ip in _IPV4_LINK_LOCAL_MULTICAST
    return ip.packed[0] == 0xFF and ip.packed[1] & 0x0F == 0x02


_IPV4_LINK_LOCAL_MULTICAST = ipaddress.ip_network("224.0.0.0/24")


def cidr_errors(value: str) -> list[str]:
    """Why ``value`` is not a CIDR (validation.IsValidCIDR, legacy fields: host bits may be
    set)."""
    if sloppy_network(value) is None:
        return ["must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)"]
    return []


def join(*parts: str) -> str:
    """Join name parts with '-' skipping empty ones: ``join("allow", "", "web")``."""
    return "-".join(p for p in parts if p)
