"""Outbound calls are safe: only allowed addresses (checked as names resolve), no
redirects, timeouts, a response size limit, and no secrets in what admins or logs see.

The integrations server allows only the host name ``localhost``: the same receiver
reached as 127.0.0.1, or through another name resolving to it, is refused."""

from __future__ import annotations

import time
from typing import Any

from tests.integrations.conftest import HookServer, path
from tests.integrations.receiver import Answer, Receiver
from tests.support.client import LoggedIn, expect
from tests.support.posting import Room, post

BLOCKED_HOSTS = ["127.0.0.1", "vm", "[::1]", "169.254.169.254", "10.0.0.1", "192.168.1.1"]


def command(owner: LoggedIn, team_id: str, url: str, **fields: Any) -> dict[str, Any]:
    body = {"team_id": team_id, "trigger": f"t{path()[1:12]}", "url": url, "method": "P", **fields}
    created: dict[str, Any] = expect(owner.api.post("/commands", body), 201)
    return created


def run(user: LoggedIn, channel_id: str, text: str) -> Any:
    return user.api.post("/commands/execute", {"channel_id": channel_id, "command": text})


def test_internal_addresses_are_refused(room: Room, receiver: Receiver) -> None:
    for host in BLOCKED_HOSTS:
        where = path()
        cmd = command(room.owner, room.team_id, receiver.url(where, host))
        r = room.alice.api.post(
            "/commands/execute", {"channel_id": room.channel_id, "command": f"/{cmd['trigger']} hi"}
        )
        assert r.status_code == 500, (host, r.text)
        assert r.json()["id"] == "api.command.execute_command.failed.app_error"
        assert "blocked" in r.json()["detailed_error"], host
        assert cmd["token"] not in r.text
        receiver.nothing(where, within=0.1)
    # The allowed name reaches the same receiver.
    where = path()
    cmd = command(room.owner, room.team_id, receiver.url(where, "localhost"))
    expect(run(room.alice, room.channel_id, f"/{cmd['trigger']}"), 200)
    receiver.wait(where)


def test_blocked_deliveries_fail_at_once(hooks: HookServer, room: Room, receiver: Receiver) -> None:
    where = path()
    hook = expect(
        room.owner.api.post(
            "/hooks/outgoing",
            {
                "team_id": room.team_id,
                "trigger_words": ["metadata"],
                "callback_urls": [receiver.url(where, "vm"), "http://169.254.169.254/latest"],
            },
        ),
        201,
    )
    post(room.alice, room.channel_id, "metadata please")
    deadline = time.monotonic() + 10
    mine: list[dict[str, Any]] = []
    while time.monotonic() < deadline and len(mine) < 2:
        listed = expect(hooks.admin.api.get("/outbound_deliveries", params={"per_page": 200}), 200)
        mine = [d for d in listed if d["source_id"] == hook["id"]]
        time.sleep(0.1)
    assert len(mine) == 2
    assert all(d["attempts"] == 1 and "blocked" in d["last_error"] for d in mine)
    receiver.nothing(where, within=0.2)


def test_redirects_are_not_followed(room: Room, receiver: Receiver) -> None:
    where, target = path(), path()
    receiver.answer(where, Answer(302, headers={"Location": receiver.url(target)}))
    cmd = command(room.owner, room.team_id, receiver.url(where))
    r = run(room.alice, room.channel_id, f"/{cmd['trigger']}")
    assert r.status_code == 500 and "redirects are not followed" in r.json()["detailed_error"]
    receiver.wait(where)
    receiver.nothing(target, within=0.3)


def test_response_size_limit(room: Room, receiver: Receiver) -> None:
    # ROOST_OUTBOUND_MAX_RESPONSE_BYTES is 4096 on this server.
    where = path()
    receiver.answer(where, Answer(200, b'{"text": "' + b"x" * 5000 + b'"}'))
    cmd = command(room.owner, room.team_id, receiver.url(where))
    r = run(room.alice, room.channel_id, f"/{cmd['trigger']}")
    assert r.status_code == 500 and "larger than 4096 bytes" in r.json()["detailed_error"]
    receiver.answer(where, Answer(200, b'{"text": "' + b"x" * 3000 + b'"}'))
    expect(run(room.alice, room.channel_id, f"/{cmd['trigger']}"), 200)


def test_timeout(room: Room, receiver: Receiver) -> None:
    # ROOST_OUTBOUND_TIMEOUT_SECONDS is 2 on this server.
    where = path()
    receiver.answer(where, Answer(200, b"{}", delay=3.0))
    cmd = command(room.owner, room.team_id, receiver.url(where))
    started = time.monotonic()
    r = run(room.alice, room.channel_id, f"/{cmd['trigger']}")
    assert r.status_code == 500 and "no answer in time" in r.json()["detailed_error"]
    assert time.monotonic() - started < 3.0
