"""The request rate limits (Mattermost's ``RateLimitSettings``), as ASGI middleware.

- The general limit: every ``/api/v4`` request spends a token of its key's bucket
  (``rate_limit_per_sec``, ``rate_limit_max_burst``). The key is the request's token when
  ``vary_by_user`` and it is a live session's this node knows, else the client address when ``vary_by_remote_addr``,
  plus the ``vary_by_header`` header's value. ``/api/v4/system/ping`` (load balancers'
  health checks) and WebSocket upgrades are not counted: a balancer must never see a node
  as down because of its own probes, and a socket is one request for its whole life.
- Logins and password resets also spend from a stricter bucket per client address
  (``rate_limit_login_*``); the login endpoint adds one per login id
  (``login_id_verdict``).

Client addresses are the socket peer's, unless ``trusted_proxy_ip_header`` names the
header a proxy in front sets (``X-Real-IP``, or ``X-Forwarded-For``, whose last entry
is the one the proxy appended; earlier ones are whatever the client sent).

Buckets live in Redis when it is configured (every node shares them), else in the
node (``roost.app.kernel.rate_limits.Throttle``). Answers carry ``X-Ratelimit-Limit``,
``-Remaining`` and ``-Reset``; a refusal is a 429 in Mattermost's error format with
``Retry-After``, sent at once (no delay that a flood could pile up behind).
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import math
from collections.abc import Callable

from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from roost import metrics
from roost.api.auth import find_token
from roost.api.http.errors import rate_limited
from roost.api.http.responses import error_response
from roost.app.kernel.rate_limits import Throttle, Verdict
from roost.config import RateLimitSettings
from roost.tenancy import DEFAULT_TENANT_ID

API_PREFIX = "/api/v4/"
EXEMPT_PATHS = frozenset({"/api/v4/system/ping"})
# POSTs to these spend from the stricter per-address bucket as well.
LOGIN_PATHS = frozenset(
    {
        "/api/v4/users/login",
        "/api/v4/users/login/switch",
        "/api/v4/users/password/reset",
        "/api/v4/users/password/reset/send",
    }
)
SECONDS_PER_MINUTE = 60.0
# Headers a proxy in front adds: seen while none is trusted, they are worth a warning.
_PROXY_HEADERS = (b"x-forwarded-for", b"x-real-ip")

log = logging.getLogger("roost.api")


def _digest(value: str) -> str:
    """Keys hold no token, login id or header in clear, and have a bounded length."""
    return hashlib.blake2b(value.encode(), digest_size=12).hexdigest()


class RateLimits:
    """The limits' rules, shared by the middleware and the login endpoint."""

    def __init__(
        self,
        throttle: Throttle,
        settings: RateLimitSettings,
        knows_token: Callable[[str, str], bool] = lambda _tenant, _token: True,
    ) -> None:
        self.throttle = throttle
        # (tenant id, token) -> whether it is a live session's (Auth.knows_token).
        self._knows_token = knows_token
        self.settings = settings
        self.enabled = settings.rate_limit_enable
        self._trusted = [
            h.strip().lower().encode()
            for h in settings.trusted_proxy_ip_header.split(",")
            if h.strip()
        ]
        self._vary_header = settings.rate_limit_vary_by_header.strip().lower().encode()
        self._warned_proxy = False

    def client_address(self, scope: Scope) -> str:
        for name in self._trusted:
            value = _header(scope, name)
            if not value:
                continue
            if name == b"x-forwarded-for":
                value = value.rsplit(",", 1)[-1]
            value = value.strip()
            try:
                return str(ipaddress.ip_address(value))
            except ValueError:
                continue  # not an address: the header was not set by the proxy
        if not self._trusted and not self._warned_proxy:
            self._warn_if_proxied(scope)
        client = scope.get("client")
        return str(client[0]) if client else ""

    def _warn_if_proxied(self, scope: Scope) -> None:
        """Behind a proxy whose header is not trusted every client has the proxy's
        address, and so shares one bucket: say so once, in the log."""
        if any(_header(scope, name) for name in _PROXY_HEADERS):
            self._warned_proxy = True
            log.warning(
                "rate limits: requests arrive through a proxy (X-Forwarded-For/X-Real-IP) "
                "but ROOST_TRUSTED_PROXY_IP_HEADER is empty: every client behind it shares "
                "the proxy's limits (docs/deployment.md)"
            )

    def general_key(self, scope: Scope) -> str:
        s = self.settings
        key = ""
        token = find_token(HTTPConnection(scope))[0] if s.rate_limit_vary_by_user else ""
        tenant_id = str(scope.get("roost.tenant_id", DEFAULT_TENANT_ID))
        # Only a token known to be a session's gets a bucket of its own: made-up tokens,
        # a new one per request, would otherwise each get a full burst. A real session's
        # first request on this node spends from its address's bucket.
        if token and self._knows_token(tenant_id, token):
            key = "t:" + _digest(token)
        elif s.rate_limit_vary_by_remote_addr:
            key = "a:" + _address_of(scope)
        if self._vary_header:
            key += ":h:" + _digest(_header(scope, self._vary_header).lower())
        return "api:" + key

    async def general(self, scope: Scope) -> Verdict:
        s = self.settings
        return await self.throttle.spend(
            self.general_key(scope), s.rate_limit_per_sec, s.rate_limit_max_burst
        )

    async def login_address(self, scope: Scope) -> Verdict:
        s = self.settings
        return await self.throttle.spend(
            "login:a:" + _address_of(scope),
            s.rate_limit_login_per_minute / SECONDS_PER_MINUTE,
            s.rate_limit_login_burst,
        )

    async def login_id_verdict(self, tenant_id: str, login_id: str) -> Verdict:
        """Attempts on one account from anywhere (the login endpoint asks, once it has
        read the login id from the body)."""
        s = self.settings
        return await self.throttle.spend(
            f"login:id:{tenant_id}:{_digest(login_id.strip().lower())}",
            s.rate_limit_login_id_per_minute / SECONDS_PER_MINUTE,
            s.rate_limit_login_id_burst,
        )


async def check_login_id(limits: RateLimits, tenant_id: str, login_id: str) -> None:
    """Refuse a login (429) when its login id has been tried too often, from anywhere."""
    if not limits.enabled:
        return
    verdict = await limits.login_id_verdict(tenant_id, login_id)
    if not verdict.allowed:
        metrics.rate_limited.labels("login_id").inc()
        raise rate_limited(retry_after(verdict))


def verdict_headers(verdict: Verdict) -> list[tuple[bytes, bytes]]:
    headers = [
        (b"x-ratelimit-limit", str(verdict.limit).encode()),
        (b"x-ratelimit-remaining", str(verdict.remaining).encode()),
        (b"x-ratelimit-reset", str(math.ceil(verdict.reset_seconds)).encode()),
    ]
    if not verdict.allowed:
        headers.append((b"retry-after", str(retry_after(verdict)).encode()))
    return headers


def retry_after(verdict: Verdict) -> int:
    return max(1, math.ceil(verdict.retry_after_seconds))


class RateLimitMiddleware:
    def __init__(self, app: ASGIApp, limits: RateLimits) -> None:
        self.app = app
        self.limits = limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        # For whoever records the client's address (audits): the same one as the limits.
        scope["roost.client_address"] = self.limits.client_address(scope)
        path: str = scope.get("path", "")
        if (
            scope["type"] != "http"
            or not self.limits.enabled
            or not path.startswith(API_PREFIX)
            or path in EXEMPT_PATHS
        ):
            await self.app(scope, receive, send)
            return
        verdict = await self.limits.general(scope)
        if not verdict.allowed:
            await _refuse(scope, receive, send, verdict, "api")
            return
        if scope["method"] == "POST" and path in LOGIN_PATHS:
            strict = await self.limits.login_address(scope)
            if not strict.allowed:
                await _refuse(scope, receive, send, strict, "login")
                return
            if strict.remaining < verdict.remaining:
                verdict = strict  # the headers tell the tighter of the two
        extra = verdict_headers(verdict)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = list(message.get("headers", [])) + extra
            await send(message)

        await self.app(scope, receive, send_with_headers)


async def _refuse(scope: Scope, receive: Receive, send: Send, verdict: Verdict, limit: str) -> None:
    metrics.rate_limited.labels(limit).inc()
    response = error_response(rate_limited(retry_after(verdict)), scope.get("roost.request_id", ""))
    # error_response sets Retry-After from the error; the bucket's figures go with it.
    for name, value in verdict_headers(verdict):
        if name != b"retry-after":
            response.headers[name.decode()] = value.decode()
    await response(scope, receive, send)


def _address_of(scope: Scope) -> str:
    return str(scope.get("roost.client_address", ""))


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope.get("headers", ()):
        if key == name:
            return str(value.decode("latin-1"))
    return ""
