"""The built-in slash commands, run through /commands/execute."""

from __future__ import annotations

from typing import Any

from tests.integrations.conftest import HookServer
from tests.support.chat import make_channel
from tests.support.client import LoggedIn, expect
from tests.support.posting import Room, member, page
from tests.support.ws import WsClient


def run(user: LoggedIn, channel_id: str, text: str, **fields: Any) -> dict[str, Any]:
    body = {"channel_id": channel_id, "command": text, **fields}
    answer: dict[str, Any] = expect(user.api.post("/commands/execute", body), 200)
    return answer


def newest(user: LoggedIn, channel_id: str) -> dict[str, Any]:
    listed = page(user, channel_id, per_page=1)
    found: dict[str, Any] = listed["posts"][listed["order"][0]]
    return found


def test_message_commands(room: Room) -> None:
    run(room.alice, room.channel_id, "/me waves")
    me = newest(room.bob, room.channel_id)
    assert me["message"] == "*waves*" and me["type"] == "me" and me["user_id"] == room.alice.id
    run(room.alice, room.channel_id, "/shrug oh well")
    assert newest(room.bob, room.channel_id)["message"] == "oh well ¯\\\\\\_(ツ)\\_/¯"
    run(room.alice, room.channel_id, '/echo "said twice"')
    assert newest(room.bob, room.channel_id)["message"] == "said twice"
    root = newest(room.bob, room.channel_id)
    run(room.alice, room.channel_id, "/me replies in thread", root_id=root["id"])
    assert newest(room.bob, room.channel_id)["root_id"] == root["id"]
    empty = run(room.alice, room.channel_id, "/echo")
    assert "must be provided" in empty["text"]


def test_msg_opens_a_direct_message(room: Room) -> None:
    answer = run(room.alice, room.channel_id, f"/msg @{room.bob.username} hello there")
    assert answer["goto_location"].endswith(f"/messages/@{room.bob.username}")
    dm = expect(room.bob.api.post("/channels/direct", [room.bob.id, room.alice.id]), 201)
    assert newest(room.bob, dm["id"])["message"] == "hello there"
    missing = run(room.alice, room.channel_id, "/msg @nobody-here hi")
    assert "couldn't find" in missing["text"]


def test_status_commands(hooks: HookServer, room: Room) -> None:
    for status in ("away", "dnd", "offline", "online"):
        answer = run(room.alice, room.channel_id, f"/{status}")
        assert answer["response_type"] == "ephemeral" and answer["text"]
        got = expect(room.alice.api.get(f"/users/{room.alice.id}/status"), 200)
        assert got["status"] == status


def test_channel_commands(room: Room) -> None:
    run(room.owner, room.channel_id, "/header Build status: green")
    run(room.owner, room.channel_id, "/purpose Talk about builds")
    channel = expect(room.alice.api.get(f"/channels/{room.channel_id}"), 200)
    assert channel["header"] == "Build status: green" and channel["purpose"] == "Talk about builds"

    other = make_channel(room.owner, room.team_id)
    joined = run(room.alice, room.channel_id, f"/join ~{other['name']}")
    assert joined["goto_location"].endswith(f"/channels/{other['name']}")
    member(room.alice, other["id"], room.alice.id)
    run(room.alice, other["id"], "/leave")
    expect(room.alice.api.get(f"/channels/{other['id']}/members/{room.alice.id}"), 404)

    invited = run(room.owner, room.channel_id, f"/invite @{room.outsider.username}")
    assert "added" in invited["text"]
    member(room.owner, room.channel_id, room.outsider.id)
    kicked = run(room.owner, room.channel_id, f"/kick @{room.outsider.username}")
    assert "removed" in kicked["text"]
    expect(room.owner.api.get(f"/channels/{room.channel_id}/members/{room.outsider.id}"), 404)

    muted = run(room.bob, room.channel_id, "/mute")
    assert muted["text"] == "You muted the channel."
    assert (
        member(room.bob, room.channel_id, room.bob.id)["notify_props"]["mark_unread"] == "mention"
    )
    run(room.bob, room.channel_id, "/mute")
    assert member(room.bob, room.channel_id, room.bob.id)["notify_props"]["mark_unread"] == "all"


def test_search_command(hooks: HookServer, room: Room) -> None:
    run(room.alice, room.channel_id, "/echo the zanzibar report is ready")
    with WsClient(hooks.base, room.alice.token) as ws:
        ws.wait_for("hello")
        answer = run(room.alice, room.channel_id, "/search zanzibar")
        ws.wait_for("ephemeral_message")
    assert "the zanzibar report is ready" in answer["text"]
    nothing = run(room.alice, room.channel_id, "/search qwertyuiopasdf")
    assert nothing["text"].startswith("No results")


def test_unknown_and_forbidden(room: Room) -> None:
    r = room.alice.api.post(
        "/commands/execute", {"channel_id": room.channel_id, "command": "/nosuch"}
    )
    assert r.status_code == 404
    # Someone outside the channel may not remove its members: the channel rules apply.
    r = room.outsider.api.post(
        "/commands/execute",
        {"channel_id": room.channel_id, "command": f"/kick @{room.bob.username}"},
    )
    assert r.status_code == 403
