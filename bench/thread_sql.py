"""The thread list in SQL, Roost's statements beside Mattermost's, and the EXPLAIN
plans of the hot statements (phase 5 of bench/threads.py)."""

from __future__ import annotations

import argparse
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import asyncpg
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncConnection

from bench.common import describe, percentile
from bench.thread_facts import PER_PAGE, Facts, T
from roost.store.channels import members as member_store
from roost.store.channels import teams as team_store
from roost.store.db.database import Database
from roost.store.posts import lists as list_store
from roost.store.posts import posts as post_store
from roost.store.posts import threads as thread_store
from roost.store.posts.thread_fanout import record_replies
from roost.tenancy import DEFAULT_TENANT_ID
from roost.tenancy.scope import enter_tenant

# SQL side by side.

# Mattermost's thread list (GetThreadsForUser) on Roost's schema: its Threads row is the
# root post here (last_reply_at, delete_at) and its ThreadTeamId the channel's team.
MM_LIST = """
SELECT p.*, tm.last_viewed AS last_viewed_at, tm.unread_mentions,
       (SELECT count(r.id) FROM posts r
         WHERE r.tenant_id = tm.tenant_id AND r.root_id = tm.post_id
           AND r.create_at > tm.last_viewed AND r.delete_at = 0) AS unread_replies
  FROM thread_memberships tm
  JOIN posts p ON p.tenant_id = tm.tenant_id AND p.id = tm.post_id
  JOIN channels c ON c.tenant_id = p.tenant_id AND c.id = p.channel_id
 WHERE tm.tenant_id = $1 AND tm.user_id = $2 AND tm.following
   AND p.delete_at = 0 AND c.team_id IN ($3, '')
 ORDER BY p.last_reply_at DESC
 LIMIT 25
"""

_MM_FROM = """
  FROM thread_memberships tm
  JOIN posts p ON p.tenant_id = tm.tenant_id AND p.id = tm.post_id
  JOIN channels c ON c.tenant_id = p.tenant_id AND c.id = p.channel_id
 WHERE tm.tenant_id = $1 AND tm.user_id = $2 AND tm.following
   AND p.delete_at = 0 AND c.team_id IN ($3, '')
"""
# Its totals: GetTotalThreads, GetTotalUnreadThreads, GetTotalUnreadMentions.
MM_TOTALS = {
    "total": f"SELECT count(tm.post_id) {_MM_FROM}",
    "unread threads": (
        f"SELECT count(DISTINCT tm.post_id) {_MM_FROM} AND p.last_reply_at > tm.last_viewed"
    ),
    "unread mentions": f"SELECT coalesce(sum(tm.unread_mentions), 0) {_MM_FROM}",
}


@dataclass
class Statement:
    sql: str
    params: tuple[Any, ...]
    ms: float = 0.0


class Recorder:
    """The statements Roost's store runs, as sent to asyncpg (numeric ``$n`` params)."""

    def __init__(self, db: Database) -> None:
        self.statements: list[Statement] = []
        self._started = 0.0
        event.listen(db.engine.sync_engine, "before_cursor_execute", self._before)
        event.listen(db.engine.sync_engine, "after_cursor_execute", self._after)

    def _before(self, _c: Any, _cur: Any, sql: str, params: Any, _ctx: Any, many: bool) -> None:
        assert not many, "executemany is not replayed"
        self.statements.append(Statement(sql, tuple(params or ())))
        self._started = time.perf_counter()

    def _after(self, *_: Any) -> None:
        self.statements[-1].ms = (time.perf_counter() - self._started) * 1000

    @contextmanager
    def recording(self) -> Iterator[list[Statement]]:
        start = len(self.statements)
        out: list[Statement] = []
        yield out
        out.extend(self.statements[start:])


@dataclass
class RoostList:
    totals: Statement
    page: Statement
    roots: Statement
    # For the comparison: thread id -> unread replies, and (total, unread, mentions).
    unread: dict[str, int]
    counts: tuple[int, int, int]


async def roost_list(
    db: Database, recorder: Recorder, user: str, team: str
) -> tuple[RoostList, dict[str, Statement]]:
    """What Threads.user_threads runs for ?per_page=25 (after its team check), recorded;
    and the statements behind the unread endpoints for the same user."""
    async with db.read() as conn:
        with recorder.recording() as got:
            counts = await thread_store.totals(conn, T, user, team, False)
            page = await thread_store.list_memberships(
                conn, T, user, team, thread_store.ListOptions(per_page=PER_PAGE)
            )
            await post_store.get_posts(conn, T, [m.post_id for m in page], include_deleted=True)
        with recorder.recording() as unread:
            await team_store.members_for_user(conn, T, user)
            await member_store.unreads_for_user(conn, T, user, team_id=team)
            await thread_store.team_unreads(conn, T, user, [team])
    listed = RoostList(
        got[0],
        got[1],
        got[2],
        {m.post_id: m.unread_replies for m in page},
        (counts.total, counts.unread_threads, counts.unread_mentions),
    )
    names = ("team memberships", "channel unreads (team)", "thread unreads (teams)")
    return listed, dict(zip(names, unread, strict=True))


async def _timed(conn: asyncpg.Connection, sql: str, params: Sequence[Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    rows = await conn.fetch(sql, *params)
    return (time.perf_counter() - started) * 1000, rows


def _row(label: str, values: list[float]) -> str:
    return (
        f"  {label:<44} p50 {percentile(values, 50):7.2f} ms  p99 {percentile(values, 99):7.2f} ms"
    )


async def compare(
    conn: asyncpg.Connection,
    group: str,
    users: list[str],
    lists: dict[str, RoostList],
    team: str,
    runs: int,
) -> None:
    """Roost's three statements and Mattermost's four, per thread-list request, in turn
    for each user; and whether both give the same answer."""
    times: dict[str, list[float]] = {}
    mismatches = 0
    for i in range(runs):
        user = users[i % len(users)]
        mine = lists[user]
        roost_ms = 0.0
        for name, st in (("totals", mine.totals), ("page", mine.page), ("roots", mine.roots)):
            ms, _ = await _timed(conn, st.sql, st.params)
            times.setdefault(f"Roost {name}", []).append(ms)
            roost_ms += ms
        times.setdefault("Roost request (3 statements)", []).append(roost_ms)
        mm_ms, rows = await _timed(conn, MM_LIST, (T, user, team))
        times.setdefault("Mattermost list", []).append(mm_ms)
        totals = []
        for name, sql in MM_TOTALS.items():
            ms, found = await _timed(conn, sql, (T, user, team))
            times.setdefault(f"Mattermost {name}", []).append(ms)
            totals.append(int(found[0][0]))
            mm_ms += ms
        times.setdefault("Mattermost request (4 statements)", []).append(mm_ms)
        if i < len(users):
            theirs = {str(r["id"]): int(r["unread_replies"]) for r in rows}
            if theirs != mine.unread or tuple(totals) != mine.counts:
                mismatches += 1
    print(f"{group}: {runs} requests over {len(users)} users, one statement at a time")
    for label, values in times.items():
        print(_row(label, values))
    for pct in (50, 99):
        ratio = percentile(times["Mattermost request (4 statements)"], pct) / percentile(
            times["Roost request (3 statements)"], pct
        )
        print(f"  Mattermost / Roost at p{pct}: {ratio:.1f}x")
    print(
        f"  same threads, unread replies and totals from both: "
        f"{len(users) - mismatches}/{len(users)} users"
    )


async def explain(
    conn: asyncpg.Connection, label: str, sql: str, params: Sequence[Any], rollback: bool = False
) -> None:
    print(f"\n--- {label}")
    print(" ".join(sql.split()))
    if params:
        shown = [p if not isinstance(p, str) or len(p) <= 30 else p[:27] + "..." for p in params]
        print(f"params: {shown}")
    statement = f"EXPLAIN (ANALYZE, BUFFERS) {sql}"
    if rollback:
        tr = conn.transaction()
        await tr.start()
        try:
            rows = await conn.fetch(statement, *params)
        finally:
            await tr.rollback()
    else:
        rows = await conn.fetch(statement, *params)
    for r in rows:
        print(r[0])


@dataclass(frozen=True)
class FakeReply:
    """A reply as thread_fanout sees one (post_batches.NewPost's fields)."""

    root_id: str
    author: str
    create_at: int
    channel_id: str
    team_id: str
    is_member: bool = True
    root_author: str = ""
    follow: tuple[str, ...] = ()
    mentioned: tuple[str, ...] = ()


async def fanout_statements(
    db: Database, recorder: Recorder, facts: Facts, runs: int
) -> tuple[list[Statement], list[float]]:
    """A reply by a follower to the 1,000-follower thread, through thread_fanout, in
    transactions rolled back: the statements of one, and the time of each run."""
    thread = facts.reply_thread
    replier = facts.followers[0]
    times: list[float] = []
    first: list[Statement] = []
    for n in range(runs):
        reply = FakeReply(
            root_id=thread.id,
            author=replier,
            create_at=int(time.time() * 1000),
            channel_id=thread.channel_id,
            team_id=facts.team_id,
            root_author=thread.user_id if thread.user_id != replier else "",
        )
        async with db.engine.connect() as conn:
            tr = await conn.begin()
            with recorder.recording() as got:
                started = time.perf_counter()
                # Inline, whatever the thread's size: this measures the fan-out itself
                # (the server defers it past the reply's commit for large threads).
                await record_replies(conn, T, [reply], inline_max=10**9)
                times.append((time.perf_counter() - started) * 1000)
            await tr.rollback()
        if n == 0:
            first = got
    return first, times


async def sql_phase(url: str, facts: Facts, args: argparse.Namespace) -> None:
    print(
        "\n5. the thread list in SQL, through asyncpg (prepared statements, as the server "
        "runs them); Roost: totals, the page of memberships, the roots by id (recorded "
        "from roost.store); Mattermost: its list with a correlated COUNT(*) per thread, "
        "and its three totals joined with the root posts"
    )
    enter_tenant(DEFAULT_TENANT_ID)  # the data is the default tenant's
    db = Database(url, pool_size=2)
    recorder = Recorder(db)
    team = facts.team_id
    heavy = [u for u, _ in facts.heavy]
    ordinary = [u for u, _ in facts.ordinary]
    lists: dict[str, RoostList] = {}
    unread_sql: dict[str, Statement] = {}
    for user in heavy + ordinary:
        lists[user], unread = await roost_list(db, recorder, user, team)
        if user == heavy[0]:
            unread_sql = unread
    async with db.read() as sa_conn:
        with recorder.recording() as thread_sql:
            await _thread_posts(sa_conn, facts.read_thread.id)

    conn = await asyncpg.connect(url)
    try:
        for group, users in (("heavy users", heavy), ("ordinary users", ordinary)):
            await compare(conn, group, users, lists, team, args.sql_runs)

        print("\nEXPLAIN (ANALYZE, BUFFERS), for the user following the most threads")
        mine = lists[heavy[0]]
        await explain(conn, "Roost thread list: totals", mine.totals.sql, mine.totals.params)
        await explain(conn, "Roost thread list: page", mine.page.sql, mine.page.params)
        await explain(conn, "Roost thread list: roots by id", mine.roots.sql, mine.roots.params)
        for name, st in unread_sql.items():
            await explain(conn, f"Roost unread: {name}", st.sql, st.params)
        await explain(
            conn,
            f"Roost GET /posts/{{root}}/thread ({facts.read_thread.reply_count:,} replies)",
            thread_sql[0].sql,
            thread_sql[0].params,
        )
        args_mm = (T, heavy[0], team)
        await explain(conn, "Mattermost thread list", MM_LIST, args_mm)
        for name, sql in MM_TOTALS.items():
            await explain(conn, f"Mattermost totals: {name}", sql, args_mm)

        # Last: the rolled-back updates leave dead rows behind.
        fanout, fanout_times = await fanout_statements(db, recorder, facts, args.fanout_runs)
        fan = next(s for s in fanout if "NOT IN" in s.sql)
        fan_times = []
        for _ in range(args.fanout_runs):
            tr = conn.transaction()
            await tr.start()
            try:
                ms, rows = await _timed(conn, fan.sql, fan.params)
            finally:
                await tr.rollback()
            fan_times.append(ms)
        print(
            f"\na reply's fan-out to the {len(facts.followers):,} followers of a thread "
            f"(thread_fanout.record_replies, in transactions rolled back): "
            f"{describe(fanout_times)}"
        )
        print(f"  its UPDATE of every follower ({len(rows)} rows): {describe(fan_times)}")
        print("  statements of one: " + "; ".join(f"{_verb(s.sql)} {s.ms:.1f} ms" for s in fanout))
        tr = conn.transaction()
        await tr.start()
        try:
            # One transaction, rolled back: each statement sees the ones before it.
            for k, st in enumerate(fanout, 1):
                await explain(
                    conn,
                    f"Roost reply fan-out {k}/{len(fanout)} ({len(facts.followers):,} "
                    "followers, rolled back)",
                    st.sql,
                    st.params,
                )
        finally:
            await tr.rollback()
    finally:
        await conn.close()
        await db.close()


async def _thread_posts(conn: AsyncConnection, root_id: str) -> None:
    """What GET /posts/{root}/thread reads for the posts: the whole thread."""
    await list_store.thread_posts(
        conn, T, root_id, include_root=True, direction="", from_create_at=0, from_post="", limit=0
    )


def _verb(sql: str) -> str:
    words = sql.split()
    if words[0] == "UPDATE":
        rest = " ".join(words)
        return "UPDATE followers" if "NOT IN" in rest else f"UPDATE {words[1]}"
    return words[0]
