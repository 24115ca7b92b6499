"""Admission control on plugin calls: at most ROOST_PLUGIN_CALL_CONCURRENCY (8 on the test
server) calls in flight into one plugin; beyond what it can answer within the hook
timeout, a fail-closed hook refuses the post at once (503 + Retry-After) and a fail-open
one is skipped at once, instead of every post waiting behind a pile of calls."""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from tests.plugins.bundles import running
from tests.plugins.conftest import HOOK_TIMEOUT_SECONDS
from tests.support.client import LoggedIn, expect
from tests.support.posting import make_room, post

BURST = 32
# The hook's own time: half the timeout, so only a little queueing fits the budget.
SLOW_SECONDS = 0.25
assert SLOW_SECONDS < HOOK_TIMEOUT_SECONDS

SLOW = f"""
import asyncio
from roost.plugin import Plugin, Post

class Plugin(Plugin):
    async def message_will_be_posted(self, post: Post) -> Post:
        await asyncio.sleep({SLOW_SECONDS})
        post.message += " seen"
        return post
"""


def _burst(user: LoggedIn, channel_id: str) -> list[tuple[int, Any, str | None, float]]:
    def one(i: int) -> tuple[int, Any, str | None, float]:
        start = time.monotonic()
        r = user.api.post("/posts", {"channel_id": channel_id, "message": f"burst {i}"})
        return r.status_code, r.json(), r.headers.get("Retry-After"), time.monotonic() - start

    with ThreadPoolExecutor(BURST) as pool:
        return list(pool.map(one, range(BURST)))


def _warm(user: LoggedIn, channel_id: str) -> None:
    """A few calls one at a time: the limiter learns how long the hook takes."""
    for i in range(6):
        assert post(user, channel_id, f"warm {i}")["message"] == f"warm {i} seen"


def test_fail_closed_hook_refuses_at_once_when_the_plugin_is_saturated(
    plugin_admin: LoggedIn, make_plugin_user: Callable[..., LoggedIn]
) -> None:
    room = make_room(make_plugin_user)
    # The test server names test.closed/message_will_be_posted as fail-closed.
    with running(plugin_admin, "test.closed", SLOW):
        _warm(room.alice, room.channel_id)
        results = _burst(room.alice, room.channel_id)
        created = [body for status, body, _, _ in results if status == 201]
        refused = [(body, retry, took) for status, body, retry, took in results if status == 503]
        assert len(created) + len(refused) == BURST, [r[:2] for r in results]
        # Never more than the limit ran at once, and the rest was refused, not piled up.
        assert 1 <= len(created) <= BURST - 8, len(created)
        assert all(body["message"].endswith(" seen") for body in created)
        for body, retry, _ in refused:
            assert body["id"] == "api.context.server_busy.app_error", body
            assert retry is not None and int(retry) >= 1
        # Most refusals came before any hook call could have finished: not a wait.
        fast = [took for _, _, took in refused if took < SLOW_SECONDS]
        assert len(fast) >= len(refused) // 2, sorted(took for _, _, took in refused)
        # Exactly the accepted posts are stored.
        listed = expect(room.alice.api.get(f"/channels/{room.channel_id}/posts"), 200)
        stored = {p["message"] for p in listed["posts"].values() if "burst" in p["message"]}
        assert stored == {body["message"] for body in created}


def test_fail_open_hook_is_skipped_at_once_when_the_plugin_is_saturated(
    plugin_admin: LoggedIn, make_plugin_user: Callable[..., LoggedIn]
) -> None:
    room = make_room(make_plugin_user)
    with running(plugin_admin, "test.open-slow", SLOW):
        _warm(room.alice, room.channel_id)
        results = _burst(room.alice, room.channel_id)
        assert [status for status, _, _, _ in results] == [201] * BURST
        seen = [took for _, body, _, took in results if body["message"].endswith(" seen")]
        skipped = [took for _, body, _, took in results if not body["message"].endswith(" seen")]
        assert 1 <= len(seen) <= BURST - 8 and skipped, (len(seen), len(skipped))
        # The plugin still works once the burst is over.
        assert post(room.alice, room.channel_id, "after")["message"] == "after seen"
