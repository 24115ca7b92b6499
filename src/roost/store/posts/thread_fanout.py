"""What a batch of replies does to threads: counters on the root, who follows, and every
follower's unread counts, moved in a handful of set-based statements per thread.

Mattermost loads each follower and re-counts their unread replies with a query per
follower on every reply. Here a reply costs the same few statements whatever the
follower count: one UPDATE moves every follower's stored counters and returns them, so
the ``thread_updated`` fan-out needs no further query.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy import (
    BigInteger,
    Integer,
    String,
    and_,
    bindparam,
    case,
    delete,
    func,
    select,
    true,
    update,
)
from sqlalchemy.ext.asyncio import AsyncConnection

from roost.ids import new_id
from roost.store.db import codec
from roost.store.db.dialect import insert_ignore
from roost.store.posts.posts import later
from roost.store.tables import posts, thread_fanout_jobs, thread_memberships

tm, p = thread_memberships.c, posts.c

# A root keeps its latest repliers only: the list is rewritten when someone new replies.
MAX_PARTICIPANTS = 100


@dataclass(slots=True)
class FollowerState:
    unread_replies: int
    unread_mentions: int
    last_viewed: int
    previous_replies: int
    previous_mentions: int


@dataclass(slots=True)
class ThreadFanout:
    """A thread after a batch: its counters and its followers' states (every follower's,
    or, when the fan-out was deferred, the repliers' only)."""

    root_id: str
    reply_count: int = 0
    last_reply_at: int = 0
    participants: list[str] = field(default_factory=list)
    followers: dict[str, FollowerState] = field(default_factory=dict)
    # Everyone following after the batch (the posted event names them).
    follower_ids: list[str] = field(default_factory=list)
    # The followers' counters are moved by a job after the commit (a large thread).
    deferred: bool = False


@dataclass(slots=True)
class FanoutJob:
    """Followers' counters still to move for one batch of replies to one thread."""

    tenant_id: str
    id: str
    root_id: str
    team_id: str
    first_at: int
    last_at: int
    replies: int
    repliers: list[str]
    mentions: dict[str, int]
    newly_following: list[str]


class Reply(Protocol):
    """What the fan-out needs to know of one new reply (``post_batches.NewPost``)."""

    @property
    def root_id(self) -> str: ...
    @property
    def author(self) -> str: ...
    @property
    def create_at(self) -> int: ...
    @property
    def channel_id(self) -> str: ...
    @property
    def team_id(self) -> str: ...
    @property
    def is_member(self) -> bool: ...
    @property
    def root_author(self) -> str: ...
    @property
    def follow(self) -> Sequence[str]: ...
    @property
    def mentioned(self) -> Sequence[str]: ...


def _s(name: str) -> object:
    return bindparam(name, type_=String)


def _n(name: str) -> object:
    return bindparam(name, type_=BigInteger)


_COUNT_REPLIES = (
    update(posts)
    .where(p.tenant_id == _s("f_tenant"), p.id == _s("f_root"))
    .values(
        reply_count=p.reply_count + _n("f_n"),
        last_reply_at=later(p.last_reply_at, _n("f_at")),
        update_at=later(p.update_at, _n("f_at")),
    )
    .returning(p.reply_count, p.last_reply_at, p.participants)
)

_SET_PARTICIPANTS = (
    update(posts)
    .where(p.tenant_id == _s("f_tenant"), p.id == _s("f_root"))
    .values(participants=_s("f_participants"))
)

_MEMBER = and_(tm.tenant_id == _s("f_tenant"), tm.post_id == _s("f_root"))

_EXISTING = select(tm.user_id, tm.following, tm.unread_replies, tm.unread_mentions).where(
    _MEMBER, tm.user_id.in_(bindparam("f_users", expanding=True))
)

_REFOLLOW = (
    update(thread_memberships)
    .where(_MEMBER, tm.user_id.in_(bindparam("f_users", expanding=True)))
    .values(following=true(), last_updated=_n("f_at"))
)

_ADD_MENTIONS = (
    update(thread_memberships)
    .where(_MEMBER, tm.user_id == _s("f_user"), tm.last_viewed < _n("f_at"))
    .values(unread_mentions=tm.unread_mentions + _n("f_k"))
)

_MEMBER_COUNT = select(func.count()).select_from(
    select(tm.user_id).where(_MEMBER).limit(bindparam("f_limit", type_=Integer)).subquery()
)

_FOLLOWER_IDS = select(tm.user_id).where(_MEMBER, tm.following)

_RETURNED = (tm.user_id, tm.following, tm.unread_replies, tm.unread_mentions, tm.last_viewed)

# Everyone but this batch's repliers: n more unread replies (unless they have read past
# them), and the thread's new last reply time for list order.
_FAN_OUT = (
    update(thread_memberships)
    .where(_MEMBER, tm.user_id.not_in(bindparam("f_users", expanding=True)))
    .values(
        unread_replies=tm.unread_replies
        + case((tm.last_viewed < _n("f_first_at"), _n("f_n")), else_=0),
        last_reply_at=later(tm.last_reply_at, _n("f_at")),
    )
    .returning(*_RETURNED)
)

# A replier has read the thread up to their own reply.
_REPLIER_READ = (
    update(thread_memberships)
    .where(_MEMBER, tm.user_id == _s("f_user"))
    .values(
        last_viewed=later(tm.last_viewed, _n("f_seen")),
        unread_replies=_n("f_unread"),
        unread_mentions=_n("f_k"),
        last_reply_at=later(tm.last_reply_at, _n("f_at")),
        last_updated=_n("f_at"),
    )
    .returning(*_RETURNED)
)


async def record_replies(
    conn: AsyncConnection, tenant_id: str, replies: Sequence[Reply], inline_max: int
) -> dict[str, ThreadFanout]:
    """Apply a batch's replies to their threads (sorted by root, so concurrent batches on
    other nodes lock rows in the same order). Returns each thread's fan-out."""
    by_root: dict[str, list[Reply]] = {}
    for reply in replies:
        by_root.setdefault(reply.root_id, []).append(reply)
    return {
        root_id: await _record_thread(conn, tenant_id, root_id, by_root[root_id], inline_max)
        for root_id in sorted(by_root)
    }


async def _record_thread(
    conn: AsyncConnection, tenant_id: str, root_id: str, replies: list[Reply], inline_max: int
) -> ThreadFanout:
    key = {"f_tenant": tenant_id, "f_root": root_id}
    at = max(r.create_at for r in replies)
    first_at = min(r.create_at for r in replies)
    n = len(replies)
    row = (await conn.execute(_COUNT_REPLIES, {**key, "f_n": n, "f_at": at})).first()
    fanout = ThreadFanout(root_id)
    if row is None:
        return fanout
    fanout.reply_count, fanout.last_reply_at = int(row[0]), int(row[1])
    fanout.participants = [str(u) for u in codec.load_list(row[2])]
    prior_replies = fanout.reply_count - n

    # Participants: the repliers in the order they first replied, the latest 100. The
    # root row is locked by the UPDATE above, so this read-modify-write cannot race.
    known = list(fanout.participants)
    for reply in replies:
        if reply.author not in fanout.participants:
            fanout.participants.append(reply.author)
    fanout.participants = fanout.participants[-MAX_PARTICIPANTS:]
    if fanout.participants != known:
        await conn.execute(
            _SET_PARTICIPANTS, {**key, "f_participants": codec.dump(fanout.participants)}
        )

    # Who follows: repliers and users mentioned by name or key (even after unfollowing);
    # the root's author unless they unfollowed.
    last_reply_by: dict[str, int] = {}
    for reply in replies:
        if reply.is_member:
            last_reply_by[reply.author] = max(last_reply_by.get(reply.author, 0), reply.create_at)
    forced = set(last_reply_by)
    for reply in replies:
        forced.update(reply.follow)
    authors = {r.root_author for r in replies if r.root_author} - forced
    candidates = sorted(forced | authors)
    existing: dict[str, bool] = {}
    before: dict[str, tuple[int, int]] = {}
    if candidates:
        for r in await conn.execute(_EXISTING, {**key, "f_users": candidates}):
            existing[str(r.user_id)] = bool(r.following)
            if r.following:
                before[str(r.user_id)] = (int(r.unread_replies), int(r.unread_mentions))
    first = replies[0]
    new_rows = [
        {
            "tenant_id": tenant_id,
            "post_id": root_id,
            "user_id": user_id,
            "channel_id": first.channel_id,
            "team_id": first.team_id,
            "following": True,
            "last_viewed": 0,
            "last_updated": at,
            "last_reply_at": at,
            # Never having opened the thread, every earlier reply is unread to them.
            "unread_replies": prior_replies,
            "unread_mentions": 0,
            "thread_delete_at": 0,
        }
        for user_id in candidates
        if user_id not in existing
    ]
    await insert_ignore(conn, thread_memberships, new_rows)
    refollow = sorted(u for u in forced if existing.get(u) is False)
    if refollow:
        await conn.execute(_REFOLLOW, {**key, "f_users": refollow, "f_at": at})
    newly_following = {str(row["user_id"]) for row in new_rows} | set(refollow)

    # Mentions of users who are not replying in this batch.
    mention_counts: dict[str, int] = {}
    for reply in replies:
        for user_id in reply.mentioned:
            if user_id not in last_reply_by:
                mention_counts[user_id] = mention_counts.get(user_id, 0) + 1
    job = FanoutJob(
        tenant_id=tenant_id,
        id=new_id(),
        root_id=root_id,
        team_id=first.team_id,
        first_at=first_at,
        last_at=at,
        replies=n,
        repliers=sorted(last_reply_by),
        mentions=mention_counts,
        newly_following=sorted(newly_following),
    )
    members = await conn.execute(_MEMBER_COUNT, {**key, "f_limit": inline_max + 1})
    if int(members.scalar_one()) <= inline_max:
        fanout.followers = await _apply(conn, job)
    else:
        # A large thread: commit the reply now and move the followers' counters right
        # after, in a job of their own (durable: it is a row written with the reply).
        await conn.execute(thread_fanout_jobs.insert(), [_job_row(job, at)])
        fanout.deferred = True
        found = await conn.execute(_FOLLOWER_IDS, key)
        fanout.follower_ids = [str(r[0]) for r in found]

    for user_id, seen in sorted(last_reply_by.items()):
        # Replies by others after this user's last one stay unread to them.
        later_replies = [r for r in replies if r.create_at > seen and r.author != user_id]
        mentions = sum(1 for r in later_replies if user_id in r.mentioned)
        params = {
            **key,
            "f_user": user_id,
            "f_seen": seen,
            "f_unread": len(later_replies),
            "f_k": mentions,
            "f_at": at,
        }
        for r in await conn.execute(_REPLIER_READ, params):
            if r.following:
                prev_replies, prev_mentions = before.get(user_id, (0, 0))
                fanout.followers[user_id] = FollowerState(
                    int(r.unread_replies),
                    int(r.unread_mentions),
                    int(r.last_viewed),
                    prev_replies,
                    prev_mentions,
                )
    if not fanout.deferred:
        fanout.follower_ids = sorted(fanout.followers)
    return fanout


async def _apply(conn: AsyncConnection, job: FanoutJob) -> dict[str, FollowerState]:
    """Move every member's counters for a batch (all but its repliers); the followers'
    new states, from the UPDATE itself."""
    key = {"f_tenant": job.tenant_id, "f_root": job.root_id}
    if job.mentions:
        await conn.execute(
            _ADD_MENTIONS,
            [
                {**key, "f_user": u, "f_k": k, "f_at": job.first_at}
                for u, k in sorted(job.mentions.items())
            ],
        )
    rows = await conn.execute(
        _FAN_OUT,
        {
            **key,
            "f_users": job.repliers,
            "f_n": job.replies,
            "f_first_at": job.first_at,
            "f_at": job.last_at,
        },
    )
    states: dict[str, FollowerState] = {}
    new = set(job.newly_following)
    for r in rows:
        if not r.following:
            continue
        user_id = str(r.user_id)
        added = job.replies if int(r.last_viewed) < job.first_at else 0
        mentions = job.mentions.get(user_id, 0) if added else 0
        states[user_id] = _state(r, added, mentions, user_id in new)
    return states


# Deferred jobs.


def _job_row(job: FanoutJob, at: int) -> dict[str, Any]:
    return {
        "tenant_id": job.tenant_id,
        "id": job.id,
        "root_id": job.root_id,
        "team_id": job.team_id,
        "first_at": job.first_at,
        "last_at": job.last_at,
        "replies": job.replies,
        "repliers": codec.dump(job.repliers),
        "mentions": codec.dump(job.mentions),
        "newly_following": codec.dump(job.newly_following),
        "create_at": at,
    }


def _job(row: Any) -> FanoutJob:
    return FanoutJob(
        tenant_id=str(row.tenant_id),
        id=str(row.id),
        root_id=str(row.root_id),
        team_id=str(row.team_id),
        first_at=int(row.first_at),
        last_at=int(row.last_at),
        replies=int(row.replies),
        repliers=[str(u) for u in codec.load_list(row.repliers)],
        mentions={str(k): int(v) for k, v in codec.load_dict(row.mentions).items()},
        newly_following=[str(u) for u in codec.load_list(row.newly_following)],
    )


async def take_jobs(
    conn: AsyncConnection, limit: int, skip_tenants: Collection[str] = ()
) -> list[FanoutJob]:
    """The oldest waiting jobs, locked for this transaction; jobs another node is
    working on are skipped (PostgreSQL; SQLite has one writer at a time anyway), and so
    are the jobs of ``skip_tenants`` (read-only while they move)."""
    stmt = (
        select(thread_fanout_jobs)
        .order_by(thread_fanout_jobs.c.create_at, thread_fanout_jobs.c.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    if skip_tenants:
        stmt = stmt.where(thread_fanout_jobs.c.tenant_id.not_in(list(skip_tenants)))
    return [_job(r) for r in await conn.execute(stmt)]


async def take_jobs_for(conn: AsyncConnection, tenant_id: str, root_id: str) -> list[FanoutJob]:
    """A thread's waiting jobs, locked (waiting for a node that is applying them)."""
    j = thread_fanout_jobs.c
    stmt = (
        select(thread_fanout_jobs)
        .where(j.tenant_id == tenant_id, j.root_id == root_id)
        .order_by(j.create_at, j.id)
        .with_for_update()
    )
    return [_job(r) for r in await conn.execute(stmt)]


async def apply_job(conn: AsyncConnection, job: FanoutJob) -> ThreadFanout:
    """Run a deferred job and remove it, in the caller's transaction."""
    fanout = ThreadFanout(job.root_id)
    fanout.followers = await _apply(conn, job)
    fanout.follower_ids = sorted(fanout.followers)
    row = (
        await conn.execute(
            select(p.reply_count, p.last_reply_at, p.participants).where(
                p.tenant_id == job.tenant_id, p.id == job.root_id
            )
        )
    ).first()
    if row is not None:
        fanout.reply_count, fanout.last_reply_at = int(row[0]), int(row[1])
        fanout.participants = [str(u) for u in codec.load_list(row[2])]
    j = thread_fanout_jobs.c
    await conn.execute(
        delete(thread_fanout_jobs).where(j.tenant_id == job.tenant_id, j.id == job.id)
    )
    return fanout


def _state(row: Any, added: int, mentions: int, new: bool) -> FollowerState:
    replies, unread_mentions = int(row.unread_replies), int(row.unread_mentions)
    return FollowerState(
        unread_replies=replies,
        unread_mentions=unread_mentions,
        last_viewed=int(row.last_viewed),
        previous_replies=0 if new else max(0, replies - added),
        previous_mentions=0 if new else max(0, unread_mentions - mentions),
    )
