"""Interactive messages: buttons and menus in attachments call the integration through
/posts/{id}/actions/{action_id}, which may update the post and answer the clicker."""

from __future__ import annotations

from typing import Any

import httpx

from tests.integrations.conftest import HookServer, incoming_hook, path
from tests.integrations.receiver import Answer, Receiver
from tests.support.client import LoggedIn, expect
from tests.support.posting import Room, page, post
from tests.support.ws import WsClient


def newest(user: LoggedIn, channel_id: str) -> dict[str, Any]:
    listed = page(user, channel_id, per_page=1)
    found: dict[str, Any] = listed["posts"][listed["order"][0]]
    return found


def interactive_post(hooks: HookServer, room: Room, url: str) -> dict[str, Any]:
    hook = incoming_hook(room.owner, room.channel_id)
    attachment = {
        "text": "Deploy v2?",
        "actions": [
            {
                "name": "Approve",
                "type": "button",
                "integration": {"url": url, "context": {"deploy": "v2", "choice": "yes"}},
            },
            {
                "name": "Pick env",
                "type": "select",
                "options": [
                    {"text": "Staging", "value": "staging"},
                    {"text": "Prod", "value": "prod"},
                ],
                "integration": {"url": url, "context": {"deploy": "v2"}},
            },
        ],
    }
    r = httpx.post(
        f"{hooks.base}/hooks/{hook['id']}", json={"text": "", "attachments": [attachment]}
    )
    assert r.status_code == 200, r.text
    return newest(room.alice, room.channel_id)


def action_ids(posted: dict[str, Any]) -> list[str]:
    return [a["id"] for a in posted["props"]["attachments"][0]["actions"]]


def test_button_updates_the_post(hooks: HookServer, room: Room, receiver: Receiver) -> None:
    where = path()
    receiver.answer_json(
        where,
        {
            "update": {
                "message": "Approved by a human",
                "props": {"attachments": [{"text": "Done"}]},
            },
            "ephemeral_text": "Thanks!",
        },
    )
    posted = interactive_post(hooks, room, receiver.url(where))
    button, menu = action_ids(posted)
    assert button and menu and button != menu
    with WsClient(hooks.base, room.alice.token) as ws:
        ws.wait_for("hello")
        result = expect(room.alice.api.post(f"/posts/{posted['id']}/actions/{button}", {}), 200)
        edited = ws.wait_for("post_edited")
        ephemeral = ws.wait_for("ephemeral_message")
    assert result["status"] == "OK" and result["trigger_id"]
    call = receiver.wait(where).json()
    assert call["user_id"] == room.alice.id and call["user_name"] == room.alice.username
    assert call["post_id"] == posted["id"] and call["channel_id"] == room.channel_id
    assert call["team_id"] == room.team_id and call["type"] == "button"
    assert call["context"] == {"deploy": "v2", "choice": "yes"}
    assert "Approved by a human" in edited["data"]["post"]
    assert "Thanks!" in ephemeral["data"]["post"]

    after = expect(room.bob.api.get(f"/posts/{posted['id']}"), 200)
    assert after["message"] == "Approved by a human"
    assert after["props"]["attachments"] == [{"text": "Done"}]
    assert after["props"]["from_webhook"] == "true" and after["user_id"] == room.owner.id


def test_menu_sends_the_selected_option(hooks: HookServer, room: Room, receiver: Receiver) -> None:
    where = path()
    receiver.answer(where, Answer(200, b""))
    posted = interactive_post(hooks, room, receiver.url(where))
    _, menu = action_ids(posted)
    body = {"selected_option": "prod"}
    expect(room.bob.api.post(f"/posts/{posted['id']}/actions/{menu}", body), 200)
    call = receiver.wait(where).json()
    assert call["type"] == "select" and call["context"] == {
        "deploy": "v2",
        "selected_option": "prod",
    }
    # No update in the answer: the post is as it was.
    assert (
        expect(room.bob.api.get(f"/posts/{posted['id']}"), 200)["update_at"] == posted["update_at"]
    )


def test_action_ids_given_to_api_posts(room: Room, receiver: Receiver) -> None:
    props = {
        "attachments": [
            {"text": "x", "actions": [{"name": "Go", "integration": {"url": receiver.url(path())}}]}
        ]
    }
    made = post(room.alice, room.channel_id, "with a button", props=props)
    assert made["props"]["attachments"][0]["actions"][0]["id"]


def test_failures(hooks: HookServer, room: Room, receiver: Receiver, user_on: Any) -> None:
    where = path()
    receiver.answer(where, Answer(500, b"no"))
    posted = interactive_post(hooks, room, receiver.url(where))
    button, _ = action_ids(posted)
    r = room.alice.api.post(f"/posts/{posted['id']}/actions/{button}", {})
    assert (
        r.status_code == 400 and r.json()["id"] == "api.post.do_action.action_integration.app_error"
    )
    assert room.alice.api.post(f"/posts/{posted['id']}/actions/nosuchaction", {}).status_code == 404
    stranger = user_on()
    assert stranger.api.post(f"/posts/{posted['id']}/actions/{button}", {}).status_code == 403
    receiver.answer(where, Answer(200, b"not json"))
    assert room.alice.api.post(f"/posts/{posted['id']}/actions/{button}", {}).status_code == 400
    unchanged = expect(room.alice.api.get(f"/posts/{posted['id']}"), 200)
    assert unchanged["props"]["attachments"] == posted["props"]["attachments"]
