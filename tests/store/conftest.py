"""Store tests talk to the database directly, once on SQLite and once on PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from roost.store.db.database import Database
from roost.store.db.migrate import upgrade_async
from roost.tenancy import DEFAULT_TENANT_ID
from roost.tenancy.scope import tenant_scope
from tests.support.databases import database_async


@pytest.fixture(params=["sqlite", "postgres"])
async def db(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    async with database_async(str(request.param), tmp_path) as url:
        await upgrade_async(url)
        db = Database(url)
        try:
            # The default tenant's work, as a single-tenant install does it.
            with tenant_scope(DEFAULT_TENANT_ID):
                yield db
        finally:
            await db.close()
