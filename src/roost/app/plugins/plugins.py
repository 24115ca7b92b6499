"""Installing, enabling, configuring and removing server plugins (system admins only).

Every tenant has its own: its installs, enabled set and settings are rows keyed by the
tenant, and the runtime runs an instance per tenant that enabled a plugin. State lives
in the database; each change is announced to every node as an internal
``plugins_changed`` event of the tenant after the commit, and each node's plugin runtime
brings that tenant's instances in line. Bundled plugins are always installed (they ship
with Roost) and trusted; they get a row once an admin enables or configures one.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping

from roost.app.kernel import errors
from roost.app.kernel.audit import AuditLog
from roost.app.kernel.context import Actor
from roost.app.plugins.errors import (
    invalid_plugin_settings,
    plugin_id_bundled,
    plugin_id_installed,
    plugin_not_installed,
    remove_bundled_plugin,
    trusted_plugin_tenant,
)
from roost.clock import now_ms
from roost.cluster.bus import Bus
from roost.model.event import internal_event
from roost.model.events import PLUGINS_CHANGED
from roost.model.plugin import BUNDLED, UPLOADED, InstalledPlugin
from roost.plugin.manifest import Manifest, ManifestError, check_settings, parse_manifest
from roost.store.db.database import Database
from roost.store.plugins import plugins as plugin_store
from roost.tenancy import DEFAULT_TENANT_ID
from roost.tenancy.scope import across_tenants

Catalog = Callable[[], Mapping[str, Manifest]]


class Plugins:
    def __init__(
        self,
        db: Database,
        bus: Bus,
        server_version: str,
        bundled: Catalog,
        audit: AuditLog | None = None,
    ) -> None:
        self._db = db
        self._audit = audit or AuditLog(None)
        self._bus = bus
        self.server_version = server_version
        self._bundled = bundled

    @staticmethod
    def check_manage(actor: Actor) -> None:
        if not actor.is_system_admin:
            raise errors.forbidden()

    def manifest(self, plugin: InstalledPlugin) -> Manifest:
        if plugin.source == BUNDLED and plugin.id in self._bundled():
            return self._bundled()[plugin.id]
        return parse_manifest(plugin.manifest, self.server_version)

    async def installed(self, tenant_id: str) -> list[InstalledPlugin]:
        """Every installed plugin, in id order (the order hooks run in)."""
        async with self._db.read(primary=True) as conn:
            rows = {p.id: p for p in await plugin_store.list_plugins(conn, tenant_id)}
        for plugin_id, manifest in self._bundled().items():
            if plugin_id not in rows:
                rows[plugin_id] = InstalledPlugin(
                    plugin_id, BUNDLED, manifest.raw, trusted=True, settings=manifest.defaults()
                )
        return [rows[k] for k in sorted(rows)]

    async def enabled(self, tenant_id: str) -> list[InstalledPlugin]:
        """The tenant's enabled plugins, in id order (enabled ones always have a row)."""
        async with self._db.read(primary=True) as conn:
            found = await plugin_store.list_enabled(conn, tenant_id)
        return [p for _, p in found]

    async def enabled_everywhere(self) -> dict[str, list[InstalledPlugin]]:
        """Every tenant's enabled plugins, by tenant, in one query (a node starting, or
        re-reading plugin state): tenants that enabled none are not in it."""
        by_tenant: dict[str, list[InstalledPlugin]] = {}
        found: list[tuple[str, InstalledPlugin]] = []
        for database in self._db.names():  # tenants live in several databases
            with across_tenants(database):
                async with self._db.read(primary=True) as conn:
                    found += await plugin_store.list_enabled(conn)
        for tenant_id, plugin in found:
            by_tenant.setdefault(tenant_id, []).append(plugin)
        return by_tenant

    async def get(self, tenant_id: str, plugin_id: str) -> InstalledPlugin:
        for plugin in await self.installed(tenant_id):
            if plugin.id == plugin_id:
                return plugin
        raise plugin_not_installed()

    async def bundle(self, tenant_id: str, plugin_id: str, sha256: str) -> bytes | None:
        async with self._db.read(primary=True) as conn:
            return await plugin_store.get_bundle(conn, tenant_id, plugin_id, sha256)

    async def do_install(
        self,
        actor: Actor,
        manifest: Manifest,
        bundle: bytes,
        *,
        force: bool = False,
        trusted: bool = False,
    ) -> InstalledPlugin:
        """Store an uploaded bundle whose manifest was already read and checked."""
        self.check_manage(actor)
        if trusted and actor.tenant_id != DEFAULT_TENANT_ID:
            # A trusted plugin runs inside the server process, with its access to every
            # tenant's data: only the deployment's own (default) tenant may say so.
            raise trusted_plugin_tenant()
        if manifest.id in self._bundled():
            raise plugin_id_bundled()
        async with self._db.write() as conn:
            existing = await plugin_store.get_plugin(conn, actor.tenant_id, manifest.id)
            if existing is not None and not force:
                raise plugin_id_installed()
            kept = existing.settings if existing is not None else {}
            known = {s.key for s in manifest.settings}
            plugin = InstalledPlugin(
                id=manifest.id,
                source=UPLOADED,
                manifest=manifest.raw,
                enabled=existing.enabled if existing is not None else False,
                trusted=trusted,
                settings=check_settings(manifest, {k: v for k, v in kept.items() if k in known}),
                bundle_sha256=hashlib.sha256(bundle).hexdigest(),
                update_at=now_ms(),
            )
            await plugin_store.save_plugin(conn, actor.tenant_id, plugin, bundle)
        self._audit.record(actor, "uploadPlugin", f"plugin_id={plugin.id} trusted={trusted}")
        await self._changed(actor.tenant_id, plugin.id)
        return plugin

    async def do_set_enabled(self, actor: Actor, plugin_id: str, enabled: bool) -> None:
        self.check_manage(actor)
        plugin = await self.get(actor.tenant_id, plugin_id)
        plugin.enabled, plugin.update_at = enabled, now_ms()
        async with self._db.write() as conn:
            if plugin.source == BUNDLED:
                await plugin_store.save_plugin(conn, actor.tenant_id, plugin)
            elif not await plugin_store.set_enabled(
                conn, actor.tenant_id, plugin_id, enabled, plugin.update_at
            ):
                raise plugin_not_installed()
        self._audit.record(
            actor, "enablePlugin" if enabled else "disablePlugin", f"plugin_id={plugin_id}"
        )
        await self._changed(actor.tenant_id, plugin_id)

    async def do_set_settings(
        self, actor: Actor, plugin_id: str, values: Mapping[str, object]
    ) -> dict[str, object]:
        self.check_manage(actor)
        plugin = await self.get(actor.tenant_id, plugin_id)
        try:
            plugin.settings = check_settings(self.manifest(plugin), dict(values))
        except ManifestError as exc:
            raise invalid_plugin_settings(exc) from None
        plugin.update_at = now_ms()
        async with self._db.write() as conn:
            current = await plugin_store.get_plugin(conn, actor.tenant_id, plugin_id)
            if current is None and plugin.source != BUNDLED:
                raise plugin_not_installed()
            if current is not None:
                plugin.enabled = current.enabled
            await plugin_store.save_plugin(conn, actor.tenant_id, plugin)
        # The keys only: a plugin's settings may hold its secrets.
        self._audit.record(
            actor, "updateConfig", f"plugin_id={plugin_id} settings={sorted(values)}"
        )
        await self._changed(actor.tenant_id, plugin_id)
        return dict(plugin.settings)

    async def do_remove(self, actor: Actor, plugin_id: str) -> None:
        """Uninstall an uploaded plugin. Its key-value store is kept, as in Mattermost, so
        installing it again finds its data."""
        self.check_manage(actor)
        if plugin_id in self._bundled():
            raise remove_bundled_plugin()
        async with self._db.write() as conn:
            if not await plugin_store.delete_plugin(conn, actor.tenant_id, plugin_id):
                raise plugin_not_installed()
        self._audit.record(actor, "removePlugin", f"plugin_id={plugin_id}")
        await self._changed(actor.tenant_id, plugin_id)

    async def _changed(self, tenant_id: str, plugin_id: str) -> None:
        await self._bus.publish(
            [internal_event(tenant_id, PLUGINS_CHANGED, {"plugin_id": plugin_id})]
        )
