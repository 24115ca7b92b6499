"""The embedded database's online backup (SQLite's backup API): a consistent copy taken
while the server keeps serving. In WAL mode the copy reads one snapshot and writers are
not held up by it."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

from sqlalchemy.engine import make_url

SIDE_FILES = ("-wal", "-shm", "-journal")


def sqlite_file(database_url: str) -> Path | None:
    """The SQLite file ``database_url`` names, or None for another database."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database)


def copy_database(source: Path, target: Path) -> None:
    """Copy the live database at ``source`` into a new file ``target``."""
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)  # all pages in one step: one snapshot
        finally:
            dst.close()
    finally:
        src.close()


def integrity(path: Path) -> str:
    """SQLite's own check of a database file ("ok" when sound)."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        conn.close()


def remove_side_files(path: Path) -> None:
    """A restored file replaces the database: the old one's WAL must not be replayed."""
    for suffix in SIDE_FILES:
        with contextlib.suppress(FileNotFoundError):
            Path(f"{path}{suffix}").unlink()
