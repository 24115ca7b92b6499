"""Clients that leave and a database that cannot serve, seen from the server's log: a
client that disconnects while its request body is read is no error (no traceback), and
a WebSocket action the database cannot serve fails that action with a 503 in the reply,
keeping the socket open."""

from __future__ import annotations

import asyncio
import socket
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import pytest

from tests.support.client import Api, create_user, expect
from tests.support.databases import PG_ADMIN_URL, postgres_database
from tests.support.server import running_server
from tests.support.ws import WsClient


@dataclass
class Node:
    base: str
    database: str
    data_dir: Path

    def log_text(self) -> str:
        return "".join(p.read_text(errors="replace") for p in self.data_dir.glob("server-*.log"))


@pytest.fixture(scope="module")
def node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Node]:
    data_dir = tmp_path_factory.mktemp("roost-client-gone")
    with postgres_database() as url, running_server(url, data_dir) as base:
        create_user(base)  # the first account
        yield Node(base, url.rsplit("/", 1)[1], data_dir)


def _admin(sql: str) -> None:
    async def go() -> None:
        conn = await asyncpg.connect(PG_ADMIN_URL)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    asyncio.run(go())


def test_a_client_leaving_mid_body_is_not_an_error(node: Node) -> None:
    host, port = node.base.removeprefix("http://").split(":")
    for _ in range(3):
        with socket.create_connection((host, int(port)), timeout=5) as s:
            s.sendall(
                b"POST /api/v4/users/login HTTP/1.1\r\nHost: x\r\n"
                b"Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n"
                b'{"login_id": "some'
            )
            time.sleep(0.2)  # the server is now reading the body
    expect(Api(node.base).get("/system/ping"), 200)
    time.sleep(0.5)
    log = node.log_text()
    assert "Exception in ASGI application" not in log
    assert "ClientDisconnect" not in log


def test_a_socket_action_the_database_cannot_serve_fails_alone(node: Node) -> None:
    user = create_user(node.base)
    ws = WsClient(node.base, user.token)
    ws.wait_for("hello")
    _admin(f'ALTER DATABASE "{node.database}" CONNECTION LIMIT 0')
    _admin(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
        f"WHERE datname = '{node.database}' AND pid <> pg_backend_pid()"
    )
    try:
        stranger = uuid.uuid4().hex[:26]  # not cached: the statuses come from the database
        reply = ws.wait_reply(ws.send("get_statuses_by_ids", {"user_ids": [stranger]}), 20)
        assert reply["status"] == "FAIL"
        assert reply["error"]["id"] == "api.context.database_unavailable.app_error"
    finally:
        _admin(f'ALTER DATABASE "{node.database}" CONNECTION LIMIT -1')
    # The same socket answers once the database is back.
    deadline = time.monotonic() + 20
    while True:
        reply = ws.wait_reply(ws.send("get_statuses_by_ids", {"user_ids": [user.id]}), 20)
        if reply["status"] == "OK" or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert reply["status"] == "OK" and reply["data"][user.id]
    assert "Exception in ASGI application" not in node.log_text()
    ws.close()
