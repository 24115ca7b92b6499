"""A collapsed-reply-threads data set on PostgreSQL, for bench/threads.py.

The shape (defaults; ``--small`` builds a tenth of it): 10,000 users in one team, 300
channels (town-square and off-topic with everyone, the rest from 10 to 3,000 members),
1,000,000 posts of which 100,000 are roots with replies and 600,000 are replies. Most
threads are short (heavy-tailed, a few run to hundreds of replies); 20 threads have
5,000 replies and 1,000 followers each; 20 users, members of every channel, are drawn
into 1,200 to 3,000 threads each (replying, @-mentioned or following from the thread
view) besides the threads they take part in anyway.

Every stored counter is what Roost's own write path would have left:
- roots: ``reply_count``, ``last_reply_at``, ``update_at``, and ``participants``: as
  ``store/posts/thread_fanout.py`` keeps them reply by reply, a replier not in the list is
  appended and only the last 100 are kept (so the most recent newcomers are last);
- channels: ``total_msg_count(_root)``, ``last_post_at``, ``last_root_post_at``;
- channel members (everyone who posts or follows in a channel is one): read up to some
  time no earlier than their own last post, ``msg_count(_root)`` and ``mention_count``
  counted from the posts after it;
- thread memberships for each thread's root author, repliers, users @-mentioned in a
  reply and users who followed it from the thread view; ``last_reply_at`` is the
  thread's, ``last_viewed`` is no earlier than the member's own last reply (or when they
  followed), ``unread_replies`` counts replies after it by others and
  ``unread_mentions`` those among them that @-mention the member.

Users log in with ``roost.loadtest.crowd.CROWD_PASSWORD`` (hashed once by Roost's own
``hash_password``) and each has a session whose token is ``bench_token(user_id)``.
Rows are generated with ``random.Random(seed)`` (ids included), written with COPY, then
VACUUM ANALYZE. The team's description records the shape, for the benchmark to read.

    .venv/bin/python -m bench.thread_data [--small] [--database-url URL]
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import bisect
import hashlib
import itertools
import math
import random
import time
import uuid
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import asyncpg
import orjson

from roost.app.accounts.passwords import hash_password
from roost.app.accounts.tokens import token_hash
from roost.clock import now_ms
from roost.ids import is_valid_id
from roost.loadtest.crowd import CROWD_PASSWORD
from roost.loadtest.seed_plan import Plan, SeedConfig, team_rows, user_rows, username
from roost.model.channel import Channel, ChannelMember
from roost.model.post import Post
from roost.model.team import Team
from roost.store import tables
from roost.store.channels import members as member_store
from roost.store.channels.channels import channel_values
from roost.store.db import bulk
from roost.store.db.database import Database
from roost.store.db.migrate import upgrade_async
from roost.store.posts import posts as post_store
from roost.tenancy import DEFAULT_TENANT_ID
from roost.tenancy.scope import enter_tenant
from tests.support.databases import PG_ADMIN_URL

DAY_MS = 86_400_000
TEAM_NAME = "crt-bench"
PREFIX = "crt"
SESSION_DAYS = 3650
TOKEN_SALT = "roost-bench-thread-data"
# Mean gap between consecutive replies of an ordinary thread.
REPLY_GAP_MS = 20 * 60_000
COPY_CHUNK = 50_000
# The repliers a root keeps (roost.store.posts.thread_fanout.MAX_PARTICIPANTS).
PARTICIPANTS_KEPT = 100

_ZBASE32 = bytes.maketrans(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", b"ybndrfg8ejkmcpqxot1uwisza345h769")
_TEXT = (
    "we should ship the release after review build is green again cache misses went down "
    "index change lunch at noon anyone meeting moved to three please update doc with your "
    "notes thanks customer asked about sso and migration plan looks fine me deploy rollback "
    "flaky test on staging today tomorrow agreed"
)
_WORDS = tuple(_TEXT.split())

Say = Callable[[str], None]


def _encode_id(raw: bytes) -> str:
    """26 characters of z-base-32, the format of ``roost.ids.new_id``."""
    return base64.b32encode(raw)[:26].translate(_ZBASE32).decode("ascii")


def bench_token(user_id: str) -> str:
    """A data-set user's session token, derived from their id: any later run (or another
    process) can act as any user without a login."""
    return _encode_id(hashlib.sha256(f"{TOKEN_SALT}:{user_id}".encode()).digest()[:16])


@dataclass(frozen=True, slots=True)
class Shape:
    posts: int = 1_000_000
    threads: int = 100_000
    users: int = 10_000
    channels: int = 300
    heavy_threads: int = 20
    heavy_replies: int = 5_000
    heavy_followers: int = 1_000
    heavy_users: int = 20
    heavy_follows_min: int = 1_200
    heavy_follows_max: int = 3_000
    reply_share: float = 0.6
    days: int = 365
    seed: int = 42

    @classmethod
    def small(cls, seed: int = 42) -> Shape:
        return cls(
            posts=100_000,
            threads=10_000,
            users=1_000,
            channels=30,
            heavy_threads=2,
            heavy_replies=500,
            heavy_followers=100,
            heavy_users=2,
            heavy_follows_min=120,
            heavy_follows_max=300,
            seed=seed,
        )

    @property
    def replies(self) -> int:
        return round(self.posts * self.reply_share)

    @property
    def plain_roots(self) -> int:
        return self.posts - self.threads - self.replies

    def check(self) -> None:
        normal_threads = self.threads - self.heavy_threads
        normal_replies = self.replies - self.heavy_threads * self.heavy_replies
        if self.channels < 3 or self.users < 10:
            raise ValueError("need at least 3 channels and 10 users")
        if normal_threads < self.heavy_follows_max or normal_replies < normal_threads:
            raise ValueError("too few ordinary threads or replies for this shape")
        if self.plain_roots < 0:
            raise ValueError("reply_share too high for this many threads")
        if self.users < 1.5 * self.heavy_followers + 1 or self.heavy_users > self.users:
            raise ValueError("too few users for the heavy threads and users")

    def describe(self) -> str:
        return (
            f"{self.users:,} users, {self.channels} channels, {self.posts:,} posts "
            f"({self.threads:,} threads, {self.replies:,} replies, {self.plain_roots:,} roots "
            f"without replies); {self.heavy_threads} threads of {self.heavy_replies:,} replies "
            f"and {self.heavy_followers:,} followers; {self.heavy_users} users in every channel "
            f"drawn into {self.heavy_follows_min:,}-{self.heavy_follows_max:,} threads each "
            f"besides their own; seed {self.seed}"
        )

    def to_json(self) -> str:
        return orjson.dumps(asdict(self)).decode()

    @classmethod
    def from_json(cls, text: str) -> Shape:
        return cls(**orjson.loads(text))


@dataclass(slots=True)
class _Thread:
    replies: int
    heavy: bool = False
    # Heavy users drawn to this thread, with how they came to follow it.
    attached: list[tuple[int, str]] = field(default_factory=list)


@dataclass(slots=True)
class _Channel:
    channel: Channel
    members: list[int]
    cum_weights: list[float]
    plain_roots: int = 0
    threads: list[_Thread] = field(default_factory=list)
    # Filled while its posts are generated.
    times: list[int] = field(default_factory=list)
    root_times: list[int] = field(default_factory=list)
    last_post_by: dict[int, int] = field(default_factory=dict)
    mentions: dict[int, list[int]] = field(default_factory=dict)


@dataclass(slots=True)
class Generated:
    """Rows: dicts for the small tables, tuples in ``*_columns`` order for the big ones."""

    small_tables: list[tuple[Any, list[dict[str, Any]]]]
    post_columns: list[str]
    posts: list[tuple[Any, ...]]
    membership_columns: list[str]
    memberships: list[tuple[Any, ...]]
    channel_member_columns: list[str]
    channel_members: list[tuple[Any, ...]]


_MEMBERSHIP_COLUMNS = [c.name for c in tables.thread_memberships.c]


class _Generator:
    def __init__(self, shape: Shape, tenant_id: str, now: int) -> None:
        shape.check()
        self.shape = shape
        self.tenant_id = tenant_id
        self.now = now
        self.start = now - shape.days * DAY_MS
        self.rng = random.Random(shape.seed)
        rng = self.rng
        self.user_ids = [self.new_id() for _ in range(shape.users)]
        self.usernames = [username(PREFIX, i) for i in range(shape.users)]
        self.admin_id = self.new_id()
        self.heavy_users = rng.sample(range(shape.users), shape.heavy_users)
        # How much each user posts: heavy-tailed. (The heavy users post like most people;
        # they follow many threads because they are in every channel and drawn into them.)
        self.activity = [min(50.0, rng.paretovariate(1.2)) for _ in range(shape.users)]
        self.messages = [
            " ".join(rng.choice(_WORDS) for _ in range(rng.randint(2, 40))) for _ in range(3000)
        ]
        self.team = Team(
            id=self.new_id(),
            name=TEAM_NAME,
            display_name="CRT bench",
            description=shape.to_json(),
            create_at=self.start,
            update_at=self.start,
            invite_id=self.new_id(),
            allow_open_invite=True,
            creator_id=self.user_ids[0],
        )
        self.channels: list[_Channel] = []
        self.posts: list[tuple[Any, ...]] = []
        self.memberships: list[tuple[int, tuple[Any, ...]]] = []
        self.channel_members: list[tuple[Any, ...]] = []
        self.post_columns: list[str] = []
        self.channel_member_columns: list[str] = []

    def new_id(self) -> str:
        return _encode_id(self.rng.getrandbits(128).to_bytes(16, "big"))

    # The plan: channels, who is in them, where the threads go.

    def plan(self) -> None:
        shape, rng = self.shape, self.rng
        everyone = list(range(shape.users))
        lo, hi = min(10, shape.users), min(3000, shape.users)
        for k in range(shape.channels):
            if k < 2:
                name, display, kind, members = (
                    ("town-square", "Town Square", "O", everyone)
                    if k == 0
                    else ("off-topic", "Off-Topic", "O", everyone)
                )
            else:
                size = int(math.exp(rng.uniform(math.log(lo), math.log(hi))))
                picked = set(rng.sample(everyone, size)) | set(self.heavy_users)
                members = sorted(picked)
                kind = "P" if rng.random() < 0.2 else "O"
                label = "private" if kind == "P" else "public"
                name, display = f"{label}-{k}", f"{label.title()} {k}"
            created = self.start + rng.randrange(DAY_MS)
            channel = Channel(
                id=self.new_id(),
                team_id=self.team.id,
                type=kind,
                name=name,
                display_name=display,
                create_at=created,
                update_at=created,
                creator_id=self.user_ids[members[0]],
            )
            weights = list(itertools.accumulate(self.activity[u] for u in members))
            self.channels.append(_Channel(channel, members, weights))

        # Posts follow channel size (sub-linearly); the default channels are the busiest.
        weight = [
            (3.0 if k < 2 else 1.0) * len(c.members) ** 0.7 * rng.lognormvariate(0, 0.5)
            for k, c in enumerate(self.channels)
        ]
        for k, n in Counter(
            rng.choices(range(shape.channels), weight, k=shape.plain_roots)
        ).items():
            self.channels[k].plain_roots = n

        normal = shape.threads - shape.heavy_threads
        extra = shape.replies - shape.heavy_threads * shape.heavy_replies - normal
        sizes = [min(400.0, rng.paretovariate(1.1)) for _ in range(normal)]
        total = sum(sizes)
        raw = [extra * s / total for s in sizes]
        counts = [1 + int(r) for r in raw]
        short = shape.replies - shape.heavy_threads * shape.heavy_replies - sum(counts)
        for i in sorted(range(normal), key=lambda i: raw[i] - int(raw[i]), reverse=True)[:short]:
            counts[i] += 1
        threads = [_Thread(n) for n in counts]
        for h in self.heavy_users:
            count = rng.randint(shape.heavy_follows_min, shape.heavy_follows_max)
            for i in rng.sample(range(normal), count):
                role = rng.choices(("reply", "mention", "follow"), (4, 3, 3))[0]
                threads[i].attached.append((h, role))
        for thread, k in zip(
            threads, rng.choices(range(shape.channels), weight, k=normal), strict=True
        ):
            self.channels[k].threads.append(thread)

        big = [c for c in self.channels if len(c.members) >= 1.5 * shape.heavy_followers + 1]
        big.sort(key=lambda c: -len(c.members))
        for j in range(shape.heavy_threads):
            big[j % len(big)].threads.append(_Thread(shape.heavy_replies, heavy=True))

    # Rows.

    def _pick(self, ch: _Channel, k: int = 1) -> list[int]:
        return self.rng.choices(ch.members, cum_weights=ch.cum_weights, k=k)

    def _post(self, post: Post) -> None:
        values = post_store.post_values(self.tenant_id, post)
        if not self.post_columns:
            self.post_columns = list(values)
        self.posts.append(tuple(values.values()))

    def generate(self, say: Say) -> None:
        self.plan()
        started = time.perf_counter()
        for n, ch in enumerate(self.channels):
            self._channel_posts(ch)
            self._channel_rows(ch)
            if n % 50 == 49:
                say(
                    f"  generated {n + 1}/{len(self.channels)} channels, {len(self.posts):,} "
                    f"posts, {len(self.memberships):,} thread memberships "
                    f"({time.perf_counter() - started:.0f} s)"
                )

    def _channel_posts(self, ch: _Channel) -> None:
        rng, c = self.rng, ch.channel
        first = self.start + 2 * DAY_MS
        limit = self.now - 60_000
        for _ in range(ch.plain_roots):
            at = rng.randrange(first, limit)
            author = self._pick(ch)[0]
            self._post(
                Post(
                    id=self.new_id(),
                    channel_id=c.id,
                    user_id=self.user_ids[author],
                    message=self.messages[rng.randrange(len(self.messages))],
                    create_at=at,
                    update_at=at,
                )
            )
            self._channel_post(ch, author, at, root=True)
        for thread in ch.threads:
            self._thread(ch, thread)

    def _channel_post(self, ch: _Channel, author: int, at: int, root: bool) -> None:
        ch.times.append(at)
        if root:
            ch.root_times.append(at)
        if ch.last_post_by.get(author, 0) < at:
            ch.last_post_by[author] = at

    def _thread(self, ch: _Channel, thread: _Thread) -> None:
        rng, shape, c = self.rng, self.shape, ch.channel
        n = thread.replies
        limit = self.now - 60_000
        if thread.heavy:
            t0 = self.now - int(rng.uniform(5, 40) * DAY_MS)
            end = limit - rng.randrange(DAY_MS)
            times = sorted(rng.randrange(t0 + 1, end) for _ in range(n))
        else:
            t0 = rng.randrange(self.start + 2 * DAY_MS, limit - 60_000)
            times, at = [], t0
            for _ in range(n):
                at += 1 + int(rng.expovariate(1 / REPLY_GAP_MS))
                times.append(at)
            if times[-1] > limit:  # squeezed into the time left
                scale = (limit - t0) / (times[-1] - t0)
                times = [t0 + max(1, int((x - t0) * scale)) for x in times]
        last = times[-1]
        root_author = self._pick(ch)[0]

        # Who replies: a small circle, usually with the root's author.
        if thread.heavy:
            want = max(5, shape.heavy_followers // 5)
            circle: set[int] = set()
            while len(circle) < want:
                circle.update(self._pick(ch, want - len(circle)))
            pool = sorted(circle)
        else:
            k = min(n, 1 + int(rng.expovariate(1 / 2.5)))
            pool = self._pick(ch, k)
            if rng.random() < 0.5:
                pool.append(root_author)
        authors = [pool[rng.randrange(len(pool))] for _ in range(n)]
        mentions: dict[int, list[int]] = {}  # reply index -> users it @-mentions
        follows: dict[int, int] = {}  # user -> when they followed from the thread view

        def mention(user: int) -> bool:
            for _ in range(8):
                i = rng.randrange(n)
                if authors[i] != user:
                    mentions.setdefault(i, []).append(user)
                    return True
            return False

        taken_replies: set[int] = set()

        def reply(user: int) -> bool:
            for _ in range(8):
                i = rng.randrange(n)
                if i not in taken_replies:
                    taken_replies.add(i)
                    authors[i] = user
                    return True
            return False

        # Replies first, so a reply that mentions someone keeps its author.
        for user, role in sorted(thread.attached, key=lambda a: a[1] != "reply"):
            if not (role == "reply" and reply(user)) and not (role == "mention" and mention(user)):
                follows[user] = rng.randrange(t0, last + 1)
        if thread.heavy:
            taken = set(authors) | {root_author}
            others = [u for u in ch.members if u not in taken]
            for user in rng.sample(others, shape.heavy_followers - len(taken)):
                if rng.random() < 0.5 and mention(user):
                    continue
                follows[user] = rng.randrange(t0, last + 1)
        elif rng.random() < 0.1:
            user = self._pick(ch)[0]
            if user not in authors and user != root_author:
                mention(user)

        # The posts.
        root_id = self.new_id()
        participants: dict[str, None] = {}  # ordered, with O(1) lookups
        first_reply: dict[int, int] = {}
        last_reply: dict[int, int] = {}
        mentioned_at: dict[int, list[int]] = {}
        for i, (author, at) in enumerate(zip(authors, times, strict=True)):
            if author not in first_reply:
                first_reply[author] = at
            if self.user_ids[author] not in participants:
                participants[self.user_ids[author]] = None
                if len(participants) > PARTICIPANTS_KEPT:
                    del participants[next(iter(participants))]
            last_reply[author] = at
            message = self.messages[rng.randrange(len(self.messages))]
            if i in mentions:
                names = " ".join(f"@{self.usernames[u]}" for u in mentions[i])
                message = f"{names} {message}"
                for u in mentions[i]:
                    mentioned_at.setdefault(u, []).append(at)
                    ch.mentions.setdefault(u, []).append(at)
            self._post(
                Post(
                    id=self.new_id(),
                    channel_id=c.id,
                    user_id=self.user_ids[author],
                    message=message,
                    create_at=at,
                    update_at=at,
                    root_id=root_id,
                )
            )
            self._channel_post(ch, author, at, root=False)
        self._post(
            Post(
                id=root_id,
                channel_id=c.id,
                user_id=self.user_ids[root_author],
                message=self.messages[rng.randrange(len(self.messages))],
                create_at=t0,
                update_at=max(t0, last),
                reply_count=n,
                last_reply_at=last,
                participant_ids=list(participants),
            )
        )
        self._channel_post(ch, root_author, t0, root=True)

        # Who follows, and how far each has read.
        followers = {root_author} | set(first_reply) | set(mentioned_at) | set(follows)
        heavy_users = {u for u, _ in thread.attached}
        read_all, partly = (0.15, 0.55) if thread.heavy else (0.45, 0.3)
        for user in sorted(followers):
            joined = min(
                t
                for t in (
                    times[0] if user == root_author else 0,
                    first_reply.get(user, 0),
                    mentioned_at[user][0] if user in mentioned_at else 0,
                    follows.get(user, 0),
                )
                if t
            )
            # Replying reads the thread up to one's reply; following from the thread view
            # reads it up to then.
            floor = max(last_reply.get(user, 0), follows.get(user, 0))
            roll, low = rng.random(), max(floor, joined)
            if roll < read_all:
                seen = max(floor, last)
                seen += rng.randrange(1, max(2, min(2 * DAY_MS, self.now - seen)))
            elif roll < read_all + partly and low < last:
                seen = rng.randrange(low, last)
            else:
                seen = floor
            following = thread.heavy or user in heavy_users or rng.random() >= 0.03
            unread = n - bisect.bisect_right(times, seen)
            unread_mentions = sum(1 for at in mentioned_at.get(user, ()) if at > seen)
            row = (
                self.tenant_id,
                root_id,
                self.user_ids[user],
                c.id,
                c.team_id,
                following,
                seen,
                max(joined, seen),
                last,
                unread,
                unread_mentions,
                0,
            )
            self.memberships.append((joined, row))

    def _channel_rows(self, ch: _Channel) -> None:
        rng, c = self.rng, ch.channel
        ch.times.sort()
        ch.root_times.sort()
        for at_list in ch.mentions.values():
            at_list.sort()
        c.total_msg_count = len(ch.times)
        c.total_msg_count_root = len(ch.root_times)
        c.last_post_at = ch.times[-1] if ch.times else 0
        c.last_root_post_at = ch.root_times[-1] if ch.root_times else 0
        members = list(ch.members)
        if c.name in ("town-square", "off-topic"):
            members.append(-1)  # the admin, who never posts
        for user in members:
            floor = max(c.create_at, ch.last_post_by.get(user, 0))
            if rng.random() < 0.7 or floor >= c.last_post_at:
                read_to = max(floor, c.last_post_at)
            else:
                read_to = rng.randrange(floor, c.last_post_at)
            mentioned = ch.mentions.get(user, [])
            member = ChannelMember(
                channel_id=c.id,
                user_id=self.admin_id if user < 0 else self.user_ids[user],
                last_viewed_at=read_to,
                msg_count=bisect.bisect_right(ch.times, read_to),
                msg_count_root=bisect.bisect_right(ch.root_times, read_to),
                mention_count=len(mentioned) - bisect.bisect_right(mentioned, read_to),
                last_update_at=read_to,
            )
            values = member_store.member_values(self.tenant_id, member)
            if not self.channel_member_columns:
                self.channel_member_columns = list(values)
            self.channel_members.append(tuple(values.values()))
        # Only the counters are needed from here on.
        ch.times, ch.root_times, ch.last_post_by, ch.mentions = [], [], {}, {}

    def sessions(self) -> list[dict[str, Any]]:
        expires = self.now + SESSION_DAYS * DAY_MS
        return [
            {
                "tenant_id": self.tenant_id,
                "id": self.new_id(),
                "token_hash": token_hash(bench_token(uid)),
                "user_id": uid,
                "csrf_token": self.new_id(),
                "create_at": self.now,
                "expires_at": expires,
                "last_activity_at": self.now,
            }
            for uid in [*self.user_ids, self.admin_id]
        ]

    def result(self, password_hash: str) -> Generated:
        plan = Plan(
            cfg=SeedConfig(prefix=PREFIX, days=self.shape.days),
            now=self.now,
            user_ids=self.user_ids,
            admin_id=self.admin_id,
            teams=[self.team],
            team_members={self.team.id: self.user_ids},
        )
        teams, team_members = team_rows(plan, self.tenant_id)
        small = [
            (tables.users, list(user_rows(plan, self.tenant_id, password_hash))),
            (tables.sessions, self.sessions()),
            (tables.teams, teams),
            (tables.team_members, team_members),
            (tables.channels, [channel_values(self.tenant_id, c.channel) for c in self.channels]),
        ]
        # Rows go in roughly in the order they were made, as in a live database: a
        # thread's replies lie scattered among everything else posted meanwhile.
        at = self.post_columns.index("create_at")
        self.posts.sort(key=lambda row: row[at])
        self.memberships.sort(key=lambda pair: pair[0])
        return Generated(
            small_tables=small,
            post_columns=self.post_columns,
            posts=self.posts,
            membership_columns=_MEMBERSHIP_COLUMNS,
            memberships=[row for _, row in self.memberships],
            channel_member_columns=self.channel_member_columns,
            channel_members=self.channel_members,
        )


def generate(shape: Shape, password_hash: str, say: Say = print) -> Generated:
    gen = _Generator(shape, DEFAULT_TENANT_ID, now_ms())
    assert is_valid_id(gen.admin_id) and is_valid_id(bench_token(gen.admin_id))
    gen.generate(say)
    return gen.result(password_hash)


# Loading.

LOADED_TABLES = (
    "users",
    "sessions",
    "teams",
    "team_members",
    "channels",
    "channel_members",
    "posts",
    "thread_memberships",
)


class AlreadyLoaded(Exception):
    pass


async def loaded_shape(database_url: str) -> Shape | None:
    """The shape of the data set in this database, or None if it has none."""
    conn = await asyncpg.connect(database_url)
    try:
        exists = await conn.fetchval("SELECT to_regclass('teams') IS NOT NULL")
        if not exists:
            return None
        text = await conn.fetchval(
            "SELECT description FROM teams WHERE tenant_id = $1 AND name = $2",
            DEFAULT_TENANT_ID,
            TEAM_NAME,
        )
    finally:
        await conn.close()
    return Shape.from_json(text) if text else None


async def _copy(
    database_url: str, table: str, columns: Sequence[str], rows: Sequence[tuple[Any, ...]]
) -> None:
    """COPY in chunks, a transaction each, on a connection of its own."""
    conn = await asyncpg.connect(database_url)
    try:
        for start in range(0, len(rows), COPY_CHUNK):
            async with conn.transaction():
                await conn.copy_records_to_table(
                    table, records=rows[start : start + COPY_CHUNK], columns=list(columns)
                )
    finally:
        await conn.close()


async def load(database_url: str, shape: Shape, say: Say = print) -> dict[str, int]:
    """Migrate the database with Roost's migrations and load the data set. Returns the
    row count of each table written."""
    await upgrade_async(database_url)
    if await loaded_shape(database_url) is not None:
        raise AlreadyLoaded(f"{database_url} already holds a data set")
    started = time.perf_counter()
    say(f"generating: {shape.describe()}")
    password_hash = await hash_password(CROWD_PASSWORD, rounds=4)
    gen = await asyncio.to_thread(generate, shape, password_hash, say)
    generated_s = time.perf_counter() - started
    say(
        f"generated {len(gen.posts):,} posts, {len(gen.memberships):,} thread memberships, "
        f"{len(gen.channel_members):,} channel members in {generated_s:.0f} s; writing"
    )
    enter_tenant(DEFAULT_TENANT_ID)  # the data is the default tenant's
    db = Database(database_url, pool_size=1)
    try:
        async with db.write() as conn:
            for table, rows in gen.small_tables:
                await bulk.insert_rows(conn, table, rows)
    finally:
        await db.close()
    # Several streams at once: the database works on each in a process of its own.
    await asyncio.gather(
        _copy(database_url, "posts", gen.post_columns, gen.posts),
        _copy(database_url, "thread_memberships", gen.membership_columns, gen.memberships),
        _copy(database_url, "channel_members", gen.channel_member_columns, gen.channel_members),
    )
    written_s = time.perf_counter() - started
    say(f"written in {written_s - generated_s:.0f} s; VACUUM ANALYZE")
    conn = await asyncpg.connect(database_url)
    try:
        # As a live database would be after autovacuum: visibility map set (index-only
        # scans), hint bits written, planner statistics fresh; and no autovacuum of
        # the fresh rows starts in the middle of a benchmark.
        for name in LOADED_TABLES:
            await conn.execute(f"VACUUM (ANALYZE) {name}")
        counts = {
            name: int(await conn.fetchval(f"SELECT count(*) FROM {name}")) for name in LOADED_TABLES
        }
    finally:
        await conn.close()
    elapsed = time.perf_counter() - started
    say(
        f"loaded in {elapsed:.0f} s (generate {generated_s:.0f} s, write "
        f"{written_s - generated_s:.0f} s, vacuum analyze {elapsed - written_s:.0f} s)"
    )
    say("rows: " + ", ".join(f"{name} {n:,}" for name, n in counts.items()))
    return counts


def _admin_url(name: str) -> str:
    base, _, _ = PG_ADMIN_URL.rpartition("/")
    return f"{base}/{name}"


async def create_database(prefix: str = "roost_threads") -> str:
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    conn = await asyncpg.connect(PG_ADMIN_URL)
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return _admin_url(name)


async def drop_database(database_url: str) -> None:
    name = database_url.rpartition("/")[2]
    conn = await asyncpg.connect(PG_ADMIN_URL)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--small", action="store_true", help="a tenth of the data")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument(
        "--database-url", help="an empty PostgreSQL database (default: create a new one)"
    )
    args = parser.parse_args()
    shape = Shape.small(args.seed) if args.small else Shape(seed=args.seed)
    url = args.database_url or asyncio.run(create_database())
    print(f"database: {url}")
    asyncio.run(load(url, shape))
    print(f"reuse it with: .venv/bin/python -m bench.threads --database-url {url}")


if __name__ == "__main__":
    main()
