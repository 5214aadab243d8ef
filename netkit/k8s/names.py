"""Kubernetes name, label and annotation formats, as kube-apiserver checks them."""

from __future__ import annotations

import ipaddress
import re

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
    errs = []
    if len(value) > limit:
        errs.append(f"must be no more than {limit} characters")
    if not pattern.fullmatch(value):
        errs.append(rule)
    return errs


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
    return errs


def label_value_errors(value: str) -> list[str]:
    """Why ``value`` is not a valid label value."""
    errs = []
    if len(value) > LABEL_VALUE_MAX:
        errs.append(f"must be no more than {LABEL_VALUE_MAX} characters")
    if not _LABEL_VALUE.fullmatch(value):
        errs.append("a valid label must be an empty string or consist of alphanumeric "
                    "characters, '-', '_' or '.', and must start and end with an alphanumeric "
                    "character")
    return errs


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


def join(*parts: str) -> str:
    """Join name parts with '-' skipping empty ones: ``join("allow", "", "web")``."""
    return "-".join(p for p in parts if p)
