"""What a failure to reach or write the database means, in a line an operator can act on.

The command line (``roost.cli.failures``) asks ``explain`` about any exception a
command ends with; only this layer knows the drivers' exception types. None means
"not a failure we recognise": the command line then shows it whole.
"""

from __future__ import annotations

import errno
import socket
import sqlite3
from collections.abc import Iterator

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

_REFUSED = (errno.ECONNREFUSED, errno.EHOSTUNREACH, errno.ENETUNREACH)


def explain(exc: BaseException, database_url: str) -> str | None:
    """One or two lines for ``exc``, raised while using ``database_url`` (which is never
    shown with its password)."""
    shown = _shown(database_url)
    for cause in _chain(exc):
        name = type(cause).__name__
        if name == "InvalidCatalogNameError":  # asyncpg: the database does not exist
            return (
                f"database {_database(database_url)!r} does not exist on {shown}: "
                f"create it (as postgres: createdb -O <owner> {_database(database_url)}), "
                "then run `roost migrate`"
            )
        if name in ("InvalidPasswordError", "InvalidAuthorizationSpecificationError"):
            return f"PostgreSQL at {shown} refused the login: {cause} (check the user in the URL)"
        if isinstance(cause, socket.gaierror):
            return f"cannot resolve the database host of {shown}: {cause.strerror or cause}"
        if isinstance(cause, ConnectionRefusedError) or (
            isinstance(cause, OSError) and cause.errno in _REFUSED
        ):
            return (
                f"nothing is listening at {_address(database_url)} ({shown}): "
                "start PostgreSQL there, or fix ROOST_DATABASE_URL"
            )
        if isinstance(cause, (TimeoutError, OSError)) and "Connect call failed" in str(cause):
            return f"cannot connect to {_address(database_url)} ({shown}): {cause}"
        if isinstance(cause, sqlite3.OperationalError):
            text = str(cause)
            if "readonly" in text or "unable to open" in text or "read-only" in text:
                return (
                    f"the SQLite database {shown} cannot be written ({text}): make its file "
                    "and folder writable by this user, or set ROOST_DATA_DIR"
                )
        if isinstance(cause, (NoSuchModuleError, ArgumentError)):
            return f"ROOST_DATABASE_URL {shown} is not usable: {cause}"
    return None


def _chain(exc: BaseException) -> Iterator[BaseException]:
    """``exc``, its causes and contexts, and the members of exception groups."""
    seen: set[int] = set()
    todo = [exc]
    while todo:
        current = todo.pop(0)
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        if isinstance(current, BaseExceptionGroup):
            todo.extend(current.exceptions)
        for linked in (current.__cause__, current.__context__):
            if linked is not None:
                todo.append(linked)
        orig = getattr(current, "orig", None)  # SQLAlchemy's DBAPIError wraps the driver's
        if isinstance(orig, BaseException):
            todo.append(orig)


def _shown(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "(an unreadable URL)"


def _database(url: str) -> str:
    try:
        return make_url(url).database or ""
    except ArgumentError:
        return ""


def _address(url: str) -> str:
    try:
        parsed = make_url(url)
    except ArgumentError:
        return "the database address"
    return f"{parsed.host or 'localhost'}:{parsed.port or 5432}"


def describe(url: str) -> str:
    """Where the data is, for the start-up line: "SQLite at /path" or "PostgreSQL at
    host:port/db" (never the password)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return f"SQLite at {parsed.database}"
    return f"PostgreSQL at {_address(url)}/{parsed.database or ''}"
