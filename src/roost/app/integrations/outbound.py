"""The one HTTP client for calls to integrations: outgoing webhooks, slash commands,
interactive-message actions.

Safe by construction: only the addresses the policy allows (checked as names resolve,
so the connection goes to the address that was checked), a timeout on every call, no
redirects, a cap on the response read, no proxies or cookies from the environment.
Errors carry the URL without its query (where tokens tend to live); bodies and
headers are never logged.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult

from roost.app.integrations.outbound_policy import OutboundBlocked, OutboundPolicy
from roost.app.kernel.admission import Limiter
from roost.app.kernel.errors import AppError
from roost.model.delivery import redacted_url

CHUNK = 64 * 1024
CONNECT_TIMEOUT_MAX = 10.0
# Used when the node passes no limiter (settings.admission has the real ones).
DEFAULT_CONCURRENCY = 64
DEFAULT_WAIT_SECONDS = 2.0
USER_AGENT = "Roost-Integrations"


class OutboundError(Exception):
    """A call that did not produce a response Roost will use; the message is safe to
    show an admin (no secrets). ``permanent``: trying again cannot help (blocked)."""

    def __init__(
        self, message: str, permanent: bool = False, refusal: AppError | None = None
    ) -> None:
        super().__init__(message)
        self.permanent = permanent
        # Set when admission control refused the call: the busy error (503 with
        # Retry-After) that a caller answering a user passes on as it is.
        self.refusal = refusal


@dataclass(slots=True)
class OutboundResponse:
    status: int
    body: bytes
    content_type: str

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


class _GuardedResolver(AbstractResolver):
    """Resolves names, then keeps only the addresses the policy allows."""

    def __init__(self, policy: OutboundPolicy) -> None:
        self._policy = policy
        self._inner = aiohttp.ThreadedResolver()

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        found = await self._inner.resolve(host, port, family)
        if self._policy.host_allowed(host):
            return found
        allowed = [
            r for r in found if self._policy.address_allowed(ipaddress.ip_address(r["host"]))
        ]
        if not allowed:
            raise OutboundBlocked(f"{host} does not resolve to a public address")
        return allowed

    async def close(self) -> None:
        await self._inner.close()


class OutboundHttp:
    def __init__(
        self,
        policy: OutboundPolicy,
        timeout_seconds: float,
        max_response_bytes: int,
        limiter: Limiter | None = None,
    ) -> None:
        self.policy = policy
        # Calls in flight at once, each target host in turn; beyond the wait budget a
        # call is refused at once rather than queued behind slow integrations.
        self._slots = limiter or Limiter(
            "integration_call", DEFAULT_CONCURRENCY, DEFAULT_WAIT_SECONDS, expected_seconds=0.2
        )
        self._timeout = aiohttp.ClientTimeout(
            total=timeout_seconds, connect=min(timeout_seconds, CONNECT_TIMEOUT_MAX)
        )
        self._max_bytes = max_response_bytes
        self._session: aiohttp.ClientSession | None = None

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(resolver=_GuardedResolver(self.policy), limit=200)
            self._session = aiohttp.ClientSession(
                connector=connector,
                timeout=self._timeout,
                trust_env=False,
                cookie_jar=aiohttp.DummyCookieJar(),
                headers={"User-Agent": USER_AGENT},
            )
        return self._session

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def request(
        self,
        method: str,
        url: str,
        *,
        body: bytes | None = None,
        content_type: str = "",
        headers: dict[str, str] | None = None,
    ) -> OutboundResponse:
        shown = redacted_url(url)
        try:
            self.policy.check_url(url)
        except OutboundBlocked as exc:
            raise OutboundError(f"{shown}: blocked: {exc}", permanent=True) from None
        sent = dict(headers or {})
        if content_type:
            sent["Content-Type"] = content_type
        sent.setdefault("Accept", "application/json")
        try:
            await self._slots.acquire(urlsplit(url).hostname or "")
        except AppError as busy:
            raise OutboundError(f"{shown}: refused, too many calls waiting", refusal=busy) from None
        started = time.perf_counter()
        try:
            async with self._client().request(
                method, url, data=body, headers=sent, allow_redirects=False
            ) as response:
                if 300 <= response.status < 400:
                    raise OutboundError(
                        f"{shown}: answered {response.status}; redirects are not followed"
                    )
                data = await self._read(response, shown)
                return OutboundResponse(response.status, data, response.content_type)
        except OutboundBlocked as exc:
            raise OutboundError(f"{shown}: blocked: {exc}", permanent=True) from None
        except TimeoutError:
            raise OutboundError(f"{shown}: no answer in time") from None
        except aiohttp.ClientError as exc:
            raise OutboundError(f"{shown}: {type(exc).__name__}") from None
        finally:
            self._slots.observe(time.perf_counter() - started)
            self._slots.release()

    async def _read(self, response: aiohttp.ClientResponse, shown: str) -> bytes:
        declared = response.content_length
        if declared is not None and declared > self._max_bytes:
            raise OutboundError(f"{shown}: response larger than {self._max_bytes} bytes")
        chunks: list[bytes] = []
        size = 0
        async for chunk in response.content.iter_chunked(CHUNK):
            size += len(chunk)
            if size > self._max_bytes:
                raise OutboundError(f"{shown}: response larger than {self._max_bytes} bytes")
            chunks.append(chunk)
        return b"".join(chunks)
