"""Ingress and IngressClass (pkg/apis/networking/validation)."""

from __future__ import annotations

import re
from typing import Any

from netkit.k8s.names import (
    dns1035_label_errors,
    dns1123_label_errors,
    dns1123_subdomain_errors,
    host_errors,
    path_segment_errors,
    port_name_errors,
    port_number_errors,
    wildcard_subdomain_errors,
)
from netkit.validate.apiserver import common, defaults
from netkit.validate.field import Errors

PATH_TYPES = ("Exact", "ImplementationSpecific", "Prefix")
INVALID_SEQUENCES = ("//", "/./", "/../", "%2f", "%2F")
INVALID_SUFFIXES = ("/..", "/.")
SCOPES = ("Cluster", "Namespace")
CLASS_ANNOTATION = "kubernetes.io/ingress.class"
MAX_CONTROLLER = 250
# Allowed characters in an HTTP path (RFC 3986), as apimachinery's IsDomainPrefixedPath says.
HTTP_PATH = r"[A-Za-z0-9/\-._~%!$&'()*+,;=:]+"
_HTTP_PATH = re.compile(HTTP_PATH)


def check(obj: dict[str, Any], errs: Errors, cluster: common.Cluster) -> None:
    """ValidateIngressCreate: rules, paths, backends, TLS and the class."""
    spec = common.spec(obj, errs)
    if spec is None:
        return
    path = common.SPEC
    annotations = (obj.get("metadata") or {}).get("annotations") or {}
    class_name = spec.get("ingressClassName")
    if CLASS_ANNOTATION in annotations and class_name is not None and (
            annotations[CLASS_ANNOTATION] != class_name):
        # kube-apiserver names this field "annotations.kubernetes.io/ingress.class"; the
        # metadata path is the one that leads to the line in the file.
        errs.invalid(f"metadata.annotations[{CLASS_ANNOTATION}]",
                     annotations[CLASS_ANNOTATION],
                     "must match `ingressClassName` when both are specified")
    rules = spec.get("rules") or []
    if not rules and spec.get("defaultBackend") is None:
        errs.invalid(path, rules, "either `defaultBackend` or `rules` must be specified")
    if spec.get("defaultBackend") is not None:
        backend(spec["defaultBackend"], f"{path}.defaultBackend", errs)
    for i, rule in enumerate(rules):
        at = f"{path}.rules[{i}]"
        if not isinstance(rule, dict):
            continue
        if rule.get("host"):
            errs.extend(f"{at}.host", rule["host"], host_errors(str(rule["host"])))
        http = rule.get("http")
        if isinstance(http, dict):
            paths = http.get("paths") or []
            if not paths:
                errs.required(f"{at}.http.paths")
            for j, p in enumerate(paths):
                if isinstance(p, dict):
                    _path(p, f"{at}.http.paths[{j}]", errs)
    for i, tls in enumerate(spec.get("tls") or []):
        if not isinstance(tls, dict):
            continue
        at = f"{path}.tls[{i}]"
        for j, host in enumerate(tls.get("hosts") or []):
            errs.extend(f"{at}.hosts[{j}]", host,
                        wildcard_subdomain_errors(host) if "*" in str(host)
                        else dns1123_subdomain_errors(str(host)))
        if tls.get("secretName"):
            errs.extend(f"{at}.secretName", tls["secretName"],
                        dns1123_subdomain_errors(str(tls["secretName"])))
    if spec.get("ingressClassName") is not None:
        errs.extend(f"{path}.ingressClassName", spec["ingressClassName"],
                    dns1123_subdomain_errors(str(spec["ingressClassName"])))


def _path(p: dict[str, Any], path: str, errs: Errors) -> None:
    kind, value = p.get("pathType"), str(p.get("path") or "")
    if kind is None:
        errs.required(f"{path}.pathType", "pathType must be specified")
    elif kind in ("Exact", "Prefix"):
        if not value.startswith("/"):
            errs.invalid(f"{path}.path", value, "must be an absolute path")
        for seq in INVALID_SEQUENCES:
            if seq in value:
                errs.invalid(f"{path}.path", value, f"must not contain '{seq}'")
        for suffix in INVALID_SUFFIXES:
            if value.endswith(suffix):
                errs.invalid(f"{path}.path", value, f"cannot end with '{suffix}'")
    elif kind == "ImplementationSpecific":
        if value and not value.startswith("/"):
            errs.invalid(f"{path}.path", value, "must be an absolute path")
    else:
        errs.not_supported(f"{path}.pathType", kind, PATH_TYPES)
    backend(p.get("backend"), f"{path}.backend", errs)


def backend(b: object, path: str, errs: Errors) -> None:
    """Exactly one of service or resource; a service port by name or number, not both."""
    if not isinstance(b, dict):
        errs.required(path)
        return
    svc, res = b.get("service"), b.get("resource")
    if svc is not None and res is not None:
        errs.invalid(path, "", "cannot set both resource and service backends")
    elif isinstance(res, dict):
        _object_ref(res, f"{path}.resource", errs)
    elif isinstance(svc, dict):
        if not svc.get("name"):
            errs.required(f"{path}.service.name")
        else:
            errs.extend(f"{path}.service.name", svc["name"],
                        dns1035_label_errors(str(svc["name"])))
        port = svc.get("port") or {}
        name, number = port.get("name"), port.get("number")
        if name and number:
            errs.invalid(path, "", "cannot set both port name & port number")
        elif name:
            errs.extend(f"{path}.service.port.name", name,
                        port_name_errors(str(name)))
        elif number:
            errs.extend(f"{path}.service.port.number", number,
                        port_number_errors(number))
        else:
            errs.required(path, "port name or number is required")
    else:
        errs.invalid(path, "", "resource or service backend is required")


def _object_ref(ref: dict[str, Any], path: str, errs: Errors) -> None:
    """A TypedLocalObjectReference: apiGroup a DNS subdomain, kind and name path segments."""
    if ref.get("apiGroup") is not None:
        errs.extend(f"{path}.apiGroup", ref["apiGroup"],
                    dns1123_subdomain_errors(str(ref["apiGroup"])))
    for key in ("kind", "name"):
        if not ref.get(key):
            errs.required(f"{path}.{key}")
        else:
            errs.extend(f"{path}.{key}", ref[key], path_segment_errors(str(ref[key])))


def check_class(obj: dict[str, Any], errs: Errors, cluster: common.Cluster) -> None:
    """ValidateIngressClass: a domain-prefixed controller name and a parameters reference."""
    obj = defaults.ingress_class(obj)
    spec = obj.get("spec") or {}
    path = common.SPEC
    controller = spec.get("controller")
    if not controller:
        errs.required(f"{path}.controller")
    else:
        _controller(str(controller), f"{path}.controller", errs)
    params = spec.get("parameters")
    if isinstance(params, dict):
        at = f"{path}.parameters"
        _object_ref(params, at, errs)
        scope, namespace = params["scope"], params.get("namespace")
        if scope not in SCOPES:
            errs.not_supported(f"{at}.scope", scope, SCOPES)
        elif scope == "Namespace":
            if namespace is None:
                errs.required(f"{at}.namespace", "`parameters.scope` is set to 'Namespace'")
            else:
                errs.extend(f"{at}.namespace", namespace,
                            dns1123_label_errors(str(namespace)))
        elif namespace is not None:
            errs.forbidden(f"{at}.namespace", "`parameters.scope` is set to 'Cluster'")


def _controller(value: str, path: str, errs: Errors) -> None:
    """The length limit, then apimachinery's IsDomainPrefixedPath."""
    if len(value) > MAX_CONTROLLER:
        errs.too_long(path, MAX_CONTROLLER)
    host, sep, rest = value.partition("/")
    if not sep or not host or not rest:
        errs.invalid(path, value, 'must be a domain-prefixed path (such as "acme.io/foo")')
        return
    errs.extend(path, host, dns1123_subdomain_errors(host))
    if not _HTTP_PATH.fullmatch(rest):
        errs.invalid(path, rest, f"Invalid path (regex used for validation is '{HTTP_PATH}')")
