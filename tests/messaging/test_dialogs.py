"""Interactive dialogs (``/actions/dialogs/open`` and ``/submit``): a slash command's
trigger id opens a dialog on the user's sockets; the submission reaches the integration
through the outbound policy, and its errors come back for the form."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.integrations.receiver import Receiver, running_receiver
from tests.support.chat import channel_with, team_with
from tests.support.client import LoggedIn, expect
from tests.support.ws import listening

User = Callable[..., LoggedIn]
HOST = "127.0.0.1"  # allow-listed for integrations by the messaging servers


@pytest.fixture(scope="module")
def receiver() -> Iterator[Receiver]:
    with running_receiver() as r:
        yield r


def path() -> str:
    return f"/{uuid.uuid4().hex}"


def dialog(**fields: Any) -> dict[str, Any]:
    return {
        "callback_id": "cb1",
        "title": "File a bug",
        "introduction_text": "Tell us **what** broke",
        "state": "st1",
        "submit_label": "File",
        "notify_on_cancel": True,
        "elements": [
            {"display_name": "Title", "name": "title", "type": "text", "max_length": 100},
            {"display_name": "Details", "name": "details", "type": "textarea", "optional": True},
            {
                "display_name": "Severity",
                "name": "severity",
                "type": "select",
                "default": "low",
                "options": [{"text": "Low", "value": "low"}, {"text": "High", "value": "high"}],
            },
            {"display_name": "Assignee", "name": "who", "type": "select", "data_source": "users"},
            {"display_name": "Urgent", "name": "urgent", "type": "bool", "default": "false"},
            {
                "display_name": "Kind",
                "name": "kind",
                "type": "radio",
                "options": [{"text": "Bug", "value": "bug"}, {"text": "Idea", "value": "idea"}],
            },
        ],
        **fields,
    }


def trigger(owner: LoggedIn, user: LoggedIn, channel_id: str, receiver: Receiver) -> str:
    """Runs a slash command as ``user``; the trigger id the integration received."""
    where = path()
    body = {
        "team_id": "",
        "trigger": f"d{uuid.uuid4().hex[:10]}",
        "url": receiver.url(where, HOST),
        "method": "P",
    }
    channel = expect(owner.api.get(f"/channels/{channel_id}"), 200)
    body["team_id"] = channel["team_id"]
    cmd = expect(owner.api.post("/commands", body), 201)
    answer = expect(
        user.api.post(
            "/commands/execute", {"channel_id": channel_id, "command": f"/{cmd['trigger']}"}
        ),
        200,
    )
    sent = receiver.wait(where).form()
    assert sent["trigger_id"] == answer["trigger_id"]
    return sent["trigger_id"]


def test_open_and_submit(
    msg_server: str, user_on: User, msg_admin: LoggedIn, receiver: Receiver
) -> None:
    owner, user = user_on(), user_on()
    team = team_with(owner, user)
    channel = channel_with(owner, team["id"], user)
    submit_path = path()
    url = receiver.url(submit_path, HOST)
    with listening(msg_server, user, owner) as (wu, wo):
        trigger_id = trigger(owner, user, channel["id"], receiver)
        # The integration (here with an admin's token) opens the dialog for the user.
        body = {"trigger_id": trigger_id, "url": url, "dialog": dialog()}
        assert expect(msg_admin.api.post("/actions/dialogs/open", body), 200) == {"status": "OK"}
        event = wu.wait_for("open_dialog")
        shown = json.loads(event["data"]["dialog"])
        assert shown["trigger_id"] == trigger_id and shown["url"] == url
        assert shown["dialog"]["title"] == "File a bug"
        assert [e["name"] for e in shown["dialog"]["elements"]][:3] == [
            "title",
            "details",
            "severity",
        ]
        wo.assert_no_event("open_dialog")

    submission = {
        "url": url,
        "callback_id": "cb1",
        "state": "st1",
        "channel_id": channel["id"],
        "team_id": team["id"],
        "submission": {"title": "x", "severity": "high", "urgent": True, "kind": "bug"},
    }
    # The integration finds a field wrong: the errors come back for the form.
    receiver.answer_json(submit_path, {"errors": {"title": "Too short"}, "error": "Check the form"})
    answer = expect(user.api.post("/actions/dialogs/submit", submission), 200)
    assert answer == {"errors": {"title": "Too short"}, "error": "Check the form"}
    sent = receiver.wait(submit_path).json()
    assert sent["type"] == "dialog_submission" and sent["user_id"] == user.id
    assert sent["callback_id"] == "cb1" and sent["state"] == "st1"
    assert sent["submission"]["severity"] == "high" and sent["cancelled"] is False
    receiver.answer_json(submit_path, {})
    assert expect(user.api.post("/actions/dialogs/submit", submission), 200) == {}
    receiver.wait(submit_path)
    # A cancellation reaches the integration too (notify_on_cancel), with no answer shown.
    receiver.answer_json(submit_path, {"error": "ignored"})
    cancel = {**submission, "cancelled": True, "submission": {}}
    assert expect(user.api.post("/actions/dialogs/submit", cancel), 200) == {}
    assert receiver.wait(submit_path).json()["cancelled"] is True
    # Another user, or another URL, was never given this dialog: nothing is called.
    r = owner.api.post("/actions/dialogs/submit", submission)
    assert r.status_code == 403
    other = receiver.url(path(), HOST)
    r = user.api.post("/actions/dialogs/submit", {**submission, "url": other})
    assert r.status_code == 403
    receiver.nothing(submit_path)
    # The integration answering an error status is reported, not swallowed.
    receiver.answer_json(submit_path, {}, status=500)
    r = user.api.post("/actions/dialogs/submit", submission)
    assert r.status_code == 400 and "answered 500" in r.json()["detailed_error"]
    receiver.wait(submit_path)


def test_untrusted_opener_reaches_public_addresses_only(
    msg_server: str, user_on: User, receiver: Receiver
) -> None:
    owner, user = user_on(), user_on()
    team = team_with(owner, user)
    channel = channel_with(owner, team["id"], user)
    submit_path = path()
    url = receiver.url(submit_path, HOST)
    trigger_id = trigger(owner, user, channel["id"], receiver)
    # An ordinary user's token opens it: its URL may not be an allow-listed internal host.
    expect(
        user.api.post(
            "/actions/dialogs/open", {"trigger_id": trigger_id, "url": url, "dialog": dialog()}
        ),
        200,
    )
    submission = {"url": url, "channel_id": channel["id"], "team_id": team["id"], "submission": {}}
    r = user.api.post("/actions/dialogs/submit", submission)
    assert r.status_code in (400, 403), r.text
    receiver.nothing(submit_path)


def test_bad_dialogs_and_triggers(
    msg_server: str, user_on: User, msg_admin: LoggedIn, receiver: Receiver
) -> None:
    owner, user = user_on(), user_on()
    team = team_with(owner, user)
    channel = channel_with(owner, team["id"], user)
    url = receiver.url(path(), HOST)
    trigger_id = trigger(owner, user, channel["id"], receiver)
    text = {"display_name": "T", "name": "t", "type": "text"}
    bad: list[dict[str, Any]] = [
        dialog(title=""),
        dialog(title="t" * 25),
        dialog(icon_url="javascript:alert(1)"),
        dialog(elements=[{**text, "type": "date_picker"}]),
        dialog(elements=[{**text, "name": ""}]),
        dialog(elements=[{**text, "display_name": "d" * 25}]),
        dialog(elements=[{**text, "name": "n" * 301}]),
        dialog(elements=[{**text, "help_text": "h" * 151}]),
        dialog(elements=[{**text, "default": "d" * 151}]),
        dialog(elements=[{**text, "type": "textarea", "default": "d" * 3001}]),
        dialog(elements=[{**text, "subtype": "color"}]),
        dialog(elements=[{**text, "min_length": 5, "max_length": 2}]),
        dialog(elements=[{**text, "min_length": -1}]),
        dialog(elements=[{**text, "multiselect": True}]),
        dialog(elements=[{**text, "type": "bool", "default": "maybe"}]),
        dialog(elements=[{**text, "type": "select", "data_source": "teams"}]),
        dialog(
            elements=[
                {**text, "type": "select", "default": "x", "options": [{"text": "A", "value": "a"}]}
            ]
        ),
        dialog(elements=[{**text, "type": "radio", "options": [{"text": "", "value": "a"}]}]),
        dialog(elements=[text, text]),
        dialog(elements=[{**text, "name": f"e{i}"} for i in range(101)]),
        dialog(
            elements=[
                {
                    **text,
                    "type": "radio",
                    "options": [{"text": f"o{i}", "value": f"v{i}"} for i in range(501)],
                }
            ]
        ),
        dialog(elements="nope"),
    ]
    for d in bad:
        r = msg_admin.api.post(
            "/actions/dialogs/open", {"trigger_id": trigger_id, "url": url, "dialog": d}
        )
        assert r.status_code == 400, (d, r.text)
    for body in (
        {"trigger_id": trigger_id, "url": "javascript:alert(1)", "dialog": dialog()},
        {"trigger_id": trigger_id, "url": url},
        {"trigger_id": "", "url": url, "dialog": dialog()},
    ):
        assert msg_admin.api.post("/actions/dialogs/open", body).status_code == 400
    r = msg_admin.api.post(
        "/actions/dialogs/open", {"trigger_id": "q" * 26, "url": url, "dialog": dialog()}
    )
    assert r.status_code == 400
    assert r.json()["id"] == "interactive_message.decode_trigger_id.verify_signature_failed"
    # Trigger ids expire after Mattermost's 3 seconds.
    time.sleep(3.2)
    r = msg_admin.api.post(
        "/actions/dialogs/open", {"trigger_id": trigger_id, "url": url, "dialog": dialog()}
    )
    assert (
        r.status_code == 400 and r.json()["id"] == "interactive_message.decode_trigger_id.expired"
    )
    # Submissions with missing or wrong fields.
    good = {"url": url, "channel_id": channel["id"], "team_id": team["id"], "submission": {}}
    for broken in (
        {**good, "url": ""},
        {**good, "channel_id": "nope"},
        {**good, "submission": {"x": {"nested": True}}},
        {**good, "submission": {"x": "v" * 3001}},
        {**good, "cancelled": "yes"},
    ):
        assert user.api.post("/actions/dialogs/submit", broken).status_code == 400, broken
    outsider = user_on()
    r = outsider.api.post("/actions/dialogs/submit", good)
    assert r.status_code in (403, 404)
