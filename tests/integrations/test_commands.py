"""Custom slash commands: managing them, running them (POST and GET), their answers
in the channel or only to the caller, delayed answers through response_url, and
autocomplete."""

from __future__ import annotations

from typing import Any

import httpx

from tests.integrations.conftest import HookServer, path
from tests.integrations.receiver import Answer, Receiver
from tests.integrations.test_outgoing_webhooks import wait_for_post
from tests.support.client import LoggedIn, expect
from tests.support.posting import Room, page
from tests.support.ws import WsClient


def command(owner: LoggedIn, team_id: str, url: str, **fields: Any) -> dict[str, Any]:
    body = {"team_id": team_id, "trigger": f"c{path()[1:12]}", "url": url, "method": "P", **fields}
    created: dict[str, Any] = expect(owner.api.post("/commands", body), 201)
    return created


def run(user: LoggedIn, channel_id: str, text: str, **fields: Any) -> Any:
    body = {"channel_id": channel_id, "command": text, **fields}
    return expect(user.api.post("/commands/execute", body), 200)


def test_manage_commands(room: Room, receiver: Receiver) -> None:
    url = receiver.url(path())
    cmd = command(
        room.owner,
        room.team_id,
        url,
        trigger="Weather",
        auto_complete=True,
        auto_complete_desc="The weather",
        auto_complete_hint="[city]",
        username="weatherbot",
    )
    assert cmd["trigger"] == "weather" and cmd["token"] and cmd["creator_id"] == room.owner.id
    assert cmd["method"] == "P" and cmd["auto_complete"]
    expect(room.owner.api.get(f"/commands/{cmd['id']}"), 200)

    api = room.owner.api
    base = {"team_id": room.team_id, "url": url}
    dup = api.post("/commands", {**base, "trigger": "weather"})
    assert dup.status_code == 400 and dup.json()["id"] == "api.command.duplicate_trigger.app_error"
    assert api.post("/commands", {**base, "trigger": "join"}).status_code == 400  # a built-in
    assert api.post("/commands", {**base, "trigger": "/slash"}).status_code == 400
    assert api.post("/commands", {**base, "trigger": "two words"}).status_code == 400
    assert api.post("/commands", {**base, "trigger": "x", "method": "D"}).status_code == 400
    assert api.post("/commands", {**base, "trigger": "x", "url": "file:///etc"}).status_code == 400
    assert room.alice.api.post("/commands", {**base, "trigger": "mine"}).status_code == 403

    custom = expect(
        api.get("/commands", params={"team_id": room.team_id, "custom_only": "true"}), 200
    )
    assert [c["id"] for c in custom] == [cmd["id"]] and custom[0]["token"] == cmd["token"]
    expect(
        room.alice.api.get("/commands", params={"team_id": room.team_id, "custom_only": "true"}),
        403,
    )
    everything = expect(room.alice.api.get("/commands", params={"team_id": room.team_id}), 200)
    triggers = {c["trigger"] for c in everything}
    assert {"weather", "join", "me", "shrug", "msg", "away"} <= triggers
    assert all(c["token"] == "" for c in everything)
    expect(room.outsider.api.get("/commands", params={"team_id": room.team_id}), 200)

    auto = expect(room.alice.api.get(f"/teams/{room.team_id}/commands/autocomplete"), 200)
    weather = next(c for c in auto if c["trigger"] == "weather")
    assert weather["auto_complete_hint"] == "[city]" and weather["token"] == ""
    hints = expect(
        room.alice.api.get(
            f"/teams/{room.team_id}/commands/autocomplete_suggestions",
            params={"user_input": "/wea"},
        ),
        200,
    )
    assert hints == [
        {
            "Complete": "weather",
            "Suggestion": "weather",
            "Hint": "[city]",
            "Description": "The weather",
            "IconData": "",
        }
    ]

    token = expect(api.put(f"/commands/{cmd['id']}/regen_token"), 200)["token"]
    assert token and token != cmd["token"]
    moved = expect(
        api.put(f"/commands/{cmd['id']}", {**cmd, "trigger": "forecast", "method": "G"}), 200
    )
    assert moved["trigger"] == "forecast" and moved["method"] == "G"
    expect(api.delete(f"/commands/{cmd['id']}"), 200)
    expect(api.get(f"/commands/{cmd['id']}"), 404)
    gone = room.alice.api.post(
        "/commands/execute", {"channel_id": room.channel_id, "command": "/forecast"}
    )
    assert gone.status_code == 404
    assert gone.json()["id"] == "api.command.execute_command.not_found.app_error"


def test_post_command_in_channel_answer(room: Room, receiver: Receiver) -> None:
    where = path()
    receiver.answer_json(
        where, {"response_type": "in_channel", "text": "Sunny in <https://w.example|Oslo>"}
    )
    cmd = command(room.owner, room.team_id, receiver.url(where), username="weatherbot")
    answer = run(room.alice, room.channel_id, f"/{cmd['trigger']}  oslo tomorrow ")
    assert answer["response_type"] == "in_channel"
    got = receiver.wait(where)
    assert got.method == "POST" and got.headers["Authorization"] == f"Token {cmd['token']}"
    form = got.form()
    assert form["token"] == cmd["token"] and form["text"] == "oslo tomorrow"
    assert form["command"] == f"/{cmd['trigger']}" and form["user_id"] == room.alice.id
    assert form["user_name"] == room.alice.username and form["channel_id"] == room.channel_id
    assert form["team_id"] == room.team_id and form["response_url"].startswith("http://127.0.0.1:")
    shown = wait_for_post(room.bob, room.channel_id, "Sunny in [Oslo](https://w.example)")
    assert shown["user_id"] == room.alice.id and shown["props"]["from_webhook"] == "true"
    assert shown["props"]["override_username"] == "weatherbot"


def test_get_command_ephemeral_answer(hooks: HookServer, room: Room, receiver: Receiver) -> None:
    where = path()
    receiver.answer(where, Answer(200, b"only you see this", "text/plain"))
    cmd = command(room.owner, room.team_id, receiver.url(where) + "?fixed=1", method="G")
    before = page(room.alice, room.channel_id)["order"]
    with WsClient(hooks.base, room.alice.token) as ws:
        ws.wait_for("hello")
        answer = run(room.alice, room.channel_id, f"/{cmd['trigger']} secret")
        event = ws.wait_for("ephemeral_message")
    # With the trigger id the integration got, as Mattermost's (for a dialog it may open).
    got = receiver.wait(where)
    assert answer == {
        "response_type": "ephemeral",
        "text": "only you see this",
        "trigger_id": got.query["trigger_id"][0],
    }
    assert got.method == "GET" and got.query["fixed"] == ["1"] and got.query["text"] == ["secret"]
    assert '"only you see this"' in event["data"]["post"]
    assert page(room.alice, room.channel_id)["order"] == before


def test_response_url_delayed_answers(hooks: HookServer, room: Room, receiver: Receiver) -> None:
    where = path()
    receiver.answer(where, Answer(200, b""))
    cmd = command(room.owner, room.team_id, receiver.url(where))
    run(room.alice, room.channel_id, f"/{cmd['trigger']} slow job")
    response_url = receiver.wait(where).form()["response_url"]
    assert response_url.startswith(hooks.base + "/hooks/commands/")
    for i in range(5):
        r = httpx.post(response_url, json={"response_type": "in_channel", "text": f"step {i}"})
        assert r.status_code == 200, r.text
    wait_for_post(room.bob, room.channel_id, "step 4")
    used_up = httpx.post(response_url, json={"response_type": "in_channel", "text": "sixth"})
    assert used_up.status_code == 404
    bad = httpx.post(response_url.rsplit("/", 1)[0] + "/" + "x" * 26, json={"text": "x"})
    assert bad.status_code == 404


def test_failing_command(room: Room, receiver: Receiver, user_on: Any) -> None:
    where = path()
    receiver.answer(where, Answer(500, b"boom"))
    cmd = command(room.owner, room.team_id, receiver.url(where))
    r = room.alice.api.post(
        "/commands/execute", {"channel_id": room.channel_id, "command": f"/{cmd['trigger']}"}
    )
    assert r.status_code == 500 and "answered 500" in r.json()["detailed_error"]
    stranger = user_on()  # not in the team: the channel is not theirs to use
    r = stranger.api.post(
        "/commands/execute", {"channel_id": room.channel_id, "command": "/echo hi"}
    )
    assert r.status_code == 403
    private = expect(
        room.owner.api.post(
            "/channels",
            {"team_id": room.team_id, "name": f"p{where[1:12]}", "display_name": "p", "type": "P"},
        ),
        201,
    )
    r = room.alice.api.post(
        "/commands/execute", {"channel_id": private["id"], "command": "/echo hi"}
    )
    assert r.status_code == 403
    assert (
        room.alice.api.post(
            "/commands/execute", {"channel_id": room.channel_id, "command": "no slash"}
        ).status_code
        == 400
    )
