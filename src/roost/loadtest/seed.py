"""``roost loadtest seed``: write a realistic data set straight into a Roost database.

Rows go in through ``roost.store.db.bulk`` (COPY on PostgreSQL, multi-row inserts on
SQLite) in batches of tens of thousands, each batch one transaction, so a million
posts take minutes, not hours. Every user shares one password hashed once.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import bcrypt
from sqlalchemy import Table
from sqlalchemy.engine import make_url

from roost.clock import now_ms
from roost.loadtest.manifest import Manifest
from roost.loadtest.seed_plan import (
    PostWriter,
    SeedConfig,
    admin_username,
    plan,
    team_rows,
    user_rows,
    username,
)
from roost.store import tables
from roost.store.accounts import users as user_store
from roost.store.db import bulk
from roost.store.db.database import Database
from roost.store.db.migrate import upgrade_async
from roost.tenancy import DEFAULT_TENANT_ID
from roost.tenancy.scope import enter_tenant

FLUSH_ROWS = 50_000
PROGRESS_EVERY_S = 5.0

Progress = Callable[[str], None]


class SeedError(Exception):
    pass


@dataclass(slots=True)
class SeedResult:
    manifest: Manifest
    manifest_path: Path
    elapsed_s: float
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def rows(self) -> int:
        return sum(self.counts.values())

    @property
    def rows_per_s(self) -> float:
        return self.rows / self.elapsed_s if self.elapsed_s > 0 else 0.0

    @property
    def posts_per_s(self) -> float:
        return self.counts.get("posts", 0) / self.elapsed_s if self.elapsed_s > 0 else 0.0


class _Batches:
    """Rows waiting to be written. A full batch is written as one transaction in the
    background while the next one is generated (the database works in its own process)."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.pending: dict[str, list[dict[str, Any]]] = {}
        self.size = 0
        self.counts: dict[str, int] = {}
        self._writing: asyncio.Task[None] | None = None

    def add(self, table: Table, rows: list[dict[str, Any]]) -> None:
        if rows:
            self.pending.setdefault(table.name, []).extend(rows)
            self.size += len(rows)

    async def maybe_flush(self) -> None:
        if self.size >= FLUSH_ROWS:
            await self._wait()
            batch, self.pending, self.size = self.pending, {}, 0
            self._writing = asyncio.create_task(self._write(batch))
        else:
            await asyncio.sleep(0)  # let a background write make progress

    async def flush(self) -> None:
        await self._wait()
        batch, self.pending, self.size = self.pending, {}, 0
        await self._write(batch)

    async def abandon(self) -> None:
        """After a failure: let a background write finish (or fail) before the pool closes."""
        if self._writing is not None:
            with contextlib.suppress(Exception):
                await self._writing
            self._writing = None

    async def _wait(self) -> None:
        if self._writing is not None:
            task, self._writing = self._writing, None
            await task

    async def _write(self, batch: dict[str, list[dict[str, Any]]]) -> None:
        if not batch:
            return
        async with self.db.write() as conn:
            for name, rows in batch.items():
                await bulk.insert_rows(conn, tables.metadata.tables[name], rows)
                self.counts[name] = self.counts.get(name, 0) + len(rows)


def _redact(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


async def seed(
    database_url: str,
    cfg: SeedConfig,
    manifest_path: Path,
    progress: Progress | None = None,
) -> SeedResult:
    cfg = cfg.resolved()
    say = progress or (lambda _msg: None)
    enter_tenant(DEFAULT_TENANT_ID)  # the data is the default tenant's
    await upgrade_async(database_url)
    db = Database(database_url)
    batches = _Batches(db)
    try:
        async with db.read() as conn:
            for name in (username(cfg.prefix, 0), admin_username(cfg.prefix)):
                if await user_store.get_by_username(conn, DEFAULT_TENANT_ID, name) is not None:
                    raise SeedError(
                        f"user {name} already exists: this database was seeded with prefix "
                        f"{cfg.prefix!r}; choose another --prefix or a fresh database"
                    )
        started = time.perf_counter()
        password_hash = (
            await asyncio.to_thread(
                bcrypt.hashpw, cfg.password.encode(), bcrypt.gensalt(cfg.bcrypt_cost)
            )
        ).decode()
        now = now_ms()
        rng = random.Random(cfg.seed)
        layout = plan(cfg, now, rng)
        say(
            f"plan: {cfg.users} users, {len(layout.teams)} teams, {len(layout.channels)} "
            f"channels, {cfg.posts} posts"
        )
        t = DEFAULT_TENANT_ID
        batches.add(tables.users, list(user_rows(layout, t, password_hash)))
        teams, team_members = team_rows(layout, t)
        batches.add(tables.teams, teams)
        batches.add(tables.team_members, team_members)
        await batches.flush()
        writer = PostWriter(cfg, t, now, rng)
        posts_done = 0
        last_report = time.perf_counter()
        for pc in layout.channels:
            rows = writer.channel_rows(pc)
            batches.add(tables.channels, [rows.channel])
            batches.add(tables.channel_members, rows.members)
            batches.add(tables.posts, rows.posts)
            batches.add(tables.reactions, rows.reactions)
            posts_done += len(rows.posts)
            await batches.maybe_flush()
            if time.perf_counter() - last_report >= PROGRESS_EVERY_S:
                last_report = time.perf_counter()
                elapsed = last_report - started
                say(
                    f"{posts_done}/{cfg.posts} posts in {elapsed:.0f} s "
                    f"({posts_done / elapsed:,.0f} posts/s)"
                )
        await batches.flush()
        async with db.write() as conn:
            await bulk.analyze(conn)
        elapsed = time.perf_counter() - started
    finally:
        await batches.abandon()
        await db.close()
    manifest = Manifest(
        prefix=cfg.prefix,
        users=cfg.users,
        password=cfg.password,
        teams=[team.name for team in layout.teams],
        bcrypt_cost=cfg.bcrypt_cost,
        created_at=now,
        database=_redact(database_url),
        counts=dict(batches.counts),
    )
    manifest.save(manifest_path)
    return SeedResult(manifest, manifest_path, round(elapsed, 2), dict(batches.counts))
