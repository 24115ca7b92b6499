"""What a thread data set holds, found by SQL (so a reused database needs no manifest):
the users, threads and followers the thread benchmark (bench/threads.py) works with."""

from __future__ import annotations

import random
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field

import asyncpg

from bench.thread_data import Shape, bench_token
from roost.tenancy import DEFAULT_TENANT_ID

T = DEFAULT_TENANT_ID
PER_PAGE = 25


# What the data set holds, found by SQL (so a reused database needs no manifest).


@dataclass
class ThreadInfo:
    id: str
    channel_id: str
    user_id: str
    reply_count: int
    followers: int


@dataclass
class Facts:
    shape: Shape
    team_id: str
    team_name: str
    heavy: list[tuple[str, int]]
    ordinary: list[tuple[str, int]]
    read_thread: ThreadInfo
    reply_thread: ThreadInfo
    followers: list[str]
    readers: list[str]
    sizes: dict[str, str] = field(default_factory=dict)
    settings: dict[str, str] = field(default_factory=dict)


async def discover(url: str, shape: Shape, sample: int, seed: int) -> Facts:
    conn = await asyncpg.connect(url)
    try:
        team = await conn.fetchrow(
            "SELECT id, name FROM teams WHERE tenant_id = $1 AND name = 'crt-bench'", T
        )
        rows = await conn.fetch(
            "SELECT user_id, count(*) AS n FROM thread_memberships"
            " WHERE tenant_id = $1 AND team_id = $2 AND following"
            " GROUP BY user_id ORDER BY n DESC, user_id",
            T,
            team["id"],
        )
        counts = [(str(r["user_id"]), int(r["n"])) for r in rows]
        heavy = [c for c in counts if c[1] >= shape.heavy_follows_min][:sample]
        # Ordinary: between the 25th and 75th percentile of follows.
        middle = counts[len(counts) // 4 : 3 * len(counts) // 4]
        ordinary = sorted(random.Random(seed).sample(middle, min(sample, len(middle))))
        threads = await conn.fetch(
            "SELECT p.id, p.channel_id, p.user_id, p.reply_count, f.n FROM"
            " (SELECT post_id, count(*) AS n FROM thread_memberships"
            "   WHERE tenant_id = $1 AND following GROUP BY post_id HAVING count(*) >= $2) f"
            " JOIN posts p ON p.tenant_id = $1 AND p.id = f.post_id"
            " WHERE p.reply_count >= $3 ORDER BY p.id",
            T,
            shape.heavy_followers,
            shape.heavy_replies,
        )
        infos = [ThreadInfo(*(r[k] for k in range(5))) for r in threads]
        if not heavy or not infos:
            raise SystemExit("the database holds no heavy users or threads: wrong shape?")
        reply_thread = infos[1] if len(infos) > 1 else infos[0]
        followers = [
            str(r[0])
            for r in await conn.fetch(
                "SELECT user_id FROM thread_memberships"
                " WHERE tenant_id = $1 AND post_id = $2 AND following ORDER BY user_id",
                T,
                reply_thread.id,
            )
        ]
        readers = [
            str(r[0])
            for r in await conn.fetch(
                "SELECT user_id FROM thread_memberships"
                " WHERE tenant_id = $1 AND post_id = $2 ORDER BY user_id LIMIT 4",
                T,
                infos[0].id,
            )
        ]
        sizes = {
            name: str(
                await conn.fetchval(f"SELECT pg_size_pretty(pg_total_relation_size('{name}'))")
            )
            for name in ("posts", "thread_memberships", "channel_members")
        }
        sizes["database"] = str(
            await conn.fetchval("SELECT pg_size_pretty(pg_database_size(current_database()))")
        )
        settings = {
            "version": str(await conn.fetchval("SHOW server_version")),
            **{
                name: str(await conn.fetchval(f"SHOW {name}"))
                for name in ("shared_buffers", "work_mem", "effective_cache_size")
            },
        }
    finally:
        await conn.close()
    return Facts(
        shape,
        str(team["id"]),
        str(team["name"]),
        heavy,
        ordinary,
        infos[0],
        reply_thread,
        followers,
        readers,
        sizes,
        settings,
    )


def spread(counts: Sequence[tuple[str, int]]) -> str:
    values = [n for _, n in counts]
    return f"{min(values):,}-{max(values):,} (median {statistics.median(values):,.0f})"


def auth_headers(user_id: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {bench_token(user_id)}"}
