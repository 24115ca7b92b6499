"""``roost backup`` / ``roost restore``: the embedded default (SQLite and the local file
store) as one ``.tar.gz``, taken while the server runs.

The database is copied first with SQLite's online backup (one consistent snapshot,
writers not held up), then the file store's objects: every file the copied database
names was written before it, so it is in the archive (an object deleted while the files
are being copied may be missing). A restore replaces the database and the file store of
a stopped server. PostgreSQL and S3 have their own tools (docs/backup.md)."""

from __future__ import annotations

import json
import shutil
import tarfile
import tempfile
import time
from pathlib import Path

import click

from roost import __version__
from roost.config import Settings, load_settings

DB_MEMBER = "roost.db"
FILES_MEMBER = "files"
MANIFEST_MEMBER = "manifest.json"


def _embedded(settings: Settings) -> tuple[Path, Path]:
    """The SQLite file and the local file store's folder, or a clear refusal."""
    from roost.store.db.backup import sqlite_file

    database = sqlite_file(settings.effective_database_url)
    if database is None or settings.database.shard_urls:
        raise click.ClickException(
            "roost backup covers the embedded SQLite database; for PostgreSQL use "
            "pg_dump/pg_restore (docs/backup.md)"
        )
    if settings.files.file_store not in ("", "local"):
        raise click.ClickException(
            "roost backup covers the local file store; back an S3 bucket up with its "
            "own tools (docs/backup.md)"
        )
    return database, settings.database.data_dir / "files"


@click.command()
@click.argument("archive", type=click.Path(dir_okay=False, path_type=Path))
def backup(archive: Path) -> None:
    """Back the database and the file store up into ARCHIVE (.tar.gz), safely while
    the server runs."""
    from roost.store.db.backup import copy_database, integrity

    database, files = _embedded(load_settings())
    if not database.is_file():
        raise click.ClickException(f"no database at {database}")
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="roost-backup-", dir=archive.parent or None) as tmp:
        copy = Path(tmp) / DB_MEMBER
        copy_database(database, copy)
        if integrity(copy) != "ok":
            raise click.ClickException("the copied database failed SQLite's integrity check")
        count = sum(1 for p in files.rglob("*") if p.is_file()) if files.is_dir() else 0
        manifest = {
            "roost_version": __version__,
            "created_at": int(time.time() * 1000),
            "database": DB_MEMBER,
            "files": count,
        }
        (Path(tmp) / MANIFEST_MEMBER).write_text(json.dumps(manifest))
        partial = archive.with_name(archive.name + ".partial")
        with tarfile.open(partial, "w:gz") as tar:
            tar.add(Path(tmp) / MANIFEST_MEMBER, MANIFEST_MEMBER)
            tar.add(copy, DB_MEMBER)
            if files.is_dir():
                tar.add(files, FILES_MEMBER)
        partial.replace(archive)  # a finished archive or none, never half of one
    click.echo(
        f"backed up {database.name} and {count} stored objects to {archive} "
        f"in {time.perf_counter() - started:.1f} s"
    )


@click.command()
@click.argument("archive", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace an existing database and file store.")
def restore(archive: Path, force: bool) -> None:
    """Restore a backup made by `roost backup` (stop the server first)."""
    from roost.store.db.backup import integrity, remove_side_files

    database, files = _embedded(load_settings())
    if database.exists() and not force:
        raise click.ClickException(
            f"{database} exists: stop the server and add --force to replace it"
        )
    database.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="roost-restore-", dir=database.parent) as tmp:
        with tarfile.open(archive, "r:gz") as tar:
            names = tar.getnames()
            if MANIFEST_MEMBER not in names or DB_MEMBER not in names:
                raise click.ClickException(f"{archive} is not a roost backup")
            tar.extractall(tmp, filter="data")  # refuses links and paths leaving tmp
        restored = Path(tmp) / DB_MEMBER
        if integrity(restored) != "ok":
            raise click.ClickException("the backup's database failed SQLite's integrity check")
        remove_side_files(database)
        restored.replace(database)
        if files.exists():
            shutil.rmtree(files)
        if (Path(tmp) / FILES_MEMBER).is_dir():
            (Path(tmp) / FILES_MEMBER).replace(files)
    click.echo(f"restored {archive} into {database} and {files}")
