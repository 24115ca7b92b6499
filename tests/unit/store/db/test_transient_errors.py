"""Every transient database state maps to one 503 with Retry-After, counted by reason;
faults in a statement stay 500s. The driver errors are built as asyncpg, SQLAlchemy's
asyncpg adapter and sqlite3 raise them."""

from __future__ import annotations

import sqlite3

import asyncpg
import pytest
from prometheus_client import REGISTRY
from sqlalchemy import exc
from sqlalchemy.dialects.postgresql.asyncpg import AsyncAdapt_asyncpg_dbapi

from roost.api.http import errors as http_errors
from roost.app.kernel.errors import DATABASE_UNAVAILABLE
from roost.store.db import errors as db_errors

_DBAPI = AsyncAdapt_asyncpg_dbapi(asyncpg)  # type: ignore[no-untyped-call]


def wrapped(error: Exception) -> exc.StatementError:
    """``error`` as it reaches Roost through SQLAlchemy's asyncpg dialect."""
    adapted = _DBAPI.Error(str(error), error)  # type: ignore[no-untyped-call]
    return exc.DBAPIError.instance("SELECT 1", {}, adapted, _DBAPI.Error)


TRANSIENT = [
    (asyncpg.exceptions.CannotConnectNowError("the database system is starting up"), "starting_up"),
    (
        asyncpg.exceptions.AdminShutdownError(
            "terminating connection due to administrator command"
        ),
        "shutting_down",
    ),
    (
        asyncpg.exceptions.CrashShutdownError("terminating connection because of crash"),
        "shutting_down",
    ),
    (
        asyncpg.exceptions.TooManyConnectionsError("sorry, too many clients already"),
        "too_many_connections",
    ),
    (asyncpg.exceptions.SerializationError("could not serialize access"), "conflict"),
    (asyncpg.exceptions.DeadlockDetectedError("deadlock detected"), "conflict"),
    (asyncpg.exceptions.ConnectionDoesNotExistError("connection does not exist"), "connection"),
    (asyncpg.exceptions.ConnectionFailureError("connection failure"), "connection"),
    (asyncpg.exceptions.ProtocolViolationError("protocol violation"), "connection"),
]


def unavailable_count(reason: str) -> float:
    value = REGISTRY.get_sample_value("roost_db_unavailable_total", {"reason": reason})
    return value or 0.0


@pytest.mark.parametrize(("error", "reason"), TRANSIENT, ids=lambda v: str(v)[:24])
@pytest.mark.parametrize("through_sqlalchemy", [True, False], ids=["wrapped", "raw"])
def test_transient_postgres_states_are_503_with_retry_after(
    error: Exception, reason: str, through_sqlalchemy: bool
) -> None:
    raised: BaseException = wrapped(error) if through_sqlalchemy else error
    assert db_errors.transient_reason(raised) == reason
    before = unavailable_count(reason)
    answer = http_errors.refuse_for_store(raised)
    assert answer is not None
    assert answer.status == 503 and answer.error_id == DATABASE_UNAVAILABLE
    assert answer.retry_after == http_errors.DATABASE_RETRY_AFTER_SECONDS[reason]
    assert isinstance(answer.retry_after, int) and answer.retry_after >= 1
    assert unavailable_count(reason) == before + 1


def test_a_conflict_is_retryable_but_does_not_mean_the_database_is_away() -> None:
    # A replica that reports a conflict stays in the rotation; the request still gets 503.
    conflict = wrapped(asyncpg.exceptions.DeadlockDetectedError("deadlock detected"))
    assert not db_errors.is_unavailable(conflict)
    starting = wrapped(asyncpg.exceptions.CannotConnectNowError("starting up"))
    assert db_errors.is_unavailable(starting)


def test_connection_level_failures_are_503() -> None:
    for error in (
        ConnectionRefusedError(111, "Connection refused"),
        ConnectionResetError(104, "Connection reset by peer"),
        TimeoutError(),
        exc.TimeoutError("QueuePool limit reached"),
    ):
        answer = http_errors.from_store(error)
        assert answer is not None and answer.status == 503 and answer.retry_after


def test_a_locked_sqlite_database_is_503() -> None:
    locked = exc.OperationalError("INSERT", {}, sqlite3.OperationalError("database is locked"))
    assert db_errors.transient_reason(locked) == "locked"
    answer = http_errors.from_store(locked)
    assert answer is not None and answer.status == 503 and answer.retry_after == 1


@pytest.mark.parametrize(
    "error",
    [
        wrapped(asyncpg.exceptions.UndefinedColumnError('column "x" does not exist')),
        wrapped(asyncpg.exceptions.UniqueViolationError("duplicate key")),
        wrapped(asyncpg.exceptions.DivisionByZeroError("division by zero")),
        exc.OperationalError("SELECT", {}, sqlite3.OperationalError("no such column: x")),
        ValueError("a bug"),
    ],
    ids=["undefined-column", "unique", "division", "sqlite-syntax", "bug"],
)
def test_faults_are_not_retryable(error: Exception) -> None:
    assert db_errors.transient_reason(error) is None
    assert http_errors.from_store(error) is None


def test_the_retry_after_header_is_whole_seconds() -> None:
    from roost.api.http.responses import error_response

    answer = http_errors.from_store(wrapped(asyncpg.exceptions.CannotConnectNowError("x")))
    assert answer is not None
    response = error_response(answer, "rid")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
