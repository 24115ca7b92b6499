"""The tenant directory: which organisation a request's host names, and the operator's
changes to the set of organisations.

Every node holds the whole directory in memory (a tenant is a few hundred bytes), so
resolving a request's tenant is two dictionary lookups and never a query. A change on
one node reaches the others through an internal bus event, and every node also reloads
on a timer, which covers changes made by the `roost tenant` command on a single node
without Redis.

Resolution, for a host with its port removed and lower-cased:
1. a custom domain mapped to a tenant names that tenant;
2. with ``ROOST_TENANT_BASE_DOMAIN`` (say chat.example.com), ``acme.chat.example.com``
   names the tenant called ``acme``, the base domain itself the default tenant, and any
   other host no tenant (404);
3. without it, every other host is the default tenant: a single-tenant install needs
   no configuration.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import re
import secrets
from collections.abc import AsyncIterator
from dataclasses import replace
from urllib.parse import urlsplit

from roost.app.kernel.errors import invalid_param
from roost.app.kernel.rate_limits import TokenBuckets
from roost.app.tenants.errors import (
    delete_default_tenant,
    domain_taken,
    moving,
    no_such_tenant,
    rate_limited,
    suspended,
    tenant_name_taken,
    tenant_not_found,
)
from roost.clock import now_ms
from roost.cluster.bus import Bus
from roost.ids import new_id
from roost.model.event import Event, internal_event
from roost.model.events import TENANT_CLOSED, TENANTS_CHANGED
from roost.model.tenant import ACTIVE, DELETING, MOVING, STATES, SUSPENDED, Tenant
from roost.store.db.database import Connection as AsyncConnection
from roost.store.db.database import Database
from roost.store.tenants import directory as tenant_store
from roost.tenancy import DEFAULT_TENANT_ID
from roost.tenancy.placement import Placement, Placements
from roost.tenancy.scope import across_tenants

log = logging.getLogger(__name__)

# A DNS label: the tenant's name is its subdomain.
NAME = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\Z")
DOMAIN = re.compile(r"^(?=.{1,253}\Z)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}\Z")
DISPLAY_NAME_MAX = 128
MAX_DOMAINS = 20
# Names a deployment's own hosts commonly use.
RESERVED_NAMES = frozenset({"www", "api", "admin", "operator", "static", "mail"})
# How long the first admin's invite link stays valid, unless the operator says.
ADMIN_INVITE_TTL_SECONDS = 7 * 24 * 3600
ADMIN_INVITE_MAX_TTL_SECONDS = 30 * 24 * 3600
# The largest value each limit may be set to.
LIMIT_MAXIMA: dict[str, float] = {
    "requests_per_second": 1_000_000.0,
    "max_users": 10_000_000,
    "max_storage_bytes": 2**62,
    "max_posts_per_day": 1_000_000_000,
}
# An outbound allow-list: comma-separated hostnames, IPs and CIDRs.
OUTBOUND_HOSTS_MAX = 4096
_OUTBOUND_ENTRY = re.compile(r"^[a-z0-9_.:\-]+(/[0-9]{1,3})?\Z")


def _placement_of(tenant: Tenant) -> Placement:
    return Placement(tenant.database, tenant.state != MOVING)


def _host_name(host: str) -> str:
    host = host.strip().lower().rstrip(".")
    if host.startswith("["):  # an IPv6 literal, [::1]:8065
        return host.split("]", 1)[0] + "]"
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def _invite_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class TenantDirectory:
    def __init__(
        self,
        db: Database,
        bus: Bus,
        placements: Placements,
        base_domain: str = "",
        refresh_seconds: float = 30.0,
        requests_per_second: float = 0.0,
        burst_seconds: float = 2.0,
        site_url: str = "http://localhost:8065",
    ) -> None:
        self._db = db
        self._site = urlsplit(site_url.rstrip("/"))
        # Per node: each node admits up to a tenant's rate, so one busy tenant cannot
        # take a node's capacity from the others.
        self._default_rate = requests_per_second
        self._burst_seconds = burst_seconds
        self._buckets = TokenBuckets(1.0, 1)
        # Requests admitted per tenant since the usage writer last took them.
        self._requests: dict[str, int] = {}
        self._bus = bus
        self._base = base_domain.strip().lower().strip(".")
        self._refresh_seconds = refresh_seconds
        self._by_id: dict[str, Tenant] = {}
        self._by_name: dict[str, Tenant] = {}
        self._by_domain: dict[str, Tenant] = {}
        # What the database router reads: written here as tenants load and change.
        self._placements = placements
        self._reloading: set[asyncio.Task[Tenant | None]] = set()
        self._timer: asyncio.Task[None] | None = None
        # Reads of the directory are numbered as they start; a tenant's entry is only
        # replaced by a read that started after the one it came from. Without this, a
        # periodic reload (or an event's) that began before a suspend committed could
        # finish after the suspending node's own re-read and put the old state back.
        self._reads = 0
        self._read_of: dict[str, int] = {}  # tenant -> the read its entry came from
        self._removed: set[str] = set()  # tenants deleted while this node ran
        self._full_read = -1  # the newest whole-directory read applied
        bus.subscribe(self._on_event)

    # The directory is every tenant's: its reads and writes span them (domains are
    # unique across tenants, the reload reads them all).

    @contextlib.asynccontextmanager
    async def _across_read(self) -> AsyncIterator[AsyncConnection]:
        with across_tenants():
            async with self._db.read() as conn:
                yield conn

    @contextlib.asynccontextmanager
    async def _across_write(self) -> AsyncIterator[AsyncConnection]:
        with across_tenants():
            async with self._db.write() as conn:
                yield conn

    # Lifecycle.

    async def start(self) -> None:
        await self.reload()
        self._timer = asyncio.create_task(self._refresh())

    async def close(self) -> None:
        for task in (self._timer, *self._reloading):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    def _start_read(self) -> int:
        self._reads += 1
        return self._reads

    def _newer_than(self, tenant_id: str, read: int) -> bool:
        """Whether the tenant's entry came from a read that started after ``read``."""
        return max(self._read_of.get(tenant_id, -1), self._full_read) > read

    async def reload(self) -> None:
        read = self._start_read()
        async with self._across_read() as conn:
            found = await tenant_store.all_tenants(conn)
        if self._full_read > read:
            return  # a whole read that started later was applied already
        by_id = {t.id: t for t in found}
        # Entries re-read since this read started are fresher than what it found.
        for tenant_id in [t for t, r in self._read_of.items() if r > read]:
            if (current := self._by_id.get(tenant_id)) is not None:
                by_id[tenant_id] = current
            else:
                by_id.pop(tenant_id, None)
        self._read_of = {t: r for t, r in self._read_of.items() if r > read}
        self._full_read = max(self._full_read, read)
        kept = list(by_id.values())
        self._by_id = by_id
        self._by_name = {t.name: t for t in kept}
        self._by_domain = {d: t for t in kept for d in t.domains}
        self._placements.replace((t.id, _placement_of(t)) for t in kept)

    async def reload_one(self, tenant_id: str) -> Tenant | None:
        """Re-read one tenant (after a change): the cost does not grow with the number
        of tenants. From the primary: a change that sent every node here may not have
        reached a replica yet."""
        read = self._start_read()
        with across_tenants():
            async with self._db.read(primary=True) as conn:
                found = await tenant_store.all_tenants(conn, tenant_id)
        if self._newer_than(tenant_id, read):
            return self._by_id.get(tenant_id)  # a later read already applied
        self._read_of[tenant_id] = read
        old = self._by_id.pop(tenant_id, None)
        if old is not None:
            self._by_name.pop(old.name, None)
            for domain in old.domains:
                self._by_domain.pop(domain, None)
        self._placements.set(tenant_id, None)
        if old is not None and not found:
            self._removed.add(tenant_id)
        for tenant in found:
            self._by_id[tenant.id] = tenant
            self._by_name[tenant.name] = tenant
            self._by_domain.update(dict.fromkeys(tenant.domains, tenant))
            self._placements.set(tenant.id, _placement_of(tenant))
        return found[0] if found else None

    async def _refresh(self) -> None:
        while True:
            await asyncio.sleep(self._refresh_seconds)
            try:
                await self.reload()
            except Exception:
                log.warning("could not reload the tenant directory", exc_info=True)

    def _on_event(self, event: Event) -> None:
        if event.name != TENANTS_CHANGED:
            return
        task = asyncio.create_task(self.reload_one(str(event.data.get("tenant_id", ""))))
        self._reloading.add(task)
        task.add_done_callback(self._reloading.discard)

    # Resolution (every request: memory only).

    def resolve(self, host: str) -> str:
        """The id of the active tenant ``host`` names; AppError 404 or 403 otherwise."""
        name = _host_name(host)
        tenant = self._by_domain.get(name)
        if tenant is None:
            if not self._base or name == self._base:
                tenant = self._by_id.get(DEFAULT_TENANT_ID)
            elif name.endswith("." + self._base):
                tenant = self._by_name.get(name[: -len(self._base) - 1])
            if tenant is None:
                if not self._base and not self._by_id:
                    return DEFAULT_TENANT_ID  # directory not loaded yet (start-up)
                raise no_such_tenant()
        if tenant.state not in (ACTIVE, MOVING):  # a moving tenant reads (writes: 503)
            raise no_such_tenant() if tenant.state == DELETING else suspended()
        return tenant.id

    def read_only(self) -> list[str]:
        return self._placements.read_only()

    def site_url(self, tenant_id: str) -> str:
        """Where the tenant is served, for the links Roost hands out (command response
        URLs, public file links, apps' callbacks): its first custom domain, else its
        subdomain of the base domain, with the deployment's scheme and port; the
        deployment's own site URL for the default tenant or without a base domain."""
        tenant = self._by_id.get(tenant_id)
        host = ""
        if tenant is not None and tenant.id != DEFAULT_TENANT_ID:
            if tenant.domains:
                host = sorted(tenant.domains)[0]
            elif self._base:
                host = f"{tenant.name}.{self._base}"
        if not host:
            return self._site.geturl()
        port = f":{self._site.port}" if self._site.port else ""
        return f"{self._site.scheme}://{host}{port}{self._site.path}"

    def placement(self, tenant_id: str) -> Placement:
        """Where the tenant's rows are and whether they may change (every transaction
        asks: memory only)."""
        return self._placements.of(tenant_id)

    def admit(self, host: str) -> str:
        """``resolve``, then the tenant's request rate: AppError 429 beyond it."""
        tenant_id = self.resolve(host)
        tenant = self._by_id.get(tenant_id)
        rate = (tenant.requests_per_second if tenant else 0.0) or self._default_rate
        if rate and not self._buckets.take(tenant_id, rate, max(1.0, rate * self._burst_seconds)):
            raise rate_limited()
        self._requests[tenant_id] = self._requests.get(tenant_id, 0) + 1
        return tenant_id

    def take_request_counts(self) -> dict[str, int]:
        """The requests admitted per tenant since the last call (for app/tenants/usage.py)."""
        counts, self._requests = self._requests, {}
        return counts

    def restore_request_counts(self, counts: dict[str, int]) -> None:
        """Counts that could not be written: kept for the next attempt."""
        for tenant_id, n in counts.items():
            self._requests[tenant_id] = self._requests.get(tenant_id, 0) + n

    def max_users(self, tenant_id: str) -> int:
        """The most users (bots aside) the tenant may have; 0: no limit."""
        tenant = self._by_id.get(tenant_id)
        return tenant.max_users if tenant else 0

    def max_storage_bytes(self, tenant_id: str) -> int:
        tenant = self._by_id.get(tenant_id)
        return tenant.max_storage_bytes if tenant else 0

    def max_posts_per_day(self, tenant_id: str) -> int:
        tenant = self._by_id.get(tenant_id)
        return tenant.max_posts_per_day if tenant else 0

    def open_signup(self, tenant_id: str) -> bool:
        """Whether anyone may sign up on this (non-default) tenant."""
        tenant = self._by_id.get(tenant_id)
        return tenant is not None and tenant.open_signup

    def outbound_allowed_hosts(self, tenant_id: str) -> str | None:
        """The tenant's own outbound allow-list; None when it names none."""
        tenant = self._by_id.get(tenant_id)
        return tenant.outbound_allowed_hosts if tenant else None

    def deleted(self, tenant_id: str) -> bool:
        """Marked for deletion or already removed: buffered work for it is dropped,
        not written (it would outlive the tenant's data)."""
        tenant = self._by_id.get(tenant_id)
        if tenant is None:
            return tenant_id in self._removed
        return tenant.state == DELETING

    def post_limited(self) -> list[str]:
        """Tenants with a posts-per-day limit."""
        return [t.id for t in self._by_id.values() if t.max_posts_per_day]

    # The operator's view.

    def get(self, tenant_id: str) -> Tenant:
        tenant = self._by_id.get(tenant_id) or self._by_name.get(tenant_id)
        if tenant is None:
            raise tenant_not_found()
        return tenant

    def page_of(self, page: int, per_page: int) -> list[Tenant]:
        ordered = sorted(self._by_id.values(), key=lambda t: (t.create_at, t.id))
        return ordered[page * per_page : (page + 1) * per_page]

    @property
    def count(self) -> int:
        return len(self._by_id)

    # Changes.

    def check_name(self, name: str) -> None:
        if not NAME.match(name) or name in RESERVED_NAMES:
            raise invalid_param("name")

    def check_domains(self, domains: list[str]) -> list[str]:
        cleaned = sorted({d.strip().lower().rstrip(".") for d in domains})
        if len(cleaned) > MAX_DOMAINS or not all(DOMAIN.match(d) for d in cleaned):
            raise invalid_param("domains")
        if self._base and any(d == self._base or d.endswith("." + self._base) for d in cleaned):
            # Names under the base domain are the tenants' own subdomains.
            raise invalid_param("domains")
        return cleaned

    async def do_create(
        self,
        name: str,
        display_name: str,
        domains: list[str],
        database: str = "",
        open_signup: bool = False,
    ) -> Tenant:
        name = name.strip().lower()
        self.check_name(name)
        if len(display_name) > DISPLAY_NAME_MAX:
            raise invalid_param("display_name")
        if database not in self._db.names():
            raise invalid_param("database")
        cleaned = self.check_domains(domains)
        now = now_ms()
        tenant = Tenant(new_id(), name, display_name or name, ACTIVE, now, now, cleaned)
        tenant.database = database
        tenant.open_signup = open_signup
        async with self._across_write() as conn:
            if not await tenant_store.insert_tenant(conn, tenant):
                raise tenant_name_taken()
            if not await tenant_store.set_domains(conn, tenant.id, cleaned):
                raise domain_taken()
        return await self._changed(tenant.id)

    async def do_set_domains(self, tenant_id: str, domains: list[str]) -> Tenant:
        tenant = self.get(tenant_id)
        cleaned = self.check_domains(domains)
        async with self._across_write() as conn:
            if not await tenant_store.set_domains(conn, tenant.id, cleaned):
                raise domain_taken()
        return await self._changed(tenant.id)

    async def do_set_state(self, tenant_id: str, state: str) -> Tenant:
        if state not in STATES:
            raise invalid_param("state")
        tenant = self.get(tenant_id)
        if tenant.state == DELETING:
            raise no_such_tenant()
        if tenant.state == MOVING:
            raise moving()
        async with self._across_write() as conn:
            await tenant_store.set_state(conn, tenant.id, state, now_ms())
        changed = await self._changed(tenant.id)
        if state != ACTIVE:
            await self._close_sockets(tenant.id)
        return changed

    async def do_set_moving(self, tenant_id: str) -> Tenant:
        """Read-only on every node from now on (app/tenants/mover.py)."""
        async with self._across_write() as conn:
            await tenant_store.set_state(conn, tenant_id, MOVING, now_ms())
        return await self._changed(tenant_id)

    async def do_place(self, tenant_id: str, database: str) -> Tenant:
        """The tenant's rows are in ``database`` now, and may change again."""
        async with self._across_write() as conn:
            await tenant_store.set_placement(conn, tenant_id, database, ACTIVE, now_ms())
        return await self._changed(tenant_id)

    async def do_set_limits(self, tenant_id: str, limits: dict[str, float]) -> Tenant:
        """A tenant's own limits (names as in ``Tenant.to_dict()["limits"]``; those not
        given stay); 0: the deployment's default rate, or no limit."""
        tenant = self.get(tenant_id)
        changed = replace(tenant)
        for name, value in limits.items():
            top = LIMIT_MAXIMA.get(name)
            if top is None:
                raise invalid_param(name)
            if not 0 <= value <= top:
                raise invalid_param(name)
            setattr(changed, name, float(value) if name == "requests_per_second" else int(value))
        async with self._across_write() as conn:
            await tenant_store.set_limits(conn, changed, now_ms())
        return await self._changed(tenant.id)

    async def do_set_open_signup(self, tenant_id: str, open_: bool) -> Tenant:
        tenant = self.get(tenant_id)
        async with self._across_write() as conn:
            await tenant_store.set_open_signup(conn, tenant.id, open_, now_ms())
        return await self._changed(tenant.id)

    async def do_issue_admin_invite(
        self, tenant_id: str, ttl_seconds: int = ADMIN_INVITE_TTL_SECONDS
    ) -> tuple[str, int]:
        """A single-use token that signs its holder up as the tenant's system admin
        (``POST /api/v4/users?t=TOKEN`` on the tenant's host), and when it lapses. Only
        its hash is kept; a new one replaces the last."""
        tenant = self.get(tenant_id)
        if not 60 <= ttl_seconds <= ADMIN_INVITE_MAX_TTL_SECONDS:
            raise invalid_param("expires_in_seconds")
        token = secrets.token_urlsafe(32)
        expires_at = now_ms() + ttl_seconds * 1000
        async with self._across_write() as conn:
            await tenant_store.set_admin_invite(conn, tenant.id, _invite_hash(token), expires_at)
        return token, expires_at

    async def take_admin_invite(self, tenant_id: str, token: str) -> int:
        """Use the invite up: its expiry if ``token`` was valid, else 0."""
        if not token or len(token) > 256:
            return 0
        async with self._across_write() as conn:
            return await tenant_store.take_admin_invite(
                conn, tenant_id, _invite_hash(token), now_ms()
            )

    async def restore_admin_invite(self, tenant_id: str, token: str, expires_at: int) -> None:
        """The sign-up the invite was taken for failed (a taken username, say): the
        link works again until it lapses."""
        async with self._across_write() as conn:
            await tenant_store.set_admin_invite(conn, tenant_id, _invite_hash(token), expires_at)

    async def do_set_outbound_allowed_hosts(self, tenant_id: str, hosts: str | None) -> Tenant:
        """The hosts and networks the tenant's admin-made integrations may call besides
        public addresses ('' none; None back to the default: the node-wide setting for
        the default tenant, none for the others)."""
        tenant = self.get(tenant_id)
        if hosts is not None:
            entries = [e.strip().lower() for e in hosts.split(",") if e.strip()]
            if len(hosts) > OUTBOUND_HOSTS_MAX or not all(
                _OUTBOUND_ENTRY.match(e) for e in entries
            ):
                raise invalid_param("outbound_allowed_hosts")
            hosts = ",".join(entries)
        async with self._across_write() as conn:
            await tenant_store.set_outbound_allowed_hosts(conn, tenant.id, hosts, now_ms())
        return await self._changed(tenant.id)

    async def do_delete(self, tenant_id: str) -> Tenant:
        """Mark the tenant for deletion: from now on it answers like one that does not
        exist, and the reaper (app/tenants/reaper.py) removes its data."""
        tenant = self.get(tenant_id)
        if tenant.id == DEFAULT_TENANT_ID:
            raise delete_default_tenant()
        if tenant.state == MOVING:
            raise moving()
        async with self._across_write() as conn:
            await tenant_store.set_state(conn, tenant.id, DELETING, now_ms())
        changed = await self._changed(tenant.id)
        await self._close_sockets(tenant.id)
        return changed

    async def _close_sockets(self, tenant_id: str) -> None:
        """A suspended or deleted tenant's open sockets close on every node."""
        await self._bus.publish([internal_event(tenant_id, TENANT_CLOSED, {})])

    async def forget(self, tenant_id: str) -> None:
        """The tenant's data and row are gone: drop it here and on every node."""
        await self.reload_one(tenant_id)
        await self._bus.publish([internal_event("", TENANTS_CHANGED, {"tenant_id": tenant_id})])

    async def do_suspend(self, tenant_id: str) -> Tenant:
        return await self.do_set_state(tenant_id, SUSPENDED)

    async def do_resume(self, tenant_id: str) -> Tenant:
        return await self.do_set_state(tenant_id, ACTIVE)

    async def _changed(self, tenant_id: str) -> Tenant:
        """This node sees the change at once; the others when the event reaches them."""
        tenant = await self.reload_one(tenant_id)
        assert tenant is not None
        await self._bus.publish([internal_event("", TENANTS_CHANGED, {"tenant_id": tenant_id})])
        return tenant
