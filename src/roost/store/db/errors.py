"""The store's errors: what the layers above may catch without knowing the driver.

Driver errors that mean "the database is out of reach" are told apart from faults in a
statement here and nowhere else (SQLite reports both as OperationalError); the API maps
this vocabulary to its answers in one place (``roost.api.http.errors.from_store``).
"""

from __future__ import annotations

import sqlite3

from sqlalchemy import exc


class StoreError(Exception):
    """An error of the store that is not a fault in Roost's code."""


class DatabaseUnavailable(StoreError):
    """The database could not be reached: down, restarting, unreachable, or every
    connection busy. A retry may succeed."""

    def __init__(self, cause: BaseException) -> None:
        super().__init__(str(cause))
        # The driver's error, named to the client as a detail.
        self.cause_name = type(cause).__name__


class TenantReadOnly(StoreError):
    """A write for a tenant that is being moved between databases."""

    def __init__(self, tenant_id: str) -> None:
        super().__init__(f"tenant {tenant_id} is read-only while it moves")
        self.tenant_id = tenant_id


def is_unavailable(error: BaseException) -> bool:
    """Whether an error means the database could not be reached (down, restarting,
    unreachable, or every connection busy), rather than a fault in a statement."""
    if isinstance(error, DatabaseUnavailable):
        return True
    if isinstance(error, exc.TimeoutError | OSError | ConnectionError):
        return True
    if isinstance(error, exc.DBAPIError):
        if error.connection_invalidated or isinstance(error.orig, OSError):
            return True
        if isinstance(error.orig, sqlite3.Error):
            # SQLite reports faulty SQL as OperationalError too: only these mean "away".
            text = str(error.orig).lower()
            return any(s in text for s in ("locked", "unable to open", "disk i/o", "busy"))
        return isinstance(error, exc.OperationalError | exc.InterfaceError)
    return False


def as_store_error(error: BaseException) -> StoreError | None:
    """The store's name for an error that reached a caller: itself when it is one, a
    ``DatabaseUnavailable`` for a driver error meaning the database is out of reach,
    None for anything else (a fault)."""
    if isinstance(error, StoreError):
        return error
    if is_unavailable(error):
        return DatabaseUnavailable(error)
    return None
