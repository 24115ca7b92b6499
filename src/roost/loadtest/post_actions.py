"""What a user does with posts, threads, drafts, search, its socket, and every minute."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import aiohttp

from roost.clock import now_ms
from roost.loadtest import model
from roost.loadtest.client import Calls, Unsupported
from roost.loadtest.user import PostRef, SimUser

OK = "ok"
SKIPPED = "skipped"

WORDS = (
    "the",
    "deploy",
    "went",
    "fine",
    "but",
    "cache",
    "warmed",
    "slowly",
    "so",
    "we",
    "rolled",
    "back",
    "once",
    "more",
    "meeting",
    "notes",
    "are",
    "in",
    "doc",
    "please",
    "review",
    "before",
    "friday",
    "and",
    "add",
    "your",
    "questions",
    "lunch",
    "anyone",
    "new",
    "build",
    "is",
    "green",
    "ship",
    "it",
    "after",
    "standup",
    "tomorrow",
    "morning",
    "database",
    "migration",
    "plan",
    "looks",
    "good",
    "to",
    "me",
    "except",
    "index",
    "on",
    "posts",
    "channel",
)
EMOJIS = ("smile", "+1", "heart", "tada", "eyes", "rocket", "thinking_face", "white_check_mark")
SEARCH_TERMS = ("deploy", "cache", "meeting", "build", "database", "review", "friday", "index")


def message(u: SimUser, words: tuple[int, int] = (3, 30)) -> str:
    count = u.rng.randint(*words)
    return " ".join(u.rng.choice(WORDS) for _ in range(count))


def _recent(u: SimUser, channel_id: str) -> list[PostRef]:
    cache = u.caches.get(channel_id)
    return list(cache.recent) if cache is not None else []


def _any_recent(u: SimUser) -> list[PostRef]:
    if u.channel is not None:
        found = _recent(u, u.channel.id)
        if found:
            return found
    return [ref for cache in u.caches.values() for ref in cache.recent]


async def create_post(u: SimUser, c: Calls) -> str:
    ch = u.channel
    if ch is None:
        return SKIPPED
    root_id = ""
    recent = _recent(u, ch.id)
    if recent and u.rng.random() < model.REPLY_SHARE:
        target = u.rng.choice(recent)
        root_id = target.root_id or target.id
    if u.socket is not None and u.may_send_typing(ch.id):
        # What a client sends while the user types; the server fans it out as ``typing``.
        await u.socket.send("user_typing", {"channel_id": ch.id, "parent_id": root_id})
    file_ids: list[str] = []
    if u.rng.random() < model.FILE_SHARE:
        file_ids = await _upload(u, c, ch.id)
    body: dict[str, Any] = {
        "channel_id": ch.id,
        "message": message(u),
        "root_id": root_id,
        "pending_post_id": f"{u.user_id}:{now_ms()}",
    }
    if file_ids:
        body["file_ids"] = file_ids
    post = await c.post("/posts", body)
    u.env.recorder.post_created(time.time())
    if isinstance(post, dict) and isinstance(post.get("id"), str):
        ref = PostRef(post["id"], ch.id, root_id, u.user_id)
        u.own_posts.append(ref)
        if root_id:
            u.threads.append(root_id)
    return OK


async def _upload(u: SimUser, c: Calls, channel_id: str) -> list[str]:
    form = aiohttp.FormData()
    form.add_field("channel_id", channel_id)
    form.add_field("files", message(u).encode(), filename="notes.txt", content_type="text/plain")
    try:
        body = await c.upload("/files", form)
    except Unsupported:
        return []  # counted; the post goes out without its file
    infos = body.get("file_infos", []) if isinstance(body, dict) else []
    return [i["id"] for i in infos if isinstance(i, dict) and isinstance(i.get("id"), str)]


async def edit_post(u: SimUser, c: Calls) -> str:
    if not u.own_posts:
        return SKIPPED
    ref = u.rng.choice(list(u.own_posts))
    await c.put("/posts/{post_id}/patch", {"message": message(u) + " (edited)"}, post_id=ref.id)
    return OK


async def delete_post(u: SimUser, c: Calls) -> str:
    if not u.own_posts:
        return SKIPPED
    ref = u.own_posts.pop()
    await c.delete("/posts/{post_id}", post_id=ref.id)
    return OK


async def add_reaction(u: SimUser, c: Calls) -> str:
    recent = _any_recent(u)
    if not recent:
        return SKIPPED
    ref = u.rng.choice(recent)
    await c.post(
        "/reactions",
        {"user_id": u.user_id, "post_id": ref.id, "emoji_name": u.rng.choice(EMOJIS)},
    )
    return OK


async def click_permalink(u: SimUser, c: Calls) -> str:
    recent = _any_recent(u)
    if not recent:
        return SKIPPED
    ref = u.rng.choice(recent)
    await c.get("/posts/{post_id}/thread", post_id=ref.id)
    around = {"page": "0", "per_page": "30"}
    cid = ref.channel_id
    await c.get("/channels/{channel_id}/posts", {**around, "before": ref.id}, channel_id=cid)
    await c.get("/channels/{channel_id}/posts", {**around, "after": ref.id}, channel_id=cid)
    return OK


def _pick_root(u: SimUser) -> str:
    recent = _any_recent(u)
    threaded = [r for r in recent if r.root_id or r.reply_count]
    pool = threaded or recent
    if not pool:
        return ""
    ref = u.rng.choice(pool)
    return ref.root_id or ref.id


async def view_thread(u: SimUser, c: Calls) -> str:
    root = _pick_root(u)
    if not root:
        return SKIPPED
    await c.get(
        "/posts/{post_id}/thread",
        {"skipFetchThreads": "false", "collapsedThreads": "true", "direction": "down"},
        post_id=root,
    )
    return OK


async def upsert_draft(u: SimUser, c: Calls) -> str:
    ch = u.channel
    if ch is None:
        return SKIPPED
    root = _pick_root(u) if u.rng.random() < 0.2 else ""
    await c.post(
        "/drafts",
        {
            "user_id": u.user_id,
            "channel_id": ch.id,
            "root_id": root,
            "message": message(u),
            "update_at": now_ms(),
        },
    )
    return OK


async def delete_draft(u: SimUser, c: Calls) -> str:
    ch = u.channel
    if ch is None:
        return SKIPPED
    await c.delete("/users/me/channels/{channel_id}/drafts", channel_id=ch.id)
    return OK


async def view_global_threads(u: SimUser, c: Calls) -> str:
    if not u.team:
        return SKIPPED
    body = await c.get(
        "/users/me/teams/{team_id}/threads",
        {"per_page": "25", "extended": "false", "unread": "false", "deleted": "false"},
        team_id=u.team,
    )
    for thread in (body or {}).get("threads", []) if isinstance(body, dict) else []:
        if isinstance(thread, dict) and isinstance(thread.get("id"), str):
            u.threads.append(thread["id"])
    return OK


async def update_thread_read(u: SimUser, c: Calls) -> str:
    root = u.rng.choice(list(u.threads)) if u.threads else _pick_root(u)
    if not root or not u.team:
        return SKIPPED
    await c.put(
        "/users/me/teams/{team_id}/threads/{thread_id}/read/{timestamp}",
        None,
        team_id=u.team,
        thread_id=root,
        timestamp=str(now_ms()),
    )
    return OK


async def search_posts(u: SimUser, c: Calls) -> str:
    if not u.team:
        return SKIPPED
    await c.post(
        "/teams/{team_id}/posts/search",
        {
            "terms": u.rng.choice(SEARCH_TERMS),
            "is_or_search": False,
            "time_zone_offset": 0,
            "include_deleted_channels": False,
            "page": 0,
            "per_page": 20,
        },
        team_id=u.team,
    )
    return OK


async def search_users(u: SimUser, c: Calls) -> str:
    names = [n for n in u.known_users.values() if n]
    term = u.rng.choice(names)[:4] if names else "user"
    body: dict[str, Any] = {"term": term, "limit": 100}
    if u.team:
        body["team_id"] = u.team
    await c.post("/users/search", body)
    return OK


async def search_channels(u: SimUser, c: Calls) -> str:
    if not u.team:
        return SKIPPED
    names = [ch.name for ch in u.team_channels.get(u.team, []) if ch.name]
    term = u.rng.choice(names)[:3] if names else "ch"
    await c.post("/teams/{team_id}/channels/search", {"term": term}, team_id=u.team)
    return OK


async def reconnect_websocket(u: SimUser, c: Calls) -> str:
    sock = u.socket
    if sock is None:
        return SKIPPED
    await sock.close()
    # A client waits a moment before reconnecting (the apps at least 3 s), and the
    # server must have seen the close before it can hand the old connection over: while
    # it still counts the old socket as open, the reconnect gets a fresh hello. 0.2 s
    # was not always enough on a loaded CI machine; no time scale goes below 1 s.
    await asyncio.sleep(max(1.0, sock.reconnect_delay_s))
    if not await sock.connect(resume=True):
        return "failed"
    return OK


async def periodic_statuses(u: SimUser, c: Calls) -> str:
    ids = [u.user_id]
    others = [uid for uid in u.known_users if uid != u.user_id]
    if others:
        ids += u.rng.sample(others, min(len(others), 50))
    await c.post("/users/status/ids", ids)
    return OK


async def client_perf(u: SimUser, c: Calls) -> str:
    """Mattermost's client metrics report; servers without it answer 404 (counted)."""
    now = now_ms()
    switches, u.switch_times = u.switch_times[-20:], []
    await c.post(
        "/client_perf",
        {
            "version": "0.1.0",
            "labels": {"platform": "other", "agent": "other"},
            "start": now - int(u.scaled(model.PERIODIC_S) * 1000),
            "end": now,
            "counters": [{"metric": "page_load", "value": 1}],
            "histograms": [
                {"metric": "channel_switch", "value": ms, "timestamp": now} for ms in switches
            ],
        },
    )
    return OK
