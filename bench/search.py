"""Post search on a database of a million posts.

Setup: one `roost serve` on a fresh PostgreSQL (or SQLite) database; this script loads
the corpus straight into the database, then searches over HTTP. The corpus: --posts
messages of 5 to 40 words drawn from a 30,000-word vocabulary with Zipf's law (s=1.07),
as natural text is, across --channels channels; the searcher is a member of a quarter of
the channels, so every query is also narrowed by channel. Query terms are picked by how
many posts contain them (bands from ~0.01% to ~5% of posts), plus phrases, from: and
in: filters, and two-word AND/OR searches. Each band runs --clients concurrent clients
for --seconds; p50/p99 are HTTP round trips of /teams/{id}/posts/search (per_page 20).

    .venv/bin/python -m bench.search --backend postgres --posts 1000000 --seconds 15
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import itertools
import random
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import aiohttp
from sqlalchemy import DefaultClause

from bench.common import describe, machine, percentile
from roost.ids import new_id
from roost.store import tables
from roost.store.db import bulk
from roost.store.db.database import Database
from roost.tenancy import DEFAULT_TENANT_ID
from roost.tenancy.scope import enter_tenant
from tests.support.client import create_user, expect
from tests.support.databases import database
from tests.support.server import running_server

VOCABULARY = 30_000
ZIPF_S = 1.07
AUTHORS = 50
SYLLABLES = [c + v for c in "bcdfghjklmnprstvwz" for v in ("a", "e", "i", "o", "u", "ai", "ou")]


def vocabulary(rng: random.Random) -> list[str]:
    """Distinct pronounceable words, so the text parsers see ordinary words."""
    words: set[str] = set()
    ordered: list[str] = []
    while len(ordered) < VOCABULARY:
        word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))
        if word not in words:
            words.add(word)
            ordered.append(word)
    return ordered


def zipf_cumulative() -> list[float]:
    weights = [1 / (rank**ZIPF_S) for rank in range(1, VOCABULARY + 1)]
    return list(itertools.accumulate(weights))


def post_row(post_id: str, channel_id: str, user_id: str, message: str, at: int) -> dict[str, Any]:
    return {
        "tenant_id": DEFAULT_TENANT_ID,
        "id": post_id,
        "create_at": at,
        "update_at": at,
        "edit_at": 0,
        "delete_at": 0,
        "is_pinned": False,
        "user_id": user_id,
        "channel_id": channel_id,
        "root_id": "",
        "original_id": "",
        "message": message,
        "type": "",
        "props": "{}",
        "hashtags": "",
        "file_ids": "[]",
        "has_reactions": False,
        "reply_count": 0,
        "last_reply_at": 0,
        "participants": "[]",
    }


def channel_row(
    channel_id: str, team_id: str, name: str, posts: int, first: int, last: int
) -> dict[str, Any]:
    return {
        "tenant_id": DEFAULT_TENANT_ID,
        "id": channel_id,
        "create_at": first,
        "update_at": first,
        "delete_at": 0,
        "team_id": team_id,
        "type": "O",
        "name": name,
        "display_name": name,
        "header": "",
        "purpose": "",
        "last_post_at": last,
        "last_root_post_at": last,
        "total_msg_count": posts,
        "total_msg_count_root": posts,
        "creator_id": "",
        "props": "{}",
    }


def member_row(channel_id: str, user_id: str) -> dict[str, Any]:
    return {
        "tenant_id": DEFAULT_TENANT_ID,
        "channel_id": channel_id,
        "user_id": user_id,
        "scheme_user": True,
        "scheme_admin": False,
        "explicit_roles": "",
        "last_viewed_at": 0,
        "msg_count": 0,
        "msg_count_root": 0,
        "mention_count": 0,
        "mention_count_root": 0,
        "urgent_mention_count": 0,
        "notify_props": "{}",
        "last_update_at": 0,
    }


class Corpus:
    def __init__(self, seed: int, posts: int, channels: int) -> None:
        self.rng = random.Random(seed)
        self.words = vocabulary(self.rng)
        self.cumulative = zipf_cumulative()
        self.posts = posts
        self.channel_count = channels
        self.document_frequency: Counter[str] = Counter()

    def message(self) -> str:
        total = self.cumulative[-1]
        picks = [
            self.words[bisect.bisect_left(self.cumulative, self.rng.random() * total)]
            for _ in range(self.rng.randint(5, 40))
        ]
        self.document_frequency.update(set(picks))
        return " ".join(picks)


async def load(url: str, corpus: Corpus, team_id: str, searcher_id: str) -> dict[str, Any]:
    """Channels, authors and posts, straight into the store; returns what queries need."""
    rng = corpus.rng
    enter_tenant(DEFAULT_TENANT_ID)  # the data is the default tenant's
    db = Database(url)
    started = time.perf_counter()
    channel_ids = [new_id() for _ in range(corpus.channel_count)]
    names = [f"chan-{i:04d}" for i in range(corpus.channel_count)]
    authors = [(new_id(), f"author{i:02d}") for i in range(AUTHORS)]
    joined = channel_ids[: max(1, corpus.channel_count // 4)]
    now = int(time.time() * 1000)
    per_channel: Counter[str] = Counter()
    is_postgres = url.startswith("postgresql")
    try:
        async with db.write() as conn:
            if is_postgres:
                # Build the text index once over the loaded rows, not row by row.
                await conn.exec_driver_sql("DROP INDEX IF EXISTS ix_posts_message_fts")
            users = [
                {
                    **{
                        c.name: c.server_default.arg
                        for c in tables.users.c
                        if isinstance(c.server_default, DefaultClause)
                    },
                    "tenant_id": DEFAULT_TENANT_ID,
                    "id": uid,
                    "username": name,
                    "email": f"{name}@example.com",
                    "create_at": 1,
                    "update_at": 1,
                    "delete_at": 0,
                    "email_verified": True,
                    "is_bot": False,
                    "last_password_update": 0,
                    "last_picture_update": 0,
                }
                for uid, name in authors
            ]
            await conn.execute(tables.users.insert(), users)
            await bulk.insert_rows(
                conn, tables.channel_members, [member_row(c, searcher_id) for c in joined]
            )
        batch: list[dict[str, Any]] = []
        start_at = now - corpus.posts * 1000
        for i in range(corpus.posts):
            channel_id = rng.choice(channel_ids)
            per_channel[channel_id] += 1
            author = rng.choice(authors)[0]
            batch.append(
                post_row(new_id(), channel_id, author, corpus.message(), start_at + i * 1000)
            )
            if len(batch) >= 50_000:
                async with db.write() as conn:
                    await bulk.insert_rows(conn, tables.posts, batch)
                batch = []
        async with db.write() as conn:
            await bulk.insert_rows(conn, tables.posts, batch)
            await bulk.insert_rows(
                conn,
                tables.channels,
                [
                    channel_row(cid, team_id, name, per_channel[cid], start_at - 1000, now)
                    for cid, name in zip(channel_ids, names, strict=True)
                ],
            )
        loaded = time.perf_counter() - started
        async with db.write() as conn:
            if is_postgres:
                await conn.exec_driver_sql(
                    "CREATE INDEX ix_posts_message_fts ON posts "
                    "USING gin (to_tsvector('english', message))"
                )
            await bulk.analyze(conn)
        indexed = time.perf_counter() - started - loaded
    finally:
        await db.close()
    return {
        "joined_names": [names[channel_ids.index(c)] for c in joined],
        "authors": [name for _, name in authors],
        "load_s": loaded,
        "index_s": indexed,
    }


def bands(corpus: Corpus) -> dict[str, list[str]]:
    """Words grouped by the share of posts containing them."""
    limits = [
        ("~0.01%", 0.00005, 0.0002),
        ("~0.1%", 0.0005, 0.002),
        ("~1%", 0.005, 0.02),
        ("~5%", 0.03, 0.08),
    ]
    out: dict[str, list[str]] = {}
    for label, low, high in limits:
        found = [w for w, n in corpus.document_frequency.items() if low <= n / corpus.posts <= high]
        out[label] = sorted(found)[:200]
    return out


async def run_phase(
    base: str, token: str, team_id: str, queries: list[dict[str, Any]], clients: int, seconds: float
) -> tuple[list[float], list[int], list[int]]:
    latencies: list[float] = []
    errors: list[int] = []
    hits: list[int] = []
    url = f"{base}/api/v4/teams/{team_id}/posts/search"
    headers = {"Authorization": f"Bearer {token}"}
    rng = random.Random(7)
    stop = time.perf_counter() + seconds

    async def client(session: aiohttp.ClientSession) -> None:
        while time.perf_counter() < stop:
            body = rng.choice(queries)
            started = time.perf_counter()
            async with session.post(url, json=body, headers=headers) as r:
                data = await r.json()
                if r.status != 200:
                    errors.append(r.status)
                    continue
            latencies.append((time.perf_counter() - started) * 1000)
            hits.append(len(data["order"]))

    async with aiohttp.ClientSession() as session:
        await asyncio.gather(*[client(session) for _ in range(clients)])
    return latencies, errors, hits


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--backend", choices=["postgres", "sqlite"], default="postgres")
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--channels", type=int, default=200)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--as-owner",
        action="store_true",
        help="PostgreSQL: the server logs in as the superuser (row security not applied)",
    )
    args = parser.parse_args()

    print(f"Machine: {machine()}")
    print(
        f"Setup: one roost serve on {args.backend}; {args.posts:,} posts (Zipf text, "
        f"{VOCABULARY:,}-word vocabulary) in {args.channels} channels; the searcher is in "
        f"{args.channels // 4}; {args.clients} concurrent clients, per_page 20; "
        f"row security {'not applied (superuser)' if args.as_owner else 'applied'}"
    )
    corpus = Corpus(args.seed, args.posts, args.channels)
    with tempfile.TemporaryDirectory(prefix="roost-bench-") as tmp:
        data_dir = Path(tmp)
        with (
            database(args.backend, data_dir) as url,
            running_server(url, data_dir, as_owner=args.as_owner) as base,
        ):
            searcher = create_user(base)
            team = expect(
                searcher.api.post(
                    "/teams", {"name": "search", "display_name": "Search", "type": "O"}
                ),
                201,
            )
            facts = asyncio.run(load(url, corpus, team["id"], searcher.id))
            print(
                f"Loaded {args.posts:,} posts in {facts['load_s']:.0f} s; "
                f"text index and ANALYZE in {facts['index_s']:.0f} s"
            )
            word_bands = bands(corpus)
            rng = random.Random(3)
            phases: dict[str, list[dict[str, Any]]] = {}
            for label, words in word_bands.items():
                if words:
                    phases[f"one word in {label} of posts"] = [
                        {"terms": w, "per_page": 20} for w in words
                    ]
            mid, common = word_bands["~0.1%"], word_bands["~1%"]
            phases["two words, AND (0.1% + 1%)"] = [
                {"terms": f"{rng.choice(mid)} {rng.choice(common)}", "per_page": 20}
                for _ in range(200)
            ]
            phases["two words, OR (0.1% + 0.1%)"] = [
                {
                    "terms": f"{rng.choice(mid)} {rng.choice(mid)}",
                    "is_or_search": True,
                    "per_page": 20,
                }
                for _ in range(200)
            ]
            phases["prefix (first 4 letters of a 0.1% word)"] = [
                {"terms": rng.choice(mid)[:4] + "*", "per_page": 20} for _ in range(200)
            ]
            phases["word + from:author"] = [
                {
                    "terms": f"{rng.choice(common)} from:{rng.choice(facts['authors'])}",
                    "per_page": 20,
                }
                for _ in range(200)
            ]
            phases["word + in:channel"] = [
                {
                    "terms": f"{rng.choice(common)} in:{rng.choice(facts['joined_names'])}",
                    "per_page": 20,
                }
                for _ in range(200)
            ]
            everything: list[float] = []
            for name, queries in phases.items():
                latencies, errors, hits = asyncio.run(
                    run_phase(base, searcher.token, team["id"], queries, args.clients, args.seconds)
                )
                everything += latencies
                print(
                    f"  {name:44s} {len(latencies):5d} searches, "
                    f"{len(latencies) / args.seconds:6.1f}/s, errors {len(errors)}, "
                    f"mean hits {sum(hits) / max(1, len(hits)):.1f}: {describe(latencies)}"
                )
            print(
                f"All searches: p50 {percentile(everything, 50):.1f} ms, "
                f"p99 {percentile(everything, 99):.1f} ms"
            )


if __name__ == "__main__":
    main()
