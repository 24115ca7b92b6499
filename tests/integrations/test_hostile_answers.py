"""An integration's answer is checked as a client's body would be: a NUL in the text
or props a slash command or a button's integration answers with is a 400 in
Mattermost's format, never a 500 (PostgreSQL stores no NUL in text)."""

from __future__ import annotations

from typing import Any

import httpx

from tests.integrations.conftest import HookServer, incoming_hook, path
from tests.integrations.receiver import Receiver
from tests.integrations.test_commands import command
from tests.support.client import expect
from tests.support.posting import Room

BODY_ERROR = "api.context.invalid_body_param.app_error"


def nested(depth: int) -> Any:
    value: Any = "leaf"
    for _ in range(depth):
        value = [value]
    return value


def test_a_commands_answer_with_nul_is_a_400(room: Room, receiver: Receiver) -> None:
    for answer in (
        {"response_type": "in_channel", "text": "sunny\u0000"},
        {"response_type": "in_channel", "text": "ok", "props": {"k": "v\u0000"}},
        {"response_type": "in_channel", "text": "ok", "props": {"deep": nested(200)}},
    ):
        where = path()
        receiver.answer_json(where, answer)
        cmd = command(room.owner, room.team_id, receiver.url(where))
        body = {"channel_id": room.channel_id, "command": f"/{cmd['trigger']}"}
        r = room.alice.api.post("/commands/execute", body)
        assert r.status_code == 400, (answer, r.text)
        assert r.json()["id"] == BODY_ERROR


def test_a_buttons_update_with_nul_is_a_400(
    hooks: HookServer, room: Room, receiver: Receiver
) -> None:
    where = path()
    receiver.answer_json(where, {"update": {"message": "changed\u0000"}})
    hook = incoming_hook(room.owner, room.channel_id)
    button = {"text": "t", "actions": [{"name": "Go", "integration": {"url": receiver.url(where)}}]}
    sent = httpx.post(
        f"{hooks.base}/hooks/{hook['id']}", json={"text": "", "attachments": [button]}
    )
    assert sent.status_code == 200, sent.text
    listed = expect(
        room.alice.api.get(f"/channels/{room.channel_id}/posts", params={"per_page": 1}), 200
    )
    post = listed["posts"][listed["order"][0]]
    action_id = post["props"]["attachments"][0]["actions"][0]["id"]
    r = room.alice.api.post(f"/posts/{post['id']}/actions/{action_id}", {})
    assert r.status_code == 400, r.text
    assert r.json()["id"] == BODY_ERROR
    unchanged = expect(room.alice.api.get(f"/posts/{post['id']}"), 200)
    assert unchanged["message"] == post["message"]
