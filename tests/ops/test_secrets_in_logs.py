"""Secrets stay out of the logs: the run-wide check (tests/support/secrets.py) finds
one when a log holds it, and a server whose writes fail logs the failing statement
without its parameters (a session's token and CSRF value among them)."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from tests.ops.pg import read_only
from tests.support import secrets
from tests.support.client import PASSWORD, Api, create_user
from tests.support.databases import database
from tests.support.server import running_server


def test_the_run_check_names_the_log_and_kind_of_a_leaked_secret(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(secrets.DIR_ENV, str(tmp_path))
    (tmp_path / "logs").mkdir()
    token = "x" * 5 + "token4leak" + os.urandom(4).hex()
    secrets.remember("session token", token)
    secrets.remember("password", "Pass word-with!punct")
    secrets.remember("password", "short")  # too short to tell from a word
    secrets.remember("password", " " * 10)  # indentation, not a leak
    (tmp_path / "logs" / "clean.log").write_text("ERROR nothing to see short\n" + " " * 12)
    (tmp_path / "logs" / "leaky.log").write_text(f"INFO [parameters: ('{token}', 1)]\n")
    (tmp_path / "logs" / "pw.log").write_text("body={'password': 'Pass word-with!punct'}\n")
    assert secrets.leaks(tmp_path) == ["leaky.log: session token", "pw.log: password"]


def test_failing_writes_are_logged_without_their_parameters(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    data_dir = tmp_path_factory.mktemp("secrets-pg")
    with database("postgres", data_dir) as url, running_server(url, data_dir) as base:
        user = create_user(base)
        name = str(make_url(url).database)
        read_only(name, True)
        try:
            body = {"login_id": user.username, "password": PASSWORD}
            deadline = time.monotonic() + 20
            # The first tries may meet a pooled connection just ended (a 503).
            while Api(base).post("/users/login", body).status_code != 500:
                assert time.monotonic() < deadline, "the login never failed on its write"
                time.sleep(0.2)
        finally:
            read_only(name, False)
        log = next(data_dir.glob("server-*.log")).read_text()
    # The failing statement is in the log (so this test looks at the right thing); its
    # parameters (a new session's token and CSRF value, say) are not.
    assert "[SQL: UPDATE users" in log or "[SQL: INSERT INTO sessions" in log, log[-3000:]
    assert "[parameters:" not in log and "parameters hidden" in log
    assert user.token not in log and PASSWORD not in log
