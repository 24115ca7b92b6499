"""The action registry: model names to what a user does, and how an outcome is counted."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable

from roost.loadtest import channel_actions as ch
from roost.loadtest import metrics
from roost.loadtest import post_actions as po
from roost.loadtest.client import CallError, Calls, Refused, Timeout, Unsupported
from roost.loadtest.user import SimUser

Action = Callable[[SimUser, Calls], Awaitable[str]]

ACTIONS: dict[str, Action] = {
    "SwitchChannel": ch.switch_channel,
    "ScrollChannel": ch.scroll_channel,
    "DeleteDraft": po.delete_draft,
    "UnreadCheck": ch.unread_check,
    "CreatePost": po.create_post,
    "OpenDirectOrGroupChannel": ch.open_direct_or_group,
    "ViewGlobalThreads": po.view_global_threads,
    "UpsertDraft": po.upsert_draft,
    "UpdateThreadRead": po.update_thread_read,
    "ClickPermalink": po.click_permalink,
    "ViewThread": po.view_thread,
    "ReconnectWebSocket": po.reconnect_websocket,
    "AddReaction": po.add_reaction,
    "SearchPosts": po.search_posts,
    "SearchUsers": po.search_users,
    "SearchChannels": po.search_channels,
    "EditPost": po.edit_post,
    "DeletePost": po.delete_post,
    "CreateChannel": ch.create_channel,
    "JoinChannel": ch.join_channel,
    "SwitchTeam": ch.switch_team,
    # Not in the mix: every user runs these once a minute.
    "Periodic:UserStatuses": po.periodic_statuses,
    "Periodic:ClientPerf": po.client_perf,
}

initial_load = ch.initial_load


async def run_action(u: SimUser, name: str) -> str:
    """Run one action and record its outcome: ok, skipped, unsupported, refused (the
    server shed one of its requests; ``u.retry_after`` says what it asked), timeout or
    failed."""
    started = time.perf_counter()
    try:
        result = await ACTIONS[name](u, u.calls(name))
    except Unsupported:
        result = "unsupported"
    except Refused as exc:
        result = metrics.REFUSED
        u.retry_after = exc.retry_after
    except Timeout:
        result = metrics.TIMED_OUT
    except CallError:
        result = "failed"
    except Exception as exc:
        # An answer of an unexpected shape must not end the simulated user.
        result = "failed"
        u.env.recorder.error(f"{name}: {type(exc).__name__}: {exc}"[:200])
    ms = (time.perf_counter() - started) * 1000
    if name == "SwitchChannel" and result == "ok":
        u.switch_times.append(ms)
    u.env.recorder.action(name, result, ms, time.time())
    return result
