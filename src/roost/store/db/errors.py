"""The store's errors: what the layers above may catch without knowing the driver.

Driver errors that mean "the database cannot serve this now, a retry may succeed" are
told apart from faults in a statement here and nowhere else (SQLite reports both as
OperationalError; PostgreSQL names them by SQLSTATE, which SQLAlchemy's asyncpg adapter
wraps in a plain ``DBAPIError``). Each such state gets a short *reason* (a metric label
and a hint for how long a client should wait); the API maps this vocabulary to its
answers in one place (``roost.api.http.errors.from_store``).
"""

from __future__ import annotations

import sqlite3
from typing import Final

from sqlalchemy import exc

# Reasons a database cannot serve a request for now. The first group means it is out of
# reach (a replica in that state leaves the rotation); CONFLICT means the statement lost
# a race with another transaction (serialization failure or deadlock) after any retries.
STARTING_UP: Final = "starting_up"
SHUTTING_DOWN: Final = "shutting_down"
CONNECTION: Final = "connection"
TOO_MANY_CONNECTIONS: Final = "too_many_connections"
TIMEOUT: Final = "timeout"
LOCKED: Final = "locked"
CONFLICT: Final = "conflict"

# PostgreSQL's SQLSTATEs for transient states (Appendix A of its manual).
_SQLSTATE_REASONS: Final = {
    "57P01": SHUTTING_DOWN,  # admin_shutdown: a fast/smart stop ended the session
    "57P02": SHUTTING_DOWN,  # crash_shutdown: another backend crashed, all were reset
    "57P03": STARTING_UP,  # cannot_connect_now: "the database system is starting up"
    "57P05": CONNECTION,  # idle_session_timeout ended the pooled connection
    "53300": TOO_MANY_CONNECTIONS,
    "40001": CONFLICT,  # serialization_failure
    "40P01": CONFLICT,  # deadlock_detected
}
# Class 08 is "connection exception": the connection failed, was reset or never formed.
_SQLSTATE_CLASS_REASONS: Final = {"08": CONNECTION}
# What SQLite says when another connection holds the lock or the file is unreachable.
_SQLITE_AWAY: Final = ("locked", "busy", "unable to open", "disk i/o")


class StoreError(Exception):
    """An error of the store that is not a fault in Roost's code."""


class DatabaseUnavailable(StoreError):
    """The database cannot serve this now: down, starting up or shutting down,
    unreachable, every connection busy, locked, or a transaction conflict. A retry may
    succeed."""

    def __init__(self, cause: BaseException, reason: str = CONNECTION) -> None:
        super().__init__(str(cause))
        # The driver's error, named to the client as a detail.
        self.cause_name = type(cause).__name__
        self.reason = reason


class TenantReadOnly(StoreError):
    """A write for a tenant that is being moved between databases."""

    def __init__(self, tenant_id: str) -> None:
        super().__init__(f"tenant {tenant_id} is read-only while it moves")
        self.tenant_id = tenant_id


def sqlstate(error: BaseException) -> str | None:
    """The PostgreSQL SQLSTATE an error carries: on itself (asyncpg's errors), on the
    DBAPI error SQLAlchemy wraps (``orig``), or on the error it was raised from."""
    seen: set[int] = set()
    pending: list[BaseException | None] = [error]
    while pending:
        current = pending.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        code = getattr(current, "sqlstate", None)
        if isinstance(code, str) and len(code) == 5:
            return code
        orig = getattr(current, "orig", None)
        pending += [orig if isinstance(orig, BaseException) else None, current.__cause__]
    return None


def transient_reason(error: BaseException) -> str | None:
    """Why the database cannot serve this now (one of the reasons above), or None when
    the error is a fault in a statement or in Roost."""
    if isinstance(error, DatabaseUnavailable):
        return error.reason
    code = sqlstate(error)
    if code is not None:
        return _SQLSTATE_REASONS.get(code) or _SQLSTATE_CLASS_REASONS.get(code[:2])
    if isinstance(error, exc.TimeoutError | TimeoutError):
        return TIMEOUT
    if isinstance(error, OSError | ConnectionError):
        return CONNECTION
    if isinstance(error, exc.DBAPIError):
        if error.connection_invalidated or isinstance(error.orig, OSError):
            return CONNECTION
        if isinstance(error.orig, sqlite3.Error):
            # SQLite reports faulty SQL as OperationalError too: only these mean "away".
            text = str(error.orig).lower()
            return LOCKED if any(s in text for s in _SQLITE_AWAY) else None
        if isinstance(error, exc.OperationalError | exc.InterfaceError):
            return CONNECTION
    return None


def is_unavailable(error: BaseException) -> bool:
    """Whether an error means the database could not be reached (down, starting up,
    unreachable, or every connection busy), rather than a fault in a statement or a
    lost race between transactions."""
    reason = transient_reason(error)
    return reason is not None and reason != CONFLICT


def as_store_error(error: BaseException) -> StoreError | None:
    """The store's name for an error that reached a caller: itself when it is one, a
    ``DatabaseUnavailable`` for a driver error meaning the database cannot serve this
    now, None for anything else (a fault)."""
    if isinstance(error, StoreError):
        return error
    reason = transient_reason(error)
    if reason is not None:
        return DatabaseUnavailable(error, reason)
    return None
