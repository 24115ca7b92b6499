"""The one HTTP client for calls to integrations: outgoing webhooks, slash commands,
interactive-message actions.

Safe by construction: only the addresses the policy allows (checked as names resolve,
so the connection goes to the address that was checked), a timeout on every call, no
redirects, a cap on the response read, no proxies or cookies from the environment.

The policy is the calling tenant's (the tenant scope the call runs in): public
addresses plus the tenant's own allow-list, set by the operator; the default tenant
without one has the node-wide ROOST_OUTBOUND_ALLOWED_HOSTS. A URL an ordinary user wrote
(an interactive button in their own post) gets public addresses only. Each allow-list
has its own connection pool, so no connection made under one serves another.
Errors carry the URL without its query (where tokens tend to live); bodies and
headers are never logged.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult

from roost.app.integrations.outbound_policy import OutboundBlocked, OutboundPolicy
from roost.app.kernel.admission import Limiter
from roost.app.kernel.errors import AppError
from roost.model.delivery import redacted_url
from roost.tenancy import DEFAULT_TENANT_ID
from roost.tenancy.scope import NoTenantScope, current_tenant

CHUNK = 64 * 1024
CONNECT_TIMEOUT_MAX = 10.0
# Used when the node passes no limiter (settings.admission has the real ones).
DEFAULT_CONCURRENCY = 64
DEFAULT_WAIT_SECONDS = 2.0
USER_AGENT = "Roost-Integrations"
# Connection pools kept, one per distinct allow-list in use; a call under any other
# list gets a pool of its own, closed when the call ends.
MAX_POLICY_CLIENTS = 32


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


@dataclass(slots=True)
class FetchedPage:
    """What ``fetch_page`` read: the URL it ended at (after redirects) and the body."""

    url: str
    status: int
    body: bytes
    content_type: str
    # The Content-Type header as sent (its charset included).
    content_type_header: str


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
        tenant_hosts: Callable[[str], str | None] | None = None,
    ) -> None:
        # The node-wide allow-list: the default tenant's when it names none of its own.
        self.policy = policy
        # Calls in flight at once, each target host in turn; beyond the wait budget a
        # call is refused at once rather than queued behind slow integrations.
        self._slots = limiter or Limiter(
            "integration_call", DEFAULT_CONCURRENCY, DEFAULT_WAIT_SECONDS, expected_seconds=0.2
        )
        # A tenant's own allow-list, None when it names none (the tenant directory).
        self._tenant_hosts = tenant_hosts or (lambda _: None)
        self._timeout = aiohttp.ClientTimeout(
            total=timeout_seconds, connect=min(timeout_seconds, CONNECT_TIMEOUT_MAX)
        )
        self._max_bytes = max_response_bytes
        self._policies: dict[str, OutboundPolicy] = {policy.allowed: policy}
        self._sessions: OrderedDict[str, aiohttp.ClientSession] = OrderedDict()

    def policy_for(self, tenant_id: str, user_written: bool = False) -> OutboundPolicy:
        """What a call made for the tenant may reach; ``user_written``: a URL an
        ordinary user wrote, which gets public addresses only."""
        if user_written:
            allowed = ""
        else:
            own = self._tenant_hosts(tenant_id) if tenant_id else None
            if own is not None:
                allowed = own
            elif tenant_id == DEFAULT_TENANT_ID:
                allowed = self.policy.allowed
            else:
                allowed = ""
        found = self._policies.get(allowed)
        if found is None:
            if len(self._policies) > 4 * MAX_POLICY_CLIENTS:
                self._policies.clear()
            found = self._policies[allowed] = OutboundPolicy(allowed)
        return found

    def _new_session(self, policy: OutboundPolicy) -> aiohttp.ClientSession:
        connector = aiohttp.TCPConnector(resolver=_GuardedResolver(policy), limit=200)
        return aiohttp.ClientSession(
            connector=connector,
            timeout=self._timeout,
            trust_env=False,
            cookie_jar=aiohttp.DummyCookieJar(),
            headers={"User-Agent": USER_AGENT},
        )

    def _pooled(self, policy: OutboundPolicy) -> aiohttp.ClientSession | None:
        session = self._sessions.get(policy.allowed)
        if session is not None and not session.closed:
            self._sessions.move_to_end(policy.allowed)
            return session
        if len(self._sessions) >= MAX_POLICY_CLIENTS:
            return None
        session = self._sessions[policy.allowed] = self._new_session(policy)
        return session

    async def close(self) -> None:
        sessions = list(self._sessions.values())
        self._sessions.clear()
        for session in sessions:
            await session.close()

    async def request(
        self,
        method: str,
        url: str,
        *,
        body: bytes | None = None,
        content_type: str = "",
        headers: dict[str, str] | None = None,
        user_written: bool = False,
    ) -> OutboundResponse:
        """Call ``url`` under the calling tenant's policy (``user_written``: public
        addresses only)."""
        try:
            tenant_id = current_tenant()
        except NoTenantScope:
            tenant_id = ""  # no tenant's allow-list applies: public addresses only
        policy = self.policy_for(tenant_id, user_written)
        shown = redacted_url(url)
        try:
            policy.check_url(url)
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
        pooled = self._pooled(policy)
        session = pooled or self._new_session(policy)
        try:
            async with session.request(
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
            if pooled is None:
                await session.close()

    async def fetch_page(
        self,
        url: str,
        *,
        max_redirects: int,
        max_bytes: int,
        timeout_seconds: float,
        accept: str,
    ) -> FetchedPage:
        """GET ``url`` for a link preview under the calling tenant's policy. Redirects are
        followed up to ``max_redirects``, each target checked like the first (its scheme
        and literal address here, its name's addresses as they resolve); the whole fetch,
        every hop included, ends after ``timeout_seconds``; at most ``max_bytes`` are
        read. The caller limits how many run at once (its own admission limiter)."""
        try:
            tenant_id = current_tenant()
        except NoTenantScope:
            tenant_id = ""
        policy = self.policy_for(tenant_id)
        pooled = self._pooled(policy)
        session = pooled or self._new_session(policy)
        current = url
        try:
            async with asyncio.timeout(timeout_seconds):
                for hop in range(max_redirects + 1):
                    shown = redacted_url(current)
                    policy.check_url(current)
                    async with session.get(
                        current,
                        headers={"Accept": accept},
                        allow_redirects=False,
                        timeout=aiohttp.ClientTimeout(total=timeout_seconds),
                    ) as response:
                        location = response.headers.get("Location", "")
                        if 300 <= response.status < 400 and location:
                            if hop == max_redirects:
                                raise OutboundError(f"{shown}: too many redirects")
                            current = urljoin(current, location)
                            continue
                        body = await self._read(response, shown, max_bytes)
                        return FetchedPage(
                            current,
                            response.status,
                            body,
                            response.content_type,
                            response.headers.get("Content-Type", ""),
                        )
        except OutboundBlocked as exc:
            raise OutboundError(
                f"{redacted_url(current)}: blocked: {exc}", permanent=True
            ) from None
        except TimeoutError:
            raise OutboundError(f"{redacted_url(current)}: no answer in time") from None
        except aiohttp.ClientError as exc:
            raise OutboundError(f"{redacted_url(current)}: {type(exc).__name__}") from None
        finally:
            if pooled is None:
                await session.close()
        raise OutboundError(f"{redacted_url(current)}: too many redirects")

    async def _read(
        self, response: aiohttp.ClientResponse, shown: str, max_bytes: int = 0
    ) -> bytes:
        limit = max_bytes or self._max_bytes
        declared = response.content_length
        if declared is not None and declared > limit:
            raise OutboundError(f"{shown}: response larger than {limit} bytes")
        chunks: list[bytes] = []
        size = 0
        async for chunk in response.content.iter_chunked(CHUNK):
            size += len(chunk)
            if size > limit:
                raise OutboundError(f"{shown}: response larger than {limit} bytes")
            chunks.append(chunk)
        return b"".join(chunks)
