"""Per-route HTTP behaviour: request timeouts, retries and CORS, as Gateway API expresses them."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Literal

from pydantic import field_validator, model_validator

from netkit.spec import Input, header_name_errors, parse

# Gateway API Duration (GEP-2257): one to four <number><unit> parts, e.g. "1m30s".
_DURATION = re.compile(r"^([0-9]{1,5}(h|m|s|ms)){1,4}$")
_PART = re.compile(r"([0-9]{1,5})(h|ms|m|s)")
_MS = {"h": 3_600_000, "m": 60_000, "s": 1000, "ms": 1}
_ORIGIN = re.compile(r"(^\*$)|(^(http(s)?)://(((\*\.)?([a-zA-Z0-9\-]+\.)*[a-zA-Z0-9-]+|\*)"
                     r"(:([0-9]{1,5}))?)$)")
Method = Literal["GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH",
                 "*"]


def duration_ms(text: str) -> int:
    """A Gateway API duration in milliseconds; ValueError naming the format otherwise."""
    if not isinstance(text, str) or not _DURATION.fullmatch(text):
        raise ValueError(f"duration {text!r} is not like 500ms, 30s or 1m30s (h, m, s, ms; "
                         "up to 5 digits each)")
    return sum(int(n) * _MS[unit] for n, unit in _PART.findall(text))


def _duration(value: str | None) -> str | None:
    if value is not None:
        duration_ms(value)
    return value


def _only_star_alone(values: Sequence[str], field: str) -> None:
    if "*" in values and len(values) > 1:
        raise ValueError(f"{field} cannot list '*' alongside other values")


class Retry(Input):
    """Retry a request up to ``attempts`` times on ``codes``, waiting ``backoff`` between."""

    attempts: int = 2
    codes: tuple[int, ...] = (502, 503, 504)
    backoff: str | None = None

    @field_validator("attempts")
    @classmethod
    def _attempts(cls, v: int) -> int:
        if v < 1:
            raise ValueError(f"attempts must be at least 1, got {v}")
        return v

    @field_validator("codes")
    @classmethod
    def _codes(cls, v: tuple[int, ...]) -> tuple[int, ...]:
        for code in v:
            if not 400 <= code <= 599:
                raise ValueError(f"retry code {code} is not a 4xx or 5xx status")
        if len(set(v)) != len(v):
            raise ValueError("codes has duplicates")
        return v

    _backoff = field_validator("backoff")(classmethod(lambda cls, v: _duration(v)))


class Cors(Input):
    """Cross-origin requests the route answers: origins, methods, headers, credentials."""

    allow_origins: tuple[str, ...]
    allow_methods: tuple[Method, ...] = ()
    allow_headers: tuple[str, ...] = ()
    expose_headers: tuple[str, ...] = ()
    max_age: int | None = None
    allow_credentials: bool = False

    @field_validator("allow_origins")
    @classmethod
    def _origins(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        if not v:
            raise ValueError("allow_origins must list at least one origin")
        for origin in v:
            if not _ORIGIN.fullmatch(origin):
                raise ValueError(f"origin {origin!r} is not '*' or like https://shop.example.com"
                                 " (scheme, host, optional port; no path)")
        _only_star_alone(v, "allow_origins")
        return v

    @field_validator("allow_headers", "expose_headers")
    @classmethod
    def _headers(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        for name in v:
            if errs := header_name_errors(name):
                raise ValueError(f"header {name!r} {errs[0]}")
        return v

    @model_validator(mode="after")
    def _check(self) -> Cors:
        _only_star_alone(self.allow_methods, "allow_methods")
        _only_star_alone(self.allow_headers, "allow_headers")
        for field in ("allow_origins", "allow_methods", "allow_headers", "expose_headers"):
            values = getattr(self, field)
            if len(set(values)) != len(values):
                raise ValueError(f"{field} has duplicates")
        if self.max_age is not None and self.max_age < 1:
            raise ValueError(f"max_age must be at least 1 second, got {self.max_age}")
        if self.allow_credentials and "*" in self.allow_origins:
            raise ValueError("allow_credentials with allow_origins=['*'] lets every site read "
                             "responses with the user's cookies; list the origins")
        return self


class HttpPolicy(Input):
    """What a route does besides forwarding: timeouts, retries, CORS."""

    timeout: str | None = None
    backend_timeout: str | None = None
    retry: Retry | None = None
    cors: Cors | None = None

    _durations = field_validator("timeout", "backend_timeout")(
        classmethod(lambda cls, v: _duration(v)))

    @model_validator(mode="after")
    def _order(self) -> HttpPolicy:
        if (self.timeout is not None and self.backend_timeout is not None
                and duration_ms(self.timeout) != 0
                and duration_ms(self.backend_timeout) > duration_ms(self.timeout)):
            raise ValueError(f"backend_timeout {self.backend_timeout} is longer than timeout "
                             f"{self.timeout}")
        return self

    def features(self) -> list[str]:
        """The Gateway API features (conformance names) this policy needs."""
        wanted = {"HTTPRouteRequestTimeout": self.timeout, "HTTPRouteBackendTimeout":
                  self.backend_timeout, "HTTPRouteRetry": self.retry, "HTTPRouteCORS": self.cors}
        return [feature for feature, value in wanted.items() if value is not None]


def http_policy(where: str, **options: object) -> HttpPolicy:
    """An HttpPolicy from route options, checked; a problem names ``where`` and the option."""
    checked = parse(HttpPolicy, where, **options)
    assert isinstance(checked, HttpPolicy)
    return checked


def retry(attempts: int = 2, *, codes: Sequence[int] = (502, 503, 504),
          backoff: str | None = None) -> Retry:
    """A Retry, checked."""
    checked = parse(Retry, "retry()", attempts=attempts, codes=tuple(codes), backoff=backoff)
    assert isinstance(checked, Retry)
    return checked


def cors(allow_origins: Sequence[str], *, allow_methods: Sequence[str] = (),
         allow_headers: Sequence[str] = (), expose_headers: Sequence[str] = (),
         max_age: int | None = None, allow_credentials: bool = False) -> Cors:
    """A Cors policy, checked."""
    checked = parse(Cors, "cors()", allow_origins=tuple(allow_origins),
                    allow_methods=tuple(allow_methods), allow_headers=tuple(allow_headers),
                    expose_headers=tuple(expose_headers), max_age=max_age,
                    allow_credentials=allow_credentials)
    assert isinstance(checked, Cors)
    return checked
