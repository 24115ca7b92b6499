"""What a user does with teams and channels: load, switch, scroll, unreads, DMs, joins."""

from __future__ import annotations

import contextlib
from typing import Any

from roost.clock import now_ms
from roost.loadtest import model
from roost.loadtest.client import Calls, Unsupported
from roost.loadtest.user import ChannelInfo, SimUser

OK = "ok"
SKIPPED = "skipped"
PAGE = "60"
SCROLL_PAGE = "30"


async def initial_load(u: SimUser, c: Calls) -> None:
    """What a client fetches after logging in, then a first channel view."""
    config = await c.get("/config/client", {"format": "old"})
    if isinstance(config, dict):
        u.client_config = {str(k): str(v) for k, v in config.items()}
    me = await c.get("/users/me")
    if isinstance(me, dict):
        u.remember_users([me])
    await c.get("/users/me/preferences")
    teams = await c.get("/users/me/teams") or []
    u.teams = [t["id"] for t in teams if isinstance(t, dict) and isinstance(t.get("id"), str)]
    await c.get("/users/me/teams/members")
    if not u.teams:
        return
    u.team = u.rng.choice(u.teams)
    await load_team(u, c, u.team)
    u.remember_users(
        await c.get("/users", {"page": "0", "per_page": "100", "in_team": u.team}) or []
    )
    channel = pick_team_channel(u)
    if channel is not None:
        await view_channel(u, c, channel)


async def load_team(u: SimUser, c: Calls, team_id: str) -> None:
    channels = await c.get("/users/me/teams/{team_id}/channels", team_id=team_id) or []
    for ch in channels:
        if isinstance(ch, dict):
            u.add_channel(ch)
    await c.get("/users/me/teams/{team_id}/channels/members", team_id=team_id)
    await c.get("/users/me/teams/unread", {"include_collapsed_threads": "true"})
    # Collapsed threads are optional for a client: a server without them is counted, not failed.
    with contextlib.suppress(Unsupported):
        await c.get(
            "/users/me/teams/{team_id}/threads",
            {"totalsOnly": "true", "threadsOnly": "false"},
            team_id=team_id,
        )
    await c.post("/users/status/ids", [u.user_id])


def pick_team_channel(u: SimUser, exclude: str = "") -> ChannelInfo | None:
    options = [ch for ch in u.team_channels.get(u.team, []) if ch.id != exclude]
    return u.rng.choice(options) if options else None


async def fetch_posts_info(u: SimUser, c: Calls, user_ids: set[str]) -> None:
    """Profiles and statuses of posters the user has not seen yet."""
    missing = [uid for uid in user_ids if uid and uid not in u.known_users]
    if missing:
        u.remember_users(await c.post("/users/ids", missing[:100]) or [])
    unknown_status = [uid for uid in user_ids if uid and uid not in u.known_status]
    if unknown_status:
        await c.post("/users/status/ids", unknown_status[:100])
        u.known_status.update(unknown_status)


async def view_channel(u: SimUser, c: Calls, ch: ChannelInfo) -> None:
    """Open a channel as the web app does: posts (around the unread or since the last view),
    the posters' profiles, channel stats, one's own membership, then mark it viewed."""
    cache = u.cache(ch.id)
    params = {"skipFetchThreads": "false", "collapsedThreads": "true"}
    if cache.last_viewed == 0:
        body = await c.get(
            "/users/me/channels/{channel_id}/posts/unread",
            {**params, "limit_before": "30", "limit_after": "30"},
            channel_id=ch.id,
        )
    else:
        body = await c.get(
            "/channels/{channel_id}/posts",
            {**params, "since": str(cache.last_viewed)},
            channel_id=ch.id,
        )
    refs = u.remember_posts(ch.id, body)
    await fetch_posts_info(u, c, {r.user_id for r in refs})
    stats = await c.get(
        "/channels/{channel_id}/stats", {"exclude_files_count": "true"}, channel_id=ch.id
    )
    if isinstance(stats, dict) and isinstance(stats.get("member_count"), int):
        cache.member_count = stats["member_count"]
    await c.get("/channels/{channel_id}/members/me", channel_id=ch.id)
    if ch.type in ("D", "G"):
        category = "direct_channel_show" if ch.type == "D" else "group_channel_show"
        prefs = [
            {"user_id": u.user_id, "category": category, "name": ch.id, "value": "true"},
            {
                "user_id": u.user_id,
                "category": "channel_open_time",
                "name": ch.id,
                "value": str(now_ms()),
            },
        ]
        await c.put("/users/me/preferences", prefs)
    prev = u.channel.id if u.channel is not None else ""
    await c.post("/channels/members/me/view", {"channel_id": ch.id, "prev_channel_id": prev})
    cache.last_viewed = now_ms()
    u.channel = ch


async def switch_channel(u: SimUser, c: Calls) -> str:
    ch = pick_team_channel(u, exclude=u.channel.id if u.channel else "")
    if ch is None:
        return SKIPPED
    await view_channel(u, c, ch)
    return OK


async def scroll_channel(u: SimUser, c: Calls) -> str:
    ch = u.channel
    if ch is None:
        return SKIPPED
    cache = u.cache(ch.id)
    if not cache.oldest_id:
        body = await c.get(
            "/channels/{channel_id}/posts",
            {"page": "0", "per_page": SCROLL_PAGE},
            channel_id=ch.id,
        )
        u.remember_posts(ch.id, body)
        if not cache.oldest_id:
            return OK
    body = await c.get(
        "/channels/{channel_id}/posts",
        {"before": cache.oldest_id, "page": "0", "per_page": SCROLL_PAGE},
        channel_id=ch.id,
    )
    refs = u.remember_posts(ch.id, body, older=True)
    await fetch_posts_info(u, c, {r.user_id for r in refs})
    return OK


async def unread_check(u: SimUser, c: Calls) -> str:
    await c.get("/users/me/teams/unread", {"include_collapsed_threads": "true"})
    if u.channel is not None:
        await c.get("/users/me/channels/{channel_id}/unread", channel_id=u.channel.id)
    return OK


async def open_direct_or_group(u: SimUser, c: Calls) -> str:
    others = [uid for uid in u.known_users if uid != u.user_id]
    if not others:
        return SKIPPED
    if len(others) >= 2 and u.rng.random() < model.GROUP_SHARE:
        members = u.rng.sample(others, min(len(others), u.rng.randint(2, 6)))
        ch = await c.post("/channels/group", [u.user_id, *members])
    else:
        ch = await c.post("/channels/direct", [u.user_id, u.rng.choice(others)])
    info = u.add_channel(ch) if isinstance(ch, dict) else None
    if info is None:
        return SKIPPED
    await view_channel(u, c, info)
    return OK


async def create_channel(u: SimUser, c: Calls) -> str:
    if not u.team:
        return SKIPPED
    suffix = f"{u.rng.getrandbits(40):010x}"
    private = u.rng.random() < 0.3
    ch = await c.post(
        "/channels",
        {
            "team_id": u.team,
            "name": f"lt-{suffix}",
            "display_name": f"Load test {suffix}",
            "type": "P" if private else "O",
        },
    )
    info = u.add_channel(ch) if isinstance(ch, dict) else None
    if info is not None:
        await view_channel(u, c, info)
    return OK


async def join_channel(u: SimUser, c: Calls) -> str:
    if not u.team:
        return SKIPPED
    listed: Any = await c.get(
        "/teams/{team_id}/channels", {"page": "0", "per_page": "100"}, team_id=u.team
    )
    mine = {ch.id for ch in u.team_channels.get(u.team, [])}
    options = [ch for ch in listed or [] if isinstance(ch, dict) and ch.get("id") not in mine]
    if not options:
        return SKIPPED
    target = u.rng.choice(options)
    await c.post("/channels/{channel_id}/members", {"user_id": u.user_id}, channel_id=target["id"])
    info = u.add_channel(target)
    if info is not None:
        await view_channel(u, c, info)
    return OK


async def switch_team(u: SimUser, c: Calls) -> str:
    others = [t for t in u.teams if t != u.team]
    if not others:
        return SKIPPED
    u.team = u.rng.choice(others)
    await load_team(u, c, u.team)
    ch = pick_team_channel(u)
    if ch is not None:
        await view_channel(u, c, ch)
    return OK
