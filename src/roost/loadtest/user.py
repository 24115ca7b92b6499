"""One simulated user: log in, load its teams, keep a WebSocket, act, idle, repeat.

Thousands of these share one event loop and one aiohttp session; a user is two
tasks (its loop and its socket reader) plus a small cache of what it has seen, so
that its actions have real channels, posts and people to work on.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import orjson

from roost.loadtest import model
from roost.loadtest.backoff import Backoff
from roost.loadtest.client import CallError, Calls, Http
from roost.loadtest.metrics import Recorder
from roost.loadtest.model import RunConfig
from roost.loadtest.socket import UserSocket

RECENT_POSTS = 60
OWN_POSTS = 50
KNOWN_USERS = 2000


@dataclass(slots=True)
class ChannelInfo:
    id: str
    team_id: str
    type: str
    name: str


@dataclass(slots=True)
class PostRef:
    id: str
    channel_id: str
    root_id: str
    user_id: str
    reply_count: int = 0


@dataclass(slots=True)
class ChannelCache:
    recent: deque[PostRef] = field(default_factory=lambda: deque(maxlen=RECENT_POSTS))
    oldest_id: str = ""
    last_viewed: int = 0
    # From the channel's stats, fetched when the channel is opened.
    member_count: int | None = None


class Env:
    """What the users of one worker share."""

    def __init__(self, cfg: RunConfig, session: aiohttp.ClientSession, recorder: Recorder) -> None:
        self.cfg = cfg
        self.session = session
        self.recorder = recorder
        self.http = Http(session, cfg.url, recorder, cfg.request_timeout_s)
        self.active = 0
        weights = model.normalised_weights(cfg.weights)
        self.action_names = [k for k, v in weights.items() if v > 0]
        self.action_weights = [weights[k] for k in self.action_names]


def pick_rate_factor(rng: random.Random) -> float:
    roll = rng.random()
    acc = 0.0
    for share, factor in model.RATE_FACTORS:
        acc += share
        if roll < acc:
            return factor
    return model.RATE_FACTORS[-1][1]


class SimUser:
    def __init__(self, index: int, username: str, env: Env) -> None:
        self.index = index
        self.username = username
        self.env = env
        seed = None if env.cfg.seed is None else env.cfg.seed * 1_000_003 + index
        self.rng = random.Random(seed)
        self.factor = pick_rate_factor(self.rng)
        # Failures in a row (refused, timed out, unreachable) and the wait they call
        # for; the server's last Retry-After, in seconds.
        self.backoff = Backoff(self.rng, env.cfg.time_scale)
        self.retry_after: float | None = None
        self.user_id = ""
        self.token = ""
        self.active = False
        self.teams: list[str] = []
        self.team_channels: dict[str, list[ChannelInfo]] = {}
        self.direct: dict[str, ChannelInfo] = {}
        self.team = ""
        self.channel: ChannelInfo | None = None
        self.caches: dict[str, ChannelCache] = {}
        self.own_posts: deque[PostRef] = deque(maxlen=OWN_POSTS)
        self.known_users: dict[str, str] = {}
        self.known_status: set[str] = set()
        self.client_config: dict[str, str] = {}
        self.threads: deque[str] = deque(maxlen=50)
        self.switch_times: list[float] = []
        self.socket: UserSocket | None = None
        self._side_tasks: set[asyncio.Task[None]] = set()

    # Helpers for actions.

    def calls(self, action: str) -> Calls:
        return Calls(self.env.http, self.token, action)

    def scaled(self, seconds: float) -> float:
        return seconds * self.env.cfg.time_scale

    def idle_s(self) -> float:
        lo, hi = model.idle_bounds()
        return self.scaled(self.rng.uniform(lo, hi) * self.factor)

    def cache(self, channel_id: str) -> ChannelCache:
        found = self.caches.get(channel_id)
        if found is None:
            found = self.caches[channel_id] = ChannelCache()
        return found

    def may_send_typing(self, channel_id: str) -> bool:
        """What Mattermost's clients check before sending ``user_typing``: typing is on
        and the channel has fewer members than MaxNotificationsPerChannel (a channel of
        thousands hears nobody typing). Unknown stats: no typing, as their load test."""
        cfg = self.client_config
        if cfg.get("EnableUserTypingMessages", "true") != "true":
            return False
        members = self.cache(channel_id).member_count
        try:
            limit = int(cfg.get("MaxNotificationsPerChannel", "1000"))
        except ValueError:
            limit = 1000
        return members is not None and members < limit

    def remember_users(self, users: Iterable[dict[str, Any]]) -> None:
        for u in users:
            uid = u.get("id")
            if isinstance(uid, str) and len(self.known_users) < KNOWN_USERS:
                self.known_users[uid] = str(u.get("username") or "")

    def remember_posts(self, channel_id: str, body: Any, older: bool = False) -> list[PostRef]:
        """Cache posts from a post list (``order`` newest first) and return them."""
        if not isinstance(body, dict):
            return []
        order = body.get("order") or []
        posts = body.get("posts") or {}
        refs: list[PostRef] = []
        for pid in order:
            p = posts.get(pid)
            if not isinstance(p, dict):
                continue
            refs.append(
                PostRef(
                    id=pid,
                    channel_id=str(p.get("channel_id") or channel_id),
                    root_id=str(p.get("root_id") or ""),
                    user_id=str(p.get("user_id") or ""),
                    reply_count=int(p.get("reply_count") or 0),
                )
            )
        cache = self.cache(channel_id)
        if refs:
            if older or not cache.recent:
                cache.oldest_id = refs[-1].id
            if not older:
                # Keep the cache newest-last.
                for ref in reversed(refs):
                    cache.recent.append(ref)
        return refs

    def add_channel(self, ch: dict[str, Any]) -> ChannelInfo | None:
        cid, ctype = ch.get("id"), ch.get("type")
        if not isinstance(cid, str) or ctype not in ("O", "P", "D", "G"):
            return None
        info = ChannelInfo(cid, str(ch.get("team_id") or ""), str(ctype), str(ch.get("name")))
        if info.type in ("D", "G"):
            self.direct[cid] = info
        else:
            listed = self.team_channels.setdefault(info.team_id, [])
            if all(c.id != cid for c in listed):
                listed.append(info)
        return info

    def spawn(self, coro: Any) -> None:
        """Run a follow-up (an event's status fetch) without blocking the socket reader."""
        task = asyncio.create_task(coro)
        self._side_tasks.add(task)
        task.add_done_callback(self._side_tasks.discard)

    async def on_event(self, event: str, data: dict[str, Any]) -> None:
        if event == "typing":
            uid = data.get("user_id")
            if isinstance(uid, str) and uid not in self.known_status:
                self.known_status.add(uid)
                self.spawn(self._typing_followup(uid))
        elif event == "posted":
            self._posted(data)

    async def _typing_followup(self, uid: str) -> None:
        c = self.calls("Event:Typing")
        with contextlib.suppress(CallError):
            if uid not in self.known_users:
                self.remember_users(await c.post("/users/ids", [uid]) or [])
            await c.post("/users/status/ids", [uid])

    def _posted(self, data: dict[str, Any]) -> None:
        raw = data.get("post")
        post: Any = raw
        if isinstance(raw, str):
            with contextlib.suppress(orjson.JSONDecodeError):
                post = orjson.loads(raw)
        if not isinstance(post, dict) or not isinstance(post.get("id"), str):
            return
        ref = PostRef(
            id=post["id"],
            channel_id=str(post.get("channel_id") or ""),
            root_id=str(post.get("root_id") or ""),
            user_id=str(post.get("user_id") or ""),
        )
        if ref.channel_id in self.caches:
            self.caches[ref.channel_id].recent.append(ref)
        if data.get("should_ack") is True and self.socket is not None:
            self.spawn(self.socket.send("posted_notify_ack", {"post_id": ref.id}))

    async def shutdown(self) -> None:
        for task in list(self._side_tasks):
            task.cancel()
        if self.socket is not None:
            with contextlib.suppress(Exception):
                await self.socket.close()
