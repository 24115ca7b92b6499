"""Which tenant the current task works for, as the database sees it.

The api layer enters the request's tenant once (``enter_tenant``); every transaction the
request opens then carries it, and on PostgreSQL row-level security admits that tenant's
rows only, whatever the statement forgot. Work that is not a request (workers, bus
handlers, plugins) names its tenant with ``tenant_scope``. The few jobs that truly span
tenants (the tenant directory, the reaper, usage totals, the post writer's batches) say so
with ``across_tenants``; nothing reaches the database without one or the other.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

# The value the row-security policies read as "every tenant"; no tenant id has a '*'.
ALL_TENANTS = "*"

_current: ContextVar[str | None] = ContextVar("roost_tenant_scope", default=None)
# Across tenants, which database: '' is the directory's (tenants have theirs).
_database: ContextVar[str] = ContextVar("roost_database_scope", default="")


class NoTenantScope(RuntimeError):
    """The database was used with no tenant named: a bug, never a user error."""

    def __init__(self) -> None:
        super().__init__(
            "database used outside a tenant scope: wrap the work in tenant_scope(...) "
            "or across_tenants()"
        )


def enter_tenant(tenant_id: str) -> None:
    """Set the tenant for the rest of this task (and tasks it starts): a request's."""
    _current.set(tenant_id)


@contextmanager
def tenant_scope(tenant_id: str) -> Iterator[None]:
    token = _current.set(tenant_id)
    try:
        yield
    finally:
        _current.reset(token)


@contextmanager
def across_tenants(database: str = "") -> Iterator[None]:
    """Work over every tenant's rows in one database ('' the directory's): jobs that
    span tenants run once per database."""
    token = _current.set(ALL_TENANTS)
    named = _database.set(database)
    try:
        yield
    finally:
        _database.reset(named)
        _current.reset(token)


def current_database() -> str:
    """The database named by ``across_tenants`` (tenants name theirs by placement)."""
    return _database.get()


def current_tenant() -> str:
    """The tenant in scope, or ALL_TENANTS; NoTenantScope when none was named."""
    tenant = _current.get()
    if tenant is None:
        raise NoTenantScope()
    return tenant
