"""Request rate limits (issue 19.2; Mattermost's RateLimitSettings): the general limit
per user and per address with its X-Ratelimit-* headers, the stricter limits on logins
by address and by login id, the exemptions, and the proxy header trusted only when it
is configured. One node here; across nodes and with Redis down: tests/cluster/test_rate_limit_nodes.py."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from tests.support.client import PASSWORD, Api, LoggedIn, expect
from tests.support.databases import database
from tests.support.server import running_server
from tests.support.ws import WsClient

RATE_LIMITED = "api.context.rate_limit.app_error"
INVALID = "api.user.login.invalid_credentials_email_username"
BURST = 100  # the defaults: Mattermost's PerSec 10, MaxBurst 100
PER_SEC = 10
LOGIN_BURST = 20
LOGIN_ID_BURST = 5  # below the lockout's 10, to tell the two apart
ON = {"ROOST_RATE_LIMIT_ENABLE": "true", "ROOST_RATE_LIMIT_LOGIN_ID_BURST": str(LOGIN_ID_BURST)}


@pytest.fixture(scope="module")
def limited(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A server with the default limits, behind a "proxy" whose headers it trusts, so
    each test can be a client of its own address."""
    data_dir: Path = tmp_path_factory.mktemp("roost-ratelimit")
    env = {**ON, "ROOST_TRUSTED_PROXY_IP_HEADER": "X-Forwarded-For,X-Real-IP"}
    with database("sqlite", data_dir) as url, running_server(url, data_dir, env) as base:
        yield base


@pytest.fixture(scope="module")
def untrusting(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The same limits, no proxy header configured: the socket's address counts."""
    data_dir: Path = tmp_path_factory.mktemp("roost-ratelimit-direct")
    with database("sqlite", data_dir) as url, running_server(url, data_dir, ON) as base:
        yield base


def _address() -> str:
    n = uuid.uuid4().int
    return f"10.{n % 250}.{(n >> 8) % 250}.{(n >> 16) % 250 + 1}"


def _client(base: str, address: str, token: str = "") -> httpx.Client:
    headers = {"X-Real-IP": address}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return httpx.Client(base_url=base + "/api/v4", headers=headers, timeout=15.0)


def _user(base: str, address: str) -> LoggedIn:
    """A user signed up and logged in from ``address`` (its own buckets)."""
    name = f"rl{uuid.uuid4().hex[:10]}"
    with _client(base, address) as c:
        body = {"username": name, "email": f"{name}@example.com", "password": PASSWORD}
        raw = expect(c.post("/users", json=body), 201)
        login = c.post("/users/login", json={"login_id": name, "password": PASSWORD})
        expect(login, 200)
    token = login.headers["Token"]
    return LoggedIn(raw["id"], name, f"{name}@example.com", token, Api(base, token), raw)


def _assert_refusal(response: httpx.Response) -> None:
    body = expect(response, 429)
    assert body["id"] == RATE_LIMITED and body["status_code"] == 429, body
    assert body["request_id"]
    assert int(response.headers["Retry-After"]) >= 1
    assert response.headers["X-Ratelimit-Remaining"] == "0"
    assert "X-Ratelimit-Limit" in response.headers and "X-Ratelimit-Reset" in response.headers


def test_failed_logins_from_one_client_are_throttled(limited: str) -> None:
    """The issue's reproduction: 150 failed logins from one client."""
    address = _address()
    answers: list[httpx.Response] = []
    started = time.monotonic()
    with _client(limited, address) as c:
        for i in range(150):
            body = {"login_id": f"nobody{i}", "password": "wrong-password"}
            answers.append(c.post("/users/login", json=body))
    elapsed = time.monotonic() - started
    statuses = [r.status_code for r in answers]
    # The login bucket (30 a minute, 20 at once): the first 20 are checked, and about
    # one more every two seconds the loop takes.
    allowed = statuses.count(401)
    assert LOGIN_BURST <= allowed <= LOGIN_BURST + 1 + elapsed / 2, (allowed, elapsed)
    assert statuses[:LOGIN_BURST] == [401] * LOGIN_BURST
    assert statuses.count(429) == 150 - allowed
    for response in answers:
        if response.status_code == 429:
            _assert_refusal(response)
    assert answers[0].headers["X-Ratelimit-Limit"] == str(LOGIN_BURST)
    # Another client (address) logs in as usual meanwhile.
    other = _user(limited, _address())
    with _client(limited, _address()) as c:
        expect(c.post("/users/login", json={"login_id": other.username, "password": PASSWORD}), 200)


def test_one_login_id_is_throttled_from_any_address(limited: str) -> None:
    """Guesses at one account spread over many addresses hit the login-id bucket."""
    victim = _user(limited, _address())
    statuses = []
    for _ in range(LOGIN_ID_BURST + 3):
        with _client(limited, _address()) as c:
            body = {"login_id": victim.username, "password": "wrong-password"}
            response = c.post("/users/login", json=body)
        statuses.append(response.status_code)
        if response.status_code == 429:
            _assert_refusal_body(response)
    # The victim's own login spent one of the burst.
    assert statuses[: LOGIN_ID_BURST - 1] == [401] * (LOGIN_ID_BURST - 1)
    assert statuses[LOGIN_ID_BURST - 1 :] == [429] * 4


def _assert_refusal_body(response: httpx.Response) -> None:
    body = expect(response, 429)
    assert body["id"] == RATE_LIMITED, body
    assert int(response.headers["Retry-After"]) >= 1


def test_requests_from_one_user_are_throttled_with_headers(limited: str) -> None:
    """The issue's reproduction: 400 requests from one user."""
    address = _address()
    user = _user(limited, address)
    answers: list[httpx.Response] = []
    started = time.monotonic()
    with _client(limited, address, user.token) as c:
        answers = [c.get("/users/me") for _ in range(400)]
    elapsed = time.monotonic() - started
    ok = [r for r in answers if r.status_code == 200]
    refused = [r for r in answers if r.status_code == 429]
    assert len(ok) + len(refused) == 400
    # 100 at once, then 10 a second for as long as the loop took. (The first request
    # spends from the address's bucket: the node had not seen the session yet.)
    assert BURST <= len(ok) <= BURST + PER_SEC * elapsed + 2, (len(ok), elapsed)
    assert len(refused) >= 400 - BURST - PER_SEC * elapsed - 2
    second = ok[1].headers
    assert second["X-Ratelimit-Limit"] == str(BURST)
    assert second["X-Ratelimit-Remaining"] == str(BURST - 1)
    assert int(second["X-Ratelimit-Reset"]) >= 0
    remaining = [int(r.headers["X-Ratelimit-Remaining"]) for r in ok[1:50]]
    assert remaining == sorted(remaining, reverse=True) and remaining[0] > remaining[-1]
    for response in refused:
        _assert_refusal(response)
    # Another user from the same address has a bucket of their own (keyed by token).
    other = _user(limited, _address())
    with _client(limited, address, other.token) as c:
        expect(c.get("/users/me"), 200)
    # The refusal lasts only as long as Retry-After says.
    time.sleep(int(refused[-1].headers["Retry-After"]) + 0.2)
    expect(user.api.http.get("/users/me", headers={"X-Real-IP": address}), 200)


def test_made_up_tokens_share_their_address_bucket(limited: str) -> None:
    """A new made-up token per request does not buy a new burst each time."""
    address = _address()
    statuses = []
    started = time.monotonic()
    with _client(limited, address) as c:
        for _ in range(BURST + 60):
            headers = {"Authorization": f"Bearer {uuid.uuid4().hex}"}
            statuses.append(c.get("/users/me", headers=headers).status_code)
    elapsed = time.monotonic() - started
    assert statuses[:BURST] == [401] * BURST
    # Beyond the burst only the refill (10 a second) gets through.
    assert statuses.count(401) <= BURST + PER_SEC * elapsed + 1, (statuses, elapsed)
    assert 429 in statuses


def test_ping_and_websockets_are_not_throttled(limited: str) -> None:
    address = _address()
    user = _user(limited, address)
    with _client(limited, address, user.token) as c:
        statuses = [c.get("/users/me").status_code for _ in range(BURST + 20)]
        assert 429 in statuses
        # Health checks from the same client (a load balancer) are always answered...
        for _ in range(BURST + 20):
            response = c.get("/system/ping")
            assert response.status_code == 200
            assert "X-Ratelimit-Limit" not in response.headers
    # ... and the throttled user's socket still opens.
    with WsClient(limited, user.token) as ws:
        ws.wait_for("hello")


def _failed_logins(base: str, headers: Callable[[], dict[str, str]], count: int) -> list[int]:
    """``count`` failed logins, each on a new connection with ``headers()``; checks that
    after the first LOGIN_BURST the rest were refused, but for the bucket's refill."""
    statuses = []
    started = time.monotonic()
    for i in range(count):
        with httpx.Client(base_url=base + "/api/v4", headers=headers(), timeout=15.0) as c:
            body = {"login_id": f"nobody{i}", "password": "wrong-password"}
            statuses.append(c.post("/users/login", json=body).status_code)
    refill = (time.monotonic() - started) / 2  # 30 a minute
    assert statuses[:LOGIN_BURST] == [401] * LOGIN_BURST
    assert statuses.count(429) >= count - LOGIN_BURST - 1 - refill, statuses
    return statuses


def test_proxy_header_is_trusted_only_when_configured(limited: str, untrusting: str) -> None:
    # Configured: X-Forwarded-For's last entry (the one the proxy appended) is the
    # client; what the client put before it changes nothing.
    real = _address()
    _failed_logins(limited, lambda: {"X-Forwarded-For": f"{_address()}, {real}"}, 30)
    # Not configured: a client naming itself a new address each time is still 127.0.0.1.
    spoofed = _failed_logins(
        untrusting, lambda: {"X-Forwarded-For": _address(), "X-Real-IP": _address()}, 30
    )
    assert 429 in spoofed


def test_password_reset_routes_are_limited_by_address(limited: str) -> None:
    """Whether or not the server has the route (Roost sends no mail yet: 404), the
    per-address login bucket counts it, so it cannot be used to probe addresses fast."""
    address = _address()
    with _client(limited, address) as c:
        statuses = [
            c.post("/users/password/reset/send", json={"email": "a@example.com"}).status_code
            for _ in range(LOGIN_BURST + 3)
        ]
    assert 429 not in statuses[:LOGIN_BURST]
    assert statuses[LOGIN_BURST:] == [429] * 3
