"""Bringing a database's schema up to date with Alembic."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from roost.config import Settings
from roost.store.db.engines import async_url
from roost.store.db.row_security import TRUST_TEXT_SEARCH_SQL, grant_runtime_role, trust_text_search

log = logging.getLogger("roost.store")

_MIGRATIONS = Path(__file__).parent.parent / "migrations"


def alembic_config(database_url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(_MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return cfg


def upgrade(database_url: str, revision: str = "head", runtime_url: str = "") -> None:
    """Apply migrations. Safe to run on every start: it does nothing when current.

    With a ``runtime_url`` whose role differs (PostgreSQL), that role is granted the
    row access the server needs on every table, the new ones included."""
    command.upgrade(alembic_config(database_url), revision)
    if make_url(database_url).get_backend_name() in ("postgresql", "postgres"):
        # Like Alembic's env: its own loop, so callers run this off theirs.
        asyncio.run(_after_upgrade(database_url, _other_role(database_url, runtime_url)))


async def _after_upgrade(owner_url: str, runtime_role: str) -> None:
    engine = create_async_engine(async_url(owner_url))
    try:
        async with engine.begin() as conn:
            if runtime_role:
                await conn.run_sync(grant_runtime_role, runtime_role)
            trusted = await conn.run_sync(trust_text_search)
    finally:
        await engine.dispose()
    if not trusted:
        log.warning(
            "search cannot use its index behind row-level security in %s: as a superuser, "
            "run in that database: %s",
            make_url(owner_url).database,
            TRUST_TEXT_SEARCH_SQL,
        )


def _other_role(owner_url: str, runtime_url: str) -> str:
    if not runtime_url or runtime_url == owner_url:
        return ""
    owner, runtime = make_url(owner_url), make_url(runtime_url)
    if runtime.get_backend_name() not in ("postgresql", "postgres"):
        return ""
    return runtime.username if runtime.username and runtime.username != owner.username else ""


async def upgrade_async(database_url: str, runtime_url: str = "") -> None:
    # Alembic's env runs its own event loop, so keep it off the caller's.
    await asyncio.to_thread(upgrade, database_url, "head", runtime_url)


def upgrade_all(settings: Settings) -> None:
    """The directory's database and every named one (the same schema in each)."""
    upgrade(settings.migration_database_url, runtime_url=settings.effective_database_url)
    owners = settings.shard_owner_urls
    for name, url in settings.shard_urls.items():
        upgrade(owners[name], runtime_url=url)


async def migrate_all(settings: Settings) -> None:
    await asyncio.to_thread(upgrade_all, settings)
