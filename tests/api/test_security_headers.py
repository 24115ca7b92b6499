"""Security headers on every answer (issue 19.8), as Mattermost's handlers set them:
``X-Content-Type-Options: nosniff``, ``Referrer-Policy: no-referrer`` and an empty
``Permissions-Policy`` on API answers, errors and refusals, file downloads and the web
page; the page may be framed by its own site only."""

from __future__ import annotations

import socket
from collections.abc import Callable

import httpx

from tests.support.client import LoggedIn
from tests.support.files import upload_one
from tests.support.posting import make_room


def assert_secured(response: httpx.Response) -> None:
    assert response.headers["x-content-type-options"] == "nosniff", response.headers
    assert response.headers["referrer-policy"] == "no-referrer", response.headers
    assert response.headers["permissions-policy"] == "", response.headers


def test_api_answers_and_errors(server: str, admin: LoggedIn) -> None:
    assert_secured(expect_status(admin.api.get("/users/me"), 200))
    assert_secured(expect_status(httpx.get(f"{server}/api/v4/users/me"), 401))
    assert_secured(expect_status(httpx.get(f"{server}/api/v4/no-such-route"), 404))
    assert_secured(expect_status(httpx.post(f"{server}/api/v4/users/login", content=b"{"), 400))
    # Refused by the middleware before any route: a body over the limit.
    head = refused_by_declared_length(server)
    assert head.startswith("HTTP/1.1 413")
    assert "x-content-type-options: nosniff" in head and "referrer-policy: no-referrer" in head
    assert_secured(expect_status(httpx.get(f"{server}/api/v4/system/ping"), 200))


def test_a_file_download(make_user: Callable[..., LoggedIn]) -> None:
    room = make_room(make_user)
    info = upload_one(room.alice, room.channel_id, "page.html", b"<script>1</script>")
    got = expect_status(room.alice.api.get(f"/files/{info['id']}"), 200)
    assert_secured(got)
    # A download keeps its own, stricter framing rule and is never HTML.
    assert got.headers["x-frame-options"] == "DENY"
    assert got.headers["content-type"].startswith("text/plain")


def test_the_web_page(server: str) -> None:
    page = expect_status(httpx.get(f"{server}/login"), 200)
    assert_secured(page)
    assert page.headers["x-frame-options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in page.headers["content-security-policy"]


def refused_by_declared_length(server: str) -> str:
    """The answer's head to a request declaring a body over the limit (no body sent)."""
    host, port = server.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(
            b"POST /api/v4/users/login HTTP/1.1\r\nHost: x\r\n"
            b"Content-Type: application/json\r\nContent-Length: 1000000000\r\n\r\n"
        )
        answer = b""
        while b"\r\n\r\n" not in answer:
            chunk = sock.recv(4096)
            if not chunk:
                break
            answer += chunk
    return answer.split(b"\r\n\r\n", 1)[0].decode("latin-1").lower().replace("http/1.1", "HTTP/1.1")


def expect_status(response: httpx.Response, status: int) -> httpx.Response:
    assert response.status_code == status, response.text
    return response
