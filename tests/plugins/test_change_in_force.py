"""A plugin change is in force on the answering node when the API answers (issue 20.5):
right after ``enable`` answers 200 the plugin's hook runs on the next post, right after
``disable``, ``remove`` or an upload of a new version answers it no longer does (or the
new version does), in process and in the shared host, every time (looped: the old
answer raced the node's own reconcile)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.plugins.bundles import bundle, eventually, status, upload
from tests.support.client import LoggedIn, expect
from tests.support.posting import make_room

TRIES = 12
REFUSER = """
from roost.plugin import Plugin, Post, Rejected

class Plugin(Plugin):
    async def message_will_be_posted(self, post: Post) -> Post:
        if "probe" in post.message:
            raise Rejected("{tag} refuses")
        return post
"""


def try_post(user: LoggedIn, channel_id: str, message: str) -> int:
    r = user.api.post("/posts", {"channel_id": channel_id, "message": message})
    assert r.status_code in (201, 400), r.text
    return r.status_code


@pytest.mark.parametrize("trusted", [True, False], ids=["in_process", "isolated"])
def test_enable_disable_and_remove_are_in_force_when_answered(
    plugin_admin: LoggedIn, make_plugin_user: Callable[..., LoggedIn], trusted: bool
) -> None:
    room = make_room(make_plugin_user)
    plugin_id = f"test.inforce-{'in' if trusted else 'iso'}"
    expect(upload(plugin_admin, bundle(plugin_id, REFUSER.replace("{tag}", "v1")), trusted), 201)
    try:
        outcomes = []
        for n in range(TRIES):
            expect(plugin_admin.api.post(f"/plugins/{plugin_id}/enable"), 200)
            enabled = try_post(room.alice, room.channel_id, f"probe on {n}")
            expect(plugin_admin.api.post(f"/plugins/{plugin_id}/disable"), 200)
            disabled = try_post(room.alice, room.channel_id, f"probe off {n}")
            outcomes.append((enabled, disabled))
        assert outcomes == [(400, 201)] * TRIES

        # A new version uploaded over the running one is the one in force when answered.
        expect(plugin_admin.api.post(f"/plugins/{plugin_id}/enable"), 200)
        expect(
            upload(plugin_admin, bundle(plugin_id, REFUSER.replace("{tag}", "v2")), trusted), 201
        )
        r = room.alice.api.post("/posts", {"channel_id": room.channel_id, "message": "probe"})
        assert expect(r, 400)["message"] == "Post rejected by plugin. v2 refuses"

        expect(plugin_admin.api.delete(f"/plugins/{plugin_id}"), 200)
        assert try_post(room.alice, room.channel_id, "probe removed") == 201
    finally:
        plugin_admin.api.delete(f"/plugins/{plugin_id}")
        assert eventually(lambda: status(plugin_admin, plugin_id) == {})
