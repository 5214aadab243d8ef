"""What becomes of each ingress-nginx (and cert-manager) Ingress annotation on import.

One table: an annotation is either carried over (``how`` says into what) or reported with
the reason it is not. The ingress2gateway project's ingress-nginx provider served as the
checklist; annotations it does not know either are listed too where they are common.
"""

from __future__ import annotations

from dataclasses import dataclass

NGINX = "nginx.ingress.kubernetes.io/"
CERT_MANAGER = "cert-manager.io/"


@dataclass(frozen=True)
class Handling:
    """``carried``: the blueprint expresses it (``note`` says how); else ``note`` says why not."""

    carried: bool
    note: str


def _carried(note: str) -> Handling:
    return Handling(True, note)


def _dropped(note: str) -> Handling:
    return Handling(False, note)


CLIENT_CIDRS = ("an Envoy Gateway SecurityPolicy (a Manifest) admitting only those client "
                "CIDRs on the TlsIngress's HTTPRoutes; an allow() would open the backends to "
                "them directly. Reported on other targets, which have no such policy")
_NO_POLICY = "the Gateway API has no standard field for it and netkit has no construct option"
_CONTROLLER = ("a controller-wide ingress-nginx setting; configure the gateway implementation "
               "instead")

ANNOTATIONS: dict[str, Handling] = {
    # routing and canaries
    NGINX + "canary": _carried("CanaryRoute on the stable route's path"),
    NGINX + "canary-weight": _carried("CanaryRoute(weight=...)"),
    NGINX + "canary-by-header": _carried("CanaryRoute(header=...)"),
    NGINX + "canary-by-header-value": _carried("CanaryRoute(header_value=...)"),
    NGINX + "canary-by-cookie": _carried("CanaryRoute(cookie=...)"),
    NGINX + "canary-weight-total": _dropped("only the default total of 100 is expressible: "
                                            "CanaryRoute weights are percentages"),
    NGINX + "canary-by-header-pattern": _dropped("CanaryRoute matches a header by exact "
                                                 "value, not by regular expression"),
    NGINX + "rewrite-target": _dropped("TlsIngress routes have no URL rewrite; Gateway API's "
                                       "URLRewrite (ReplacePrefixMatch) could express a static "
                                       "target, but netkit has no construct option yet"),
    NGINX + "use-regex": _dropped("Gateway API path matches are Prefix or Exact; regular "
                                  "expressions are implementation-specific"),
    NGINX + "app-root": _dropped("a redirect of '/' only; TlsIngress has no per-path redirect"),
    NGINX + "permanent-redirect": _dropped("TlsIngress routes send traffic to Services, not to "
                                           "redirects"),
    NGINX + "permanent-redirect-code": _dropped("TlsIngress routes send traffic to Services, "
                                                "not to redirects"),
    NGINX + "temporal-redirect": _dropped("TlsIngress routes send traffic to Services, not to "
                                          "redirects"),
    NGINX + "from-to-www-redirect": _dropped("TlsIngress has no www redirect; add the other "
                                             "host explicitly"),
    NGINX + "server-alias": _dropped("aliases are not merged into TlsIngress hosts "
                                     "automatically; add them to hosts= if they should route"),
    NGINX + "upstream-vhost": _dropped("TlsIngress has no Host header rewrite"),
    NGINX + "x-forwarded-prefix": _dropped("TlsIngress has no request header modifier"),
    NGINX + "preserve-trailing-slash": _dropped(_NO_POLICY),
    # TLS and redirects
    NGINX + "ssl-redirect": _carried("TlsIngress(redirect_http=...)"),
    NGINX + "force-ssl-redirect": _carried("TlsIngress(redirect_http=True)"),
    NGINX + "ssl-passthrough": _dropped("TLS passthrough needs a TLSRoute; TlsIngress "
                                        "terminates TLS at the gateway"),
    NGINX + "backend-protocol": _carried("HTTP as is, GRPC as appProtocol kubernetes.io/h2c on "
                                         "the Service; HTTPS, GRPCS, AJP and FCGI are reported"),
    NGINX + "proxy-ssl-secret": _dropped("backend TLS needs a BackendTLSPolicy, which netkit "
                                         "does not render"),
    NGINX + "proxy-ssl-verify": _dropped("backend TLS needs a BackendTLSPolicy, which netkit "
                                         "does not render"),
    NGINX + "proxy-ssl-name": _dropped("backend TLS needs a BackendTLSPolicy, which netkit "
                                       "does not render"),
    NGINX + "proxy-ssl-server-name": _dropped("backend TLS needs a BackendTLSPolicy, which "
                                              "netkit does not render"),
    NGINX + "auth-tls-secret": _dropped("client certificate verification is a gateway "
                                        "implementation policy; netkit has no construct for it"),
    NGINX + "auth-tls-verify-client": _dropped("client certificate verification is a gateway "
                                               "implementation policy; netkit has no construct "
                                               "for it"),
    NGINX + "hsts": _dropped(_CONTROLLER + " (TlsIngress sets HSTS per route, on by default)"),
    # rate limits and access
    NGINX + "limit-rps": _carried("RateLimitedService(rps=...) for each Service routed"),
    NGINX + "limit-rpm": _carried("RateLimitedService(rpm=...) for each Service routed"),
    NGINX + "limit-burst-multiplier": _carried("RateLimitedService(burst=rate x multiplier) "
                                               "where the gateway supports a burst"),
    NGINX + "limit-whitelist": _carried("RateLimitedService(allowlist=...)"),
    NGINX + "limit-allowlist": _carried("RateLimitedService(allowlist=...)"),
    NGINX + "limit-connections": _dropped("concurrent-connection limits have no RateLimitPolicy "
                                          "or BackendTrafficPolicy rate form in netkit"),
    NGINX + "limit-rate": _dropped("response bandwidth limits are not expressible"),
    NGINX + "limit-rate-after": _dropped("response bandwidth limits are not expressible"),
    NGINX + "whitelist-source-range": _carried(CLIENT_CIDRS),
    NGINX + "allowlist-source-range": _carried(CLIENT_CIDRS),
    NGINX + "denylist-source-range": _dropped("client address deny-lists act at the proxy; use "
                                              "the gateway's authorization policy"),
    # authentication
    NGINX + "auth-type": _dropped("basic/digest auth is a gateway implementation policy"),
    NGINX + "auth-secret": _dropped("basic/digest auth is a gateway implementation policy"),
    NGINX + "auth-realm": _dropped("basic/digest auth is a gateway implementation policy"),
    NGINX + "auth-url": _dropped("external auth is a gateway implementation policy (Envoy "
                                 "Gateway SecurityPolicy extAuth)"),
    NGINX + "auth-signin": _dropped("external auth is a gateway implementation policy"),
    NGINX + "auth-response-headers": _dropped("external auth is a gateway implementation policy"),
    # timeouts, buffers, bodies
    NGINX + "proxy-connect-timeout": _dropped("timeouts are not TlsIngress options; set them in "
                                              "the gateway's traffic policy"),
    NGINX + "proxy-send-timeout": _dropped("timeouts are not TlsIngress options; set them in "
                                           "the gateway's traffic policy"),
    NGINX + "proxy-read-timeout": _dropped("timeouts are not TlsIngress options; set them in "
                                           "the gateway's traffic policy"),
    NGINX + "proxy-next-upstream": _dropped("retries are not TlsIngress options"),
    NGINX + "proxy-next-upstream-tries": _dropped("retries are not TlsIngress options"),
    NGINX + "proxy-body-size": _dropped("request size limits are gateway implementation "
                                        "policy (Envoy Gateway ClientTrafficPolicy)"),
    NGINX + "client-body-buffer-size": _dropped(_NO_POLICY),
    NGINX + "proxy-buffering": _dropped(_NO_POLICY),
    NGINX + "proxy-buffer-size": _dropped(_NO_POLICY),
    NGINX + "proxy-request-buffering": _dropped(_NO_POLICY),
    NGINX + "proxy-http-version": _dropped(_NO_POLICY),
    # headers, CORS, sessions, misc
    NGINX + "enable-cors": _dropped("CORS is a gateway implementation policy (Envoy Gateway "
                                    "SecurityPolicy cors)"),
    NGINX + "cors-allow-origin": _dropped("CORS is a gateway implementation policy"),
    NGINX + "cors-allow-methods": _dropped("CORS is a gateway implementation policy"),
    NGINX + "cors-allow-headers": _dropped("CORS is a gateway implementation policy"),
    NGINX + "cors-allow-credentials": _dropped("CORS is a gateway implementation policy"),
    NGINX + "cors-expose-headers": _dropped("CORS is a gateway implementation policy"),
    NGINX + "cors-max-age": _dropped("CORS is a gateway implementation policy"),
    NGINX + "custom-headers": _dropped("TlsIngress has no request or response header modifier "
                                       "beyond HSTS"),
    NGINX + "connection-proxy-header": _dropped("hop-by-hop headers are the gateway's"),
    NGINX + "affinity": _dropped("session affinity is a gateway implementation policy"),
    NGINX + "affinity-mode": _dropped("session affinity is a gateway implementation policy"),
    NGINX + "session-cookie-name": _dropped("session affinity is a gateway implementation "
                                            "policy"),
    NGINX + "session-cookie-path": _dropped("session affinity is a gateway implementation "
                                            "policy"),
    NGINX + "session-cookie-max-age": _dropped("session affinity is a gateway implementation "
                                               "policy"),
    NGINX + "session-cookie-expires": _dropped("session affinity is a gateway implementation "
                                               "policy"),
    NGINX + "upstream-hash-by": _dropped("consistent hashing is a gateway implementation policy"),
    NGINX + "load-balance": _dropped("load-balancing algorithms are a gateway implementation "
                                     "policy"),
    NGINX + "service-upstream": _dropped("Gateway API routes to endpoints; implementation "
                                         "specific"),
    NGINX + "enable-access-log": _dropped(_CONTROLLER),
    NGINX + "enable-opentelemetry": _dropped(_CONTROLLER),
    NGINX + "enable-modsecurity": _dropped("WAF rules are not expressible"),
    NGINX + "enable-owasp-core-rules": _dropped("WAF rules are not expressible"),
    NGINX + "modsecurity-snippet": _dropped("WAF rules are not expressible"),
    NGINX + "configuration-snippet": _dropped("raw nginx configuration cannot be translated"),
    NGINX + "server-snippet": _dropped("raw nginx configuration cannot be translated"),
    NGINX + "default-backend": _dropped("TlsIngress has no per-route default backend"),
    NGINX + "custom-http-errors": _dropped("error pages are a gateway implementation policy"),
    NGINX + "mirror-target": _dropped("an unsampled whole-Ingress mirror; CanaryRoute("
                                      "mirror_percent=...) mirrors one path's share"),
    NGINX + "mirror-uri": _dropped("an unsampled whole-Ingress mirror; CanaryRoute("
                                   "mirror_percent=...) mirrors one path's share"),
    NGINX + "satisfy": _dropped("combines auth and allow-lists, neither of which is carried"),
    # cert-manager and the class
    CERT_MANAGER + "cluster-issuer": _carried("TlsIngress(issuer=...)"),
    CERT_MANAGER + "issuer": _carried("TlsIngress(issuer=..., issuer_kind='Issuer')"),
    CERT_MANAGER + "issuer-kind": _dropped("external issuer kinds are not expressible; "
                                           "ClusterIssuer and Issuer are"),
    CERT_MANAGER + "issuer-group": _dropped("external issuer groups are not expressible"),
    CERT_MANAGER + "common-name": _dropped("the Certificate's dnsNames are the TlsIngress hosts"),
    CERT_MANAGER + "duration": _dropped("the Certificate netkit renders uses cert-manager's "
                                        "default duration"),
    CERT_MANAGER + "renew-before": _dropped("the Certificate netkit renders uses cert-manager's "
                                            "default renewal"),
    "kubernetes.io/ingress.class": _carried("the Target's ingress_class"),
}

# Bookkeeping written by clients and controllers: meaningless in a blueprint, never reported.
IGNORED = ("kubectl.kubernetes.io/last-applied-configuration", "meta.helm.sh/",
           "deployment.kubernetes.io/", "netkit.dev/", "argocd.argoproj.io/")


def handling(key: str) -> Handling | None:
    """How ``key`` is carried over, or ``None`` for bookkeeping annotations."""
    if key.startswith(IGNORED):
        return None
    found = ANNOTATIONS.get(key)
    if found is not None:
        return found
    if key.startswith(NGINX):
        return _dropped("an ingress-nginx annotation netkit does not translate")
    return _dropped("not an ingress-nginx annotation; other controllers' annotations are not "
                    "carried to Gateway API objects")
