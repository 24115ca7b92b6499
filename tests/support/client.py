"""A thin HTTP client for the tests, plus helpers to make users, teams and channels."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

from tests.support import secrets

API = "/api/v4"
PASSWORD = "Sup3r-secret!"


def unique(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:10]}"


# Every client stays referenced until the session closes them all, so none is
# garbage-collected with an open socket (a ResourceWarning, an error here).
_OPEN: list[Api] = []


def close_all() -> None:
    while _OPEN:
        _OPEN.pop().close()


class Api:
    """Calls ``/api/v4`` with an optional bearer token; returns raw responses."""

    def __init__(self, base: str, token: str = "", host: str = "") -> None:
        self.base = base
        self.token = token
        self.host = host
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        if host:
            headers["Host"] = host  # which tenant a multi-tenant server serves
        # The secrets the tests send and receive, for the run's check of the server logs.
        hooks: dict[str, list[Callable[..., Any]]] = {
            "request": [secrets.on_request],
            "response": [secrets.on_response],
        }
        self.http = httpx.Client(
            base_url=base + API, headers=headers, timeout=15.0, event_hooks=hooks
        )
        _OPEN.append(self)

    def get(self, path: str, **kw: Any) -> httpx.Response:
        return self.http.get(path, **kw)

    def post(self, path: str, json: Any = None, **kw: Any) -> httpx.Response:
        return self.http.post(path, json=json, **kw)

    def put(self, path: str, json: Any = None, **kw: Any) -> httpx.Response:
        return self.http.put(path, json=json, **kw)

    def delete(self, path: str, **kw: Any) -> httpx.Response:
        return self.http.delete(path, **kw)

    def close(self) -> None:
        self.http.close()


@dataclass
class LoggedIn:
    id: str
    username: str
    email: str
    token: str
    api: Api
    raw: dict[str, Any]


def expect(response: httpx.Response, status: int) -> Any:
    assert response.status_code == status, f"{response.status_code}: {response.text}"
    if response.headers.get("content-type") == "application/json":
        return response.json()
    return response.content


def create_user(base: str, admin: Api | None = None, host: str = "", **fields: Any) -> LoggedIn:
    """Sign a user up and log them in (on the tenant ``host`` names, if given)."""
    username = fields.pop("username", unique("user"))
    email = fields.pop("email", f"{username}@example.com")
    body = {"username": username, "email": email, "password": PASSWORD, **fields}
    api = admin or Api(base, host=host)
    raw = expect(api.post("/users", body), 201)
    login = Api(base, host=host).post("/users/login", {"login_id": username, "password": PASSWORD})
    expect(login, 200)
    token = login.headers["Token"]
    return LoggedIn(raw["id"], username, email, token, Api(base, token, host), raw)
