"""A plugin that raises, hangs or crashes its host never takes the server down and never
holds a post longer than the hook timeout; one failing 3 times is stopped."""

from __future__ import annotations

import time
from collections.abc import Callable

from tests.plugins.bundles import eventually, running, status, wait_state
from tests.plugins.conftest import HOOK_TIMEOUT_SECONDS
from tests.support.client import LoggedIn, expect
from tests.support.posting import make_room, post

FAILED_TO_STAY_RUNNING = 4

MISBEHAVING = """
import asyncio, os
from roost.plugin import Plugin, Post

class Plugin(Plugin):
    async def message_will_be_posted(self, post: Post) -> Post:
        if "crash" in post.message:
            os._exit(3)
        if "spin" in post.message:
            while True:
                pass
        if "sleep" in post.message:
            await asyncio.sleep(30)
        if "raise" in post.message:
            raise RuntimeError("broken")
        post.message += " seen"
        return post
"""

# Marks posts, to show a plugin sharing the host keeps working after its neighbour's
# crash or hang.
MARKER = """
from roost.plugin import Plugin, Post

class Plugin(Plugin):
    async def message_will_be_posted(self, post: Post) -> Post:
        post.message += " marked"
        return post
"""


def _timed_post(user: LoggedIn, channel_id: str, message: str) -> tuple[dict[str, object], float]:
    start = time.monotonic()
    created = post(user, channel_id, message)
    return created, time.monotonic() - start


# A hung host: ping timeout (2 s) + health interval (1 s) + a new process and its plugins.
HOST_REPLACED_SECONDS = 30.0


def test_crash_and_hang_in_the_shared_host(
    plugin_admin: LoggedIn, make_plugin_user: Callable[..., LoggedIn]
) -> None:
    room = make_room(make_plugin_user)
    with (
        running(plugin_admin, "test.bad", MISBEHAVING),
        running(plugin_admin, "test.marker", MARKER),
    ):
        assert post(room.alice, room.channel_id, "hi")["message"] == "hi seen marked"
        pid_before = status(plugin_admin, "test.bad")["cluster_id"]

        # The host dies mid-hook: the post goes through without the plugin (fail-open).
        created, took = _timed_post(room.alice, room.channel_id, "crash now")
        assert created["message"] == "crash now"
        assert took < HOOK_TIMEOUT_SECONDS + 1.5
        # The health check restarts the host and reloads both plugins.
        assert eventually(
            lambda: post(room.alice, room.channel_id, "again")["message"] == "again seen marked"
        )

        # A plugin spinning the CPU: the post waits the timeout at most.
        created, took = _timed_post(room.alice, room.channel_id, "spin forever")
        assert created["message"] == "spin forever"
        assert took < HOOK_TIMEOUT_SECONDS + 1.5
        # The host stops answering pings, so it is replaced: a ping's timeout, the next
        # health check, then a new host process loading both plugins, which on a loaded
        # machine takes longer than the default wait.
        assert eventually(
            lambda: post(room.alice, room.channel_id, "later")["message"] == "later seen marked",
            timeout=HOST_REPLACED_SECONDS,
        )
        assert status(plugin_admin, "test.bad")["cluster_id"] == pid_before  # same node
        expect(plugin_admin.api.get("/system/ping"), 200)


def test_a_plugin_failing_three_times_is_stopped(
    plugin_admin: LoggedIn, make_plugin_user: Callable[..., LoggedIn]
) -> None:
    room = make_room(make_plugin_user)
    for trusted in (False, True):
        with running(plugin_admin, "test.raising", MISBEHAVING, trusted=trusted):
            for i in range(3):
                message = f"raise {i}" if i < 2 else "sleep"  # the last one: a timeout
                created, took = _timed_post(room.alice, room.channel_id, message)
                assert created["message"] == message  # fail-open: posted unchanged
                assert took < HOOK_TIMEOUT_SECONDS + 1.5
            failed = wait_state(plugin_admin, "test.raising", FAILED_TO_STAY_RUNNING)
            assert "3 times" in failed["error"]
            assert post(room.alice, room.channel_id, "quiet")["message"] == "quiet"
            # Enabling it again gives it a fresh start.
            expect(plugin_admin.api.post("/plugins/test.raising/disable"), 200)
            expect(plugin_admin.api.post("/plugins/test.raising/enable"), 200)
            wait_state(plugin_admin, "test.raising")
            assert post(room.alice, room.channel_id, "back")["message"] == "back seen"


def test_fail_closed_hook_refuses_the_post(
    plugin_admin: LoggedIn, make_plugin_user: Callable[..., LoggedIn]
) -> None:
    room = make_room(make_plugin_user)
    # The test server names test.closed/message_will_be_posted as fail-closed.
    with running(plugin_admin, "test.closed", MISBEHAVING):
        response = room.alice.api.post(
            "/posts", {"channel_id": room.channel_id, "message": "raise please"}
        )
        error = expect(response, 503)
        assert error["id"] == "app.plugin.hook_failed.app_error"
        listed = expect(room.alice.api.get(f"/channels/{room.channel_id}/posts"), 200)
        assert all(p["message"] != "raise please" for p in listed["posts"].values())
        assert post(room.alice, room.channel_id, "fine")["message"] == "fine seen"
