"""`roost import slack`: a Slack export (every object type) lands in one team, with
threads, reactions, edits, bot messages, files and Markdown for Slack's markup."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.imports.conftest import Site
from tests.imports.slack_fixtures import REPORT, TS, slack_zip
from tests.support.client import Api, expect


@pytest.fixture(scope="module")
def slack_team(site: Site, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    path = slack_zip(tmp_path_factory.mktemp("slack") / "acme-slack.zip")
    done = site.roost("import", "slack", str(path), "--team", "acme")
    assert done.returncode == 0, done.stderr + done.stdout
    assert "1 Slack messages by unknown users were skipped" in done.stderr
    again = site.roost("import", "slack", str(path), "--team", "acme")
    assert again.returncode == 0 and "posts_already_there: 9" in again.stdout, again.stdout
    team: dict[str, Any] = expect(site.admin.api.get("/teams/name/acme"), 200)
    return team


def _channel(api: Api, team: dict[str, Any], name: str) -> dict[str, Any]:
    found: dict[str, Any] = expect(
        api.get(f"/teams/{team['id']}/channels/name/{name}", params={"include_deleted": "true"}),
        200,
    )
    return found


def _posts(api: Api, channel_id: str) -> list[dict[str, Any]]:
    page = expect(api.get(f"/channels/{channel_id}/posts"), 200)
    return [page["posts"][i] for i in reversed(page["order"])]


def test_channels_people_and_messages(site: Site, slack_team: dict[str, Any]) -> None:
    api = site.admin.api
    general = _channel(api, slack_team, "general")
    assert general["header"] == "company-wide" and general["purpose"] == "everything"
    assert _channel(api, slack_team, "old_stuff")["delete_at"] > 0
    assert _channel(api, slack_team, "leads")["type"] == "P"

    alice = expect(api.get("/users/username/alice"), 200)
    assert (alice["first_name"], alice["nickname"], alice["position"]) == (
        "Alice",
        "alice-nick",
        "member",
    )
    assert "system_admin" in alice["roles"]
    assert expect(api.get("/users/username/gone"), 200)["delete_at"] > 0
    bot = expect(api.get("/users/username/deploybot"), 200)
    assert expect(api.get(f"/bots/{bot['id']}"), 200)["owner_id"] == alice["id"]

    posts = _posts(api, general["id"])
    messages = [p["message"] for p in posts]
    assert messages == [
        "Welcome @bob! Read ~general and **this** & [that](https://example.com)",
        "thanks *all*",
        "~~late~~ here",
        "deployed v2",
        "the report",
    ]
    root = posts[0]
    assert root["create_at"] == (TS + 1) * 1000
    assert [p["root_id"] for p in posts[1:3]] == [root["id"], root["id"]]
    assert root["reply_count"] == 2
    assert sorted(r["emoji_name"] for r in root["metadata"]["reactions"]) == ["wave", "wave"]
    assert posts[2]["edit_at"] == (TS + 4) * 1000
    assert posts[3]["user_id"] == bot["id"]
    (file_id,) = posts[4]["file_ids"]
    assert api.get(f"/files/{file_id}").content == REPORT


def test_direct_and_group_messages(site: Site, slack_team: dict[str, Any]) -> None:
    api = site.admin.api
    bob = expect(api.get("/users/username/bob"), 200)
    chats = expect(api.get(f"/users/{bob['id']}/channels"), 200)
    by_type = {c["type"]: c for c in chats if c["type"] in ("D", "G")}
    assert [p["message"] for p in _posts(api, by_type["D"]["id"])] == ["hi @alice"]
    assert [p["message"] for p in _posts(api, by_type["G"]["id"])] == ["three of us"]


def test_a_slack_export_that_is_not_a_zip(site: Site, tmp_path: Path) -> None:
    path = tmp_path / "users.json"
    path.write_bytes(b"[]")
    done = site.roost("import", "slack", str(path))
    assert done.returncode != 0
    assert "a Slack export is a zip archive" in done.stderr
