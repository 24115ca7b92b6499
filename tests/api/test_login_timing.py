"""Login answers take as long for unknown users as for known ones with a wrong
password (issue 19.2: ~2 ms against ~60-110 ms before): an unknown login id, a bot or an
account without a password is checked against a dummy hash of the configured cost."""

from __future__ import annotations

import statistics
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.client import PASSWORD, Api, create_user, expect
from tests.support.databases import database
from tests.support.server import running_server

INVALID = "api.user.login.invalid_credentials_email_username"


@pytest.fixture(scope="module")
def production_cost(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A server hashing at the production cost (10, tens of ms a check): the tests'
    usual cost of 4 takes about as long as the HTTP round trip, too little to tell."""
    data_dir: Path = tmp_path_factory.mktemp("roost-timing")
    env = {"ROOST_PASSWORD_HASH_COST": "10"}
    with database("sqlite", data_dir) as url, running_server(url, data_dir, env) as base:
        yield base


def test_unknown_users_take_as_long_as_known_ones(production_cost: str) -> None:
    anon = Api(production_cost)
    admin = create_user(production_cost)
    known = [create_user(production_cost) for _ in range(3)]
    bot = expect(admin.api.post("/bots", {"username": f"timing{admin.username}"}), 201)

    def timed(login_id: str) -> float:
        started = time.perf_counter()
        body = expect(
            anon.post("/users/login", {"login_id": login_id, "password": "x" + PASSWORD}), 401
        )
        assert body["id"] == INVALID, body
        return time.perf_counter() - started

    timed("nobody-warm-up")  # the dummy hash is made on first use
    known_times: list[float] = []
    unknown_times: list[float] = []
    bot_times: list[float] = []
    for i in range(3):  # 3 failures per known user: far from the lockout
        for user in known:
            known_times.append(timed(user.username))
            unknown_times.append(timed(f"nobody-{i}-{user.username}"))
            bot_times.append(timed(bot["username"]))
    known_median = statistics.median(known_times)
    # A bcrypt check at cost 10 is tens of milliseconds; answering without one, a few.
    # Medians over nine tries each and a wide factor: it tells a check from none, and
    # shrugs off a noisy neighbour on the shared machine.
    for other in (unknown_times, bot_times):
        ratio = known_median / statistics.median(other)
        assert 0.5 < ratio < 2.0, (ratio, known_times, other)
