"""Importing a Mattermost bulk-import file (JSONL, bare or in a zip with its
attachments) into one tenant.

A run is two passes over the stream: ``check.Checker`` reads every line and reports
every problem (file and line) without writing; only a file without problems is then
written, in batches of consecutive lines of one type, each batch one transaction. A run
that stops part-way leaves whole batches behind; the next run of the same file skips
what they wrote (natural keys) and goes on. Last, members with no read state of their
own have read the imported history."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any

from roost.app.imports.archive import Source
from roost.app.imports.catalog import Catalog
from roost.app.imports.check import Checker, parsed_lines
from roost.app.imports.posts import PostWriter
from roost.app.imports.records import NOT_APPLIED
from roost.app.imports.report import Progress, Report
from roost.app.imports.structure import StructureWriter
from roost.filestore import FileStore
from roost.store.db.database import Database
from roost.store.imports import write

POSTS_PER_BATCH = 2000  # posts and replies
LINES_PER_BATCH = 500  # other lines
MARK_READ_CHANNELS = 500

Body = dict[str, Any]


class MattermostImport:
    def __init__(self, db: Database, files: FileStore) -> None:
        self._db = db
        self._files = files

    async def check(
        self, source: Source, tenant_id: str, progress: Progress | None = None
    ) -> Report:
        report = Report(dry_run=True)
        started = time.perf_counter()
        await Checker(self._db, tenant_id).check(source, report, progress)
        report.elapsed_s = time.perf_counter() - started
        return report

    async def run(
        self,
        source: Source,
        tenant_id: str,
        *,
        dry_run: bool = False,
        progress: Progress | None = None,
    ) -> Report:
        report = await self.check(source, tenant_id, progress)
        if dry_run or not report.ok:
            return report
        report.dry_run = False
        started = time.perf_counter()
        await self._write(source, tenant_id, report, progress)
        report.elapsed_s += time.perf_counter() - started
        return report

    async def _write(
        self, source: Source, tenant_id: str, report: Report, progress: Progress | None
    ) -> None:
        catalog = Catalog(tenant_id)
        structure = StructureWriter(catalog, source, self._files, report)
        posts = PostWriter(catalog, source, self._files, report)
        handlers: dict[str, Callable[[Any, list[Body]], Awaitable[None]]] = {
            "team": structure.teams,
            "channel": structure.channels,
            "user": structure.users,
            "bot": structure.bots,
            "direct_channel": structure.direct_channels,
            "emoji": structure.emoji,
            "post": lambda conn, bodies: posts.write(conn, bodies, direct=False),
            "direct_post": lambda conn, bodies: self._direct_posts(structure, posts, conn, bodies),
        }
        total = report.lines
        done = 0
        kind, size, last_line = "", 0, 0
        batch: list[Body] = []

        async def flush() -> None:
            nonlocal batch, size
            if batch:
                async with self._db.write() as conn:
                    await handlers[kind](conn, batch)
            batch, size = [], 0
            if progress is not None:
                progress(last_line, total)

        member = source.jsonl_name()
        skipped: set[str] = set()
        for _number, line_kind, body in parsed_lines(source, member, None):
            done += 1
            if line_kind == "version" or line_kind in NOT_APPLIED:
                if line_kind in NOT_APPLIED and line_kind not in skipped:
                    skipped.add(line_kind)
                    report.notes.append(f"{line_kind} lines are read but not applied")
                continue
            if line_kind != kind:
                await flush()
                kind = line_kind
            batch.append(body)
            last_line = done
            size += 1 + len(body.get("replies", ()))
            limit = POSTS_PER_BATCH if kind in ("post", "direct_post") else LINES_PER_BATCH
            if size >= limit:
                await flush()
        await flush()
        touched = sorted(posts.touched)
        for start in range(0, len(touched), MARK_READ_CHANNELS):
            async with self._db.write() as conn:
                await write.mark_read(conn, tenant_id, touched[start : start + MARK_READ_CHANNELS])
        if progress is not None:
            progress(total, total)

    @staticmethod
    async def _direct_posts(
        structure: StructureWriter, posts: PostWriter, conn: Any, bodies: list[Body]
    ) -> None:
        # As Mattermost's importer does, a direct post's channel is made if no
        # direct_channel line made it.
        made = await structure.chats(conn, [b["channel_members"] for b in bodies], {})
        structure.report.add("direct_channels", made)
        await posts.write(conn, bodies, direct=True)
