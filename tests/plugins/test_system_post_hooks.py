"""System posts (joins, leaves, adds, header changes, ...) go through plugins' post hooks
as Mattermost's CreatePost sends them: ``message_will_be_posted`` may change or reject
them (the change itself stands), ``message_has_been_posted`` hears of those written; in
process and in the shared plugin host."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tests.plugins.bundles import eventually, running
from tests.support.client import LoggedIn, expect
from tests.support.posting import make_room, page

WATCHER = """
from roost.plugin import HttpRequest, HttpResponse, Plugin, Post, Rejected


class Plugin(Plugin):
    async def message_will_be_posted(self, post: Post) -> Post:
        if not post.type.startswith("system_"):
            return post
        if "quiet" in post.message:
            raise Rejected("no system posts about quiet things")
        post.message += " (noted)"
        post.props["noted_type"] = post.type
        return post

    async def message_has_been_posted(self, post: Post) -> None:
        if post.type.startswith("system_"):
            await self.api.kv_set("seen-" + post.id, post.type.encode())

    async def serve_http(self, request: HttpRequest) -> HttpResponse:
        seen = await self.api.kv_get("seen-" + request.query.removeprefix("post_id="))
        return HttpResponse(body=seen or b"")
"""


def system_posts(user: LoggedIn, channel_id: str) -> list[dict[str, Any]]:
    listed = page(user, channel_id)
    return [listed["posts"][i] for i in listed["order"] if listed["posts"][i]["type"]]


def seen_by_plugin(base: str, plugin_id: str, post_id: str) -> str:
    response = httpx.get(f"{base}/plugins/{plugin_id}/seen", params={"post_id": post_id})
    return response.text if response.status_code == 200 else ""


@pytest.mark.parametrize("trusted", [True, False], ids=["in-process", "plugin-host"])
def test_system_posts_pass_the_post_hooks(
    trusted: bool,
    plugin_server: str,
    plugin_admin: LoggedIn,
    make_plugin_user: Callable[..., LoggedIn],
) -> None:
    plugin_id = f"test.sysposts-{'in' if trusted else 'host'}"
    room = make_room(make_plugin_user)
    quiet = make_plugin_user(username=f"quiet{uuid.uuid4().hex[:8]}")
    body = {"team_id": room.team_id, "user_id": quiet.id}
    expect(room.owner.api.post(f"/teams/{room.team_id}/members", body), 201)
    with running(plugin_admin, plugin_id, WATCHER, trusted):
        # A join: changed by the plugin before it is written, then heard of.
        joined = room.outsider.api.post(
            f"/channels/{room.channel_id}/members", {"user_id": room.outsider.id}
        )
        expect(joined, 201)
        posts = system_posts(room.alice, room.channel_id)
        join = next(p for p in posts if p["user_id"] == room.outsider.id)
        assert join["type"] == "system_join_channel"
        assert join["message"] == f"{room.outsider.username} joined the channel. (noted)"
        assert join["props"]["noted_type"] == "system_join_channel"
        assert join["props"]["username"] == room.outsider.username
        assert eventually(
            lambda: seen_by_plugin(plugin_server, plugin_id, join["id"]) == "system_join_channel"
        )

        # Rejected: the member is added and the header changed, without their posts.
        added = room.owner.api.post(f"/channels/{room.channel_id}/members", {"user_id": quiet.id})
        expect(added, 201)
        patch = {"header": "quiet please"}
        expect(room.owner.api.put(f"/channels/{room.channel_id}/patch", patch), 200)
        channel = expect(room.alice.api.get(f"/channels/{room.channel_id}"), 200)
        assert channel["header"] == "quiet please"
        member = room.alice.api.get(f"/channels/{room.channel_id}/members/{quiet.id}")
        expect(member, 200)
        posts = system_posts(room.alice, room.channel_id)
        assert not [p for p in posts if "quiet" in p["message"]]
        assert [p["type"] for p in posts][:1] == ["system_join_channel"]

        # A leave goes through them too.
        left = room.bob.api.delete(f"/channels/{room.channel_id}/members/{room.bob.id}")
        expect(left, 200)
        leave = system_posts(room.alice, room.channel_id)[0]
        assert leave["type"] == "system_leave_channel"
        assert leave["message"] == f"@{room.bob.username} left the channel. (noted)"

    # Without the plugin, system posts are as before.
    rejoined = room.bob.api.post(f"/channels/{room.channel_id}/members", {"user_id": room.bob.id})
    expect(rejoined, 201)
    latest = system_posts(room.alice, room.channel_id)[0]
    assert latest["message"] == f"{room.bob.username} joined the channel."
    assert "noted_type" not in latest.get("props", {})
