"""The imports service: runs an import of a file (for the command line and for jobs),
keeps the uploads that bring import files, and runs import_process jobs in this server
process with their progress in the database (``GET /jobs/{id}``).

Uploaded files wait in ``ROOST_IMPORT_DIRECTORY/<tenant>/`` on the node that received
them; a job runs on the node it was created on. Only system admins reach any of it."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

from roost.app.imports import errors
from roost.app.imports.archive import ArchiveError, Limits, Source
from roost.app.imports.mattermost import MattermostImport
from roost.app.imports.report import Progress, Report
from roost.app.imports.slack import converted
from roost.app.kernel.context import Actor
from roost.clock import now_ms
from roost.config.imports import ImportSettings
from roost.filestore import FileStore
from roost.ids import new_id
from roost.store.db.database import Database
from roost.store.imports import jobs as job_store
from roost.tenancy.scope import tenant_scope

IMPORT_PROCESS = "import_process"
PROGRESS_WRITE_SECONDS = 1.0
FILENAME_MAX = 200


class Imports:
    def __init__(
        self,
        db: Database,
        files: FileStore,
        settings: ImportSettings,
        data_dir: Path,
        max_attachment_bytes: int,
        forget_channels: Callable[[str], None] | None = None,
    ) -> None:
        self._db = db
        # The node's caches of channels (members, counters) are filled from rows an import
        # changes behind their back: a job drops them when it ends.
        self._forget_channels = forget_channels
        self._files = files
        self.settings = settings
        self.root = settings.import_directory or data_dir / "import"
        self.limits = Limits(settings.import_max_file_bytes, max_attachment_bytes)
        self.mattermost = MattermostImport(db, files)
        self._running: dict[str, asyncio.Task[None]] = {}

    def open(self, path: Path) -> Source:
        return Source(path, self.limits)

    async def run_file(
        self,
        path: Path,
        tenant_id: str,
        kind: str,
        *,
        dry_run: bool = False,
        progress: Progress | None = None,
        team: str | None = None,
    ) -> Report:
        """Import ``path`` (kind "mattermost" or "slack"; a Slack export goes into the team
        ``team``, by default named after the file). Raises ValueError (ArchiveError) when
        the file cannot be read at all; line problems are in the report."""
        source = self.open(path)
        try:
            if kind == "slack":
                async with converted(source, team) as (derived, notes):
                    report = await self.mattermost.run(
                        derived, tenant_id, dry_run=dry_run, progress=progress
                    )
                report.notes.extend(notes)
                return report
            return await self.mattermost.run(source, tenant_id, dry_run=dry_run, progress=progress)
        finally:
            source.close()

    # Import files and their uploads.

    def folder(self, tenant_id: str) -> Path:
        return self.root / tenant_id

    def list_imports(self, actor: Actor) -> list[str]:
        _admin(actor)
        folder = self.folder(actor.tenant_id)
        if not folder.is_dir():
            return []
        return sorted(
            p.name for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")
        )

    async def create_upload(self, actor: Actor, body: dict[str, Any]) -> dict[str, Any]:
        _admin(actor)
        if body.get("type") != "import":
            raise errors.upload_bad_type()
        name = Path(str(body.get("filename") or "")).name
        size = body.get("file_size")
        if not name or len(name) > FILENAME_MAX or name.startswith("."):
            raise errors.upload_bad_request("filename is missing or not valid")
        if not isinstance(size, int) or isinstance(size, bool) or size <= 0:
            raise errors.upload_bad_request("file_size must be a positive number")
        if size > self.settings.import_max_file_bytes:
            raise errors.upload_too_large(self.settings.import_max_file_bytes)
        upload = {
            "id": new_id(),
            "user_id": actor.user_id,
            "filename": name,
            "file_size": size,
            "file_offset": 0,
            "create_at": now_ms(),
        }
        async with self._db.write() as conn:
            await job_store.insert_upload(conn, actor.tenant_id, upload)
        return _upload_json(upload)

    async def get_upload(self, actor: Actor, upload_id: str) -> dict[str, Any]:
        _admin(actor)
        return _upload_json(await self._upload(actor, upload_id))

    async def _upload(self, actor: Actor, upload_id: str) -> dict[str, Any]:
        async with self._db.read(primary=True) as conn:
            upload = await job_store.get_upload(conn, actor.tenant_id, upload_id)
        if upload is None or upload["user_id"] != actor.user_id:
            raise errors.upload_not_found()
        return upload

    async def upload_data(
        self, actor: Actor, upload_id: str, chunks: AsyncIterator[bytes]
    ) -> dict[str, Any] | None:
        """Append the request's bytes; when the upload is complete, the file joins the
        import files (its name ``<upload id>_<filename>``, as Mattermost names it) and
        its description is returned, else None (the client sends the rest)."""
        _admin(actor)
        upload = await self._upload(actor, upload_id)
        spool = self.folder(actor.tenant_id) / f".{upload_id}.part"
        spool.parent.mkdir(parents=True, exist_ok=True)
        offset = upload["file_offset"]
        with spool.open("ab") as out:
            out.truncate(offset)  # a retried part overwrites what the failed one left
            async for chunk in chunks:
                offset += len(chunk)
                if offset > upload["file_size"]:
                    raise errors.upload_bad_request("more bytes than file_size")
                out.write(chunk)
        async with self._db.write() as conn:
            if offset < upload["file_size"]:
                await job_store.set_upload_offset(conn, actor.tenant_id, upload_id, offset)
            else:
                await job_store.delete_upload(conn, actor.tenant_id, upload_id)
        if offset < upload["file_size"]:
            return None
        final = self.folder(actor.tenant_id) / f"{upload_id}_{upload['filename']}"
        spool.rename(final)
        return {"name": final.name, "size": offset}

    # Jobs.

    async def create_job(self, actor: Actor, kind: str, data: dict[str, Any]) -> dict[str, Any]:
        _admin(actor)
        if kind != IMPORT_PROCESS:
            raise errors.bad_job_type(kind)
        name = str(data.get("import_file") or "")
        path = self.folder(actor.tenant_id) / Path(name).name
        if not name or not path.is_file():
            raise errors.file_not_found(name)
        job_id = new_id()
        job: dict[str, Any] = {
            "id": job_id,
            "type": IMPORT_PROCESS,
            "status": "pending",
            "progress": 0,
            "data": {"import_file": path.name},
            "create_at": now_ms(),
            "start_at": 0,
            "last_activity_at": 0,
        }
        async with self._db.write() as conn:
            await job_store.insert_job(conn, actor.tenant_id, job)
        kind_of_file = "slack" if data.get("source") == "slack" else "mattermost"
        task = asyncio.create_task(self._run_job(actor.tenant_id, job_id, path, kind_of_file))
        self._running[job_id] = task
        task.add_done_callback(lambda _t: self._running.pop(job_id, None))
        return _job_json(job)

    async def get_job(self, actor: Actor, job_id: str) -> dict[str, Any]:
        _admin(actor)
        async with self._db.read(primary=True) as conn:
            job = await job_store.get_job(conn, actor.tenant_id, job_id)
        if job is None:
            raise errors.job_not_found()
        return _job_json(job)

    async def list_jobs(self, actor: Actor, page: int, per_page: int) -> list[dict[str, Any]]:
        _admin(actor)
        async with self._db.read() as conn:
            found = await job_store.list_jobs(conn, actor.tenant_id, page * per_page, per_page)
        return [_job_json(j) for j in found]

    async def _run_job(self, tenant_id: str, job_id: str, path: Path, kind: str) -> None:
        with tenant_scope(tenant_id):
            await self._set(tenant_id, job_id, status="in_progress", start_at=now_ms())
            last = 0.0
            pending: list[asyncio.Task[None]] = []

            def progress(done: int, total: int) -> None:
                nonlocal last
                if not total or time.monotonic() - last < PROGRESS_WRITE_SECONDS:
                    return
                last = time.monotonic()
                percent = min(99, done * 100 // max(total, 1))
                pending.append(asyncio.create_task(self._set(tenant_id, job_id, progress=percent)))

            try:
                report = await self.run_file(path, tenant_id, kind, progress=progress)
            except (ArchiveError, ValueError, LookupError) as exc:
                report = Report()
                report.problem(path.name, 0, str(exc))
            except Exception as exc:  # the job records any failure; the server goes on
                report = Report()
                report.problem(path.name, 0, f"{type(exc).__name__}: {exc}")
            for task in pending:
                with contextlib.suppress(Exception):
                    await task
            if self._forget_channels is not None:
                self._forget_channels(tenant_id)
            data: dict[str, Any] = {"import_file": path.name, **report.to_dict()}
            if not report.ok:
                data["error"] = str(report.problems[0]) if report.problems else "failed"
            await self._set(
                tenant_id,
                job_id,
                status="success" if report.ok else "error",
                progress=100 if report.ok else 0,
                data=data,
            )

    async def _set(self, tenant_id: str, job_id: str, **values: Any) -> None:
        values["last_activity_at"] = now_ms()
        async with self._db.write() as conn:
            await job_store.update_job(conn, tenant_id, job_id, **values)

    async def close(self) -> None:
        """Stop running jobs (server shutdown); each is left in_progress, to be run again."""
        tasks = list(self._running.values())
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(BaseException):
                await task


def _admin(actor: Actor) -> None:
    if not actor.is_system_admin:
        raise errors.forbidden()


def _upload_json(upload: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": upload["id"],
        "type": "import",
        "create_at": upload["create_at"],
        "user_id": upload["user_id"],
        "channel_id": "",
        "filename": upload["filename"],
        "file_size": upload["file_size"],
        "file_offset": upload["file_offset"],
    }


def _job_json(job: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": job["id"],
        "type": job["type"],
        "priority": 0,
        "create_at": job["create_at"],
        "start_at": job["start_at"],
        "last_activity_at": job["last_activity_at"],
        "status": job["status"],
        "progress": job["progress"],
        "data": {k: v if isinstance(v, str) else _text(v) for k, v in job["data"].items()},
    }


def _text(value: Any) -> str:
    """Mattermost's job data is a map of strings."""
    import orjson

    return orjson.dumps(value).decode()
