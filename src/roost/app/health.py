"""Whether the pieces this node depends on answer."""

from __future__ import annotations

import asyncio

from sqlalchemy import text

from roost.store.database import Database

CHECK_TIMEOUT_SECONDS = 2.0


class Health:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def database_ok(self) -> bool:
        try:
            async with asyncio.timeout(CHECK_TIMEOUT_SECONDS), self._db.read() as conn:
                await conn.execute(text("SELECT 1"))
        except Exception:
            return False
        return True
