"""Each plugin's key-value store: the only state a plugin needs, shared by every node.

Reads go to the primary: a plugin's compare-and-set loop reads a value and writes it
back, and a replica a moment behind would make it fail for nothing."""

from __future__ import annotations

from roost.app.kernel import errors
from roost.app.plugins.errors import kv_key_invalid, kv_value_too_large
from roost.clock import now_ms
from roost.store.db.database import Database
from roost.store.plugins import kv as kv_store
from roost.tenancy.scope import across_tenants

KEY_MAX = 150  # Mattermost's limit on key length
VALUE_MAX_BYTES = 1024 * 1024
EXPIRY_MAX_SECONDS = 10 * 365 * 24 * 3600
LIST_MAX_PER_PAGE = 1000


def _check_key(key: str) -> None:
    if not isinstance(key, str) or not 0 < len(key) <= KEY_MAX:
        raise kv_key_invalid(KEY_MAX)


def _check_value(value: bytes) -> None:
    if not isinstance(value, bytes) or len(value) > VALUE_MAX_BYTES:
        raise kv_value_too_large(VALUE_MAX_BYTES)


def _expire_at(seconds: int, now: int) -> int:
    if isinstance(seconds, bool) or not isinstance(seconds, int):
        raise errors.invalid_param("expire_in_seconds")
    if not 0 <= seconds <= EXPIRY_MAX_SECONDS:
        raise errors.invalid_param("expire_in_seconds")
    return now + seconds * 1000 if seconds else 0


class PluginKV:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def get(self, tenant_id: str, plugin_id: str, key: str) -> bytes | None:
        _check_key(key)
        async with self._db.read(primary=True) as conn:
            return await kv_store.get(conn, tenant_id, plugin_id, key, now_ms())

    async def set(
        self, tenant_id: str, plugin_id: str, key: str, value: bytes, expire_in_seconds: int = 0
    ) -> None:
        _check_key(key)
        _check_value(value)
        now = now_ms()
        expire_at = _expire_at(expire_in_seconds, now)
        async with self._db.write() as conn:
            await kv_store.put(conn, tenant_id, plugin_id, key, value, expire_at)

    async def set_with_options(
        self,
        tenant_id: str,
        plugin_id: str,
        key: str,
        value: bytes | None,
        atomic: bool,
        old_value: bytes | None,
        expire_in_seconds: int,
    ) -> bool:
        _check_key(key)
        if value is not None:
            _check_value(value)
        now = now_ms()
        expire_at = _expire_at(expire_in_seconds, now)
        if not atomic:
            if value is None:
                await self.delete(tenant_id, plugin_id, key)
            else:
                await self.set(tenant_id, plugin_id, key, value, expire_in_seconds)
            return True
        async with self._db.write() as conn:
            if old_value is None:
                if value is None:
                    # Delete-if-absent: true exactly when there is nothing to delete.
                    return await kv_store.get(conn, tenant_id, plugin_id, key, now) is None
                return await kv_store.insert_if_absent(
                    conn, tenant_id, plugin_id, key, value, expire_at, now
                )
            if value is None:
                return await kv_store.compare_and_delete(
                    conn, tenant_id, plugin_id, key, old_value, now
                )
            return await kv_store.compare_and_set(
                conn, tenant_id, plugin_id, key, old_value, value, expire_at, now
            )

    async def delete(self, tenant_id: str, plugin_id: str, key: str) -> None:
        _check_key(key)
        async with self._db.write() as conn:
            await kv_store.remove(conn, tenant_id, plugin_id, key)

    async def delete_all(self, tenant_id: str, plugin_id: str) -> None:
        async with self._db.write() as conn:
            await kv_store.remove_all(conn, tenant_id, plugin_id)

    async def list_keys(
        self, tenant_id: str, plugin_id: str, page: int, per_page: int
    ) -> list[str]:
        if page < 0 or not 0 < per_page <= LIST_MAX_PER_PAGE:
            raise errors.invalid_param("per_page")
        async with self._db.read(primary=True) as conn:
            return await kv_store.list_keys(
                conn, tenant_id, plugin_id, now_ms(), page * per_page, per_page
            )

    async def sweep_expired(self, tenant_id: str) -> int:
        """Delete expired keys (they already read as absent); any node may, any time."""
        async with self._db.write() as conn:
            return await kv_store.delete_expired(conn, tenant_id, now_ms())

    async def sweep_expired_everywhere(self) -> int:
        """The same for every tenant in one statement (the plugin runtime's timer)."""
        removed = 0
        for database in self._db.names():  # tenants live in several databases
            with across_tenants(database):
                async with self._db.write() as conn:
                    removed += await kv_store.delete_expired_everywhere(conn, now_ms())
        return removed
