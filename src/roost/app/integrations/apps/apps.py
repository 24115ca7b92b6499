"""HTTP apps: installing one from its manifest URL (a system admin's act), listing and
uninstalling them, and the installed apps as the other app services look them up.

Installing fetches the manifest through the safe outbound client, gives the app a bot
(its username is the app id) and an access token for that bot, and keeps a secret the
app's calls are signed with: the one the admin gives, or a new one shown once. Each
node keeps a tenant's installed apps in memory, dropped when any node changes them.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from typing import Any

import orjson

from roost.app.accounts.auth import Auth
from roost.app.accounts.bots import Bots
from roost.app.integrations.apps.bindings import BindingsCache
from roost.app.integrations.apps.calls import base_context, request_body, send
from roost.app.integrations.apps.manifest import check_manifest
from roost.app.integrations.errors import (
    app_bot_only,
    app_installed,
    app_not_found,
    app_username_taken,
    manifest_not_json,
    manifest_unfetchable,
)
from roost.app.integrations.fields import url_field
from roost.app.integrations.outbound import OutboundError, OutboundHttp
from roost.app.kernel import errors
from roost.app.kernel.context import Actor
from roost.clock import now_ms
from roost.cluster.bus import Bus
from roost.model.app import InstalledApp
from roost.model.event import Event, internal_event
from roost.model.events import APPS_CHANGED, RESYNC
from roost.store.accounts import users as user_store
from roost.store.db.database import Database
from roost.store.integrations import apps as app_store

log = logging.getLogger("roost.integrations")

# HS256 keys shorter than the hash (32 bytes) are weak (RFC 7518 section 3.2).
SECRET_MIN = 32
SECRET_MAX = 128


class Apps:
    def __init__(
        self,
        db: Database,
        bus: Bus,
        http: OutboundHttp,
        bots: Bots,
        auth: Auth,
        bindings: BindingsCache,
        site_url: Callable[[str], str],
    ) -> None:
        self._db = db
        self._bus = bus
        self._http = http
        self._bots = bots
        self._auth = auth
        self.bindings = bindings
        self.site_url = site_url  # tenant id -> where it is served
        self._installed: dict[str, list[InstalledApp]] = {}
        bus.subscribe(self._on_event)

    def _on_event(self, event: Event) -> None:
        if event.name == APPS_CHANGED:
            self._installed.pop(event.tenant_id, None)
        elif event.name == RESYNC:
            self._installed.clear()

    # Looking up (every app service).

    def cached_installed(self, tenant_id: str) -> list[InstalledApp]:
        return self._installed.get(tenant_id) or []

    async def installed(self, tenant_id: str) -> list[InstalledApp]:
        found = self._installed.get(tenant_id)
        if found is None:
            async with self._db.read() as conn:
                found = await app_store.list_apps(conn, tenant_id)
            self._installed[tenant_id] = found
        return found

    async def by_id(self, tenant_id: str, app_id: str) -> InstalledApp:
        for app in await self.installed(tenant_id):
            if app.app_id == app_id:
                return app
        raise app_not_found()

    async def by_bot(self, actor: Actor) -> InstalledApp:
        """The app whose bot is calling."""
        for app in await self.installed(actor.tenant_id):
            if app.bot_user_id == actor.user_id:
                return app
        raise app_bot_only()

    # Managing (system admins).

    async def do_install(self, actor: Actor, body: dict[str, Any]) -> tuple[InstalledApp, str]:
        if not actor.is_system_admin:
            raise errors.forbidden()
        manifest_url = url_field(body, "manifest_url")
        secret = body.get("secret") or secrets.token_urlsafe(32)
        if not isinstance(secret, str) or not SECRET_MIN <= len(secret.encode()) <= SECRET_MAX:
            raise errors.invalid_body_param("secret", f"{SECRET_MIN}-{SECRET_MAX} bytes")
        manifest = check_manifest(await self._fetch_manifest(manifest_url))
        app_id = manifest["app_id"]
        if any(a.app_id == app_id for a in await self.installed(actor.tenant_id)):
            raise app_installed(app_id)
        bot_user_id = await self._bot_for(actor, manifest)
        token, token_value = await self._auth.do_create_access_token(
            actor, bot_user_id, f"app {app_id}"
        )
        now = now_ms()
        app = InstalledApp(
            tenant_id=actor.tenant_id,
            app_id=app_id,
            manifest=manifest,
            root_url=manifest["http"]["root_url"],
            use_jwt=manifest["http"]["use_jwt"],
            secret=secret,
            bot_user_id=bot_user_id,
            bot_token_id=token.id,
            bot_token=token_value,
            installed_by=actor.user_id,
            create_at=now,
            update_at=now,
        )
        async with self._db.write() as conn:
            await app_store.insert_app(conn, app)
        await self._changed(actor.tenant_id, app_id)
        await self._lifecycle(app, "on_install", actor.user_id)
        return app, secret

    async def _fetch_manifest(self, url: str) -> Any:
        try:
            response = await self._http.request("GET", url)
        except OutboundError as exc:
            raise manifest_unfetchable(str(exc)) from None
        if response.status != 200:
            raise manifest_unfetchable(f"answered {response.status}")
        try:
            return orjson.loads(response.body)
        except orjson.JSONDecodeError:
            raise manifest_not_json() from None

    async def _bot_for(self, actor: Actor, manifest: dict[str, Any]) -> str:
        """The app's bot: a new one, or the one an earlier install of it left disabled."""
        app_id = manifest["app_id"]
        async with self._db.read() as conn:
            existing = await user_store.get_by_username(conn, actor.tenant_id, app_id)
        if existing is None:
            bot = await self._bots.do_create(
                actor, app_id, manifest["display_name"], manifest["description"][:1024]
            )
            return bot.user_id
        if not existing.is_bot:
            raise app_username_taken(app_id)
        await self._bots.do_set_enabled(actor, existing.id, True)
        return existing.id

    async def listing(self, actor: Actor) -> list[InstalledApp]:
        if not actor.is_system_admin:
            raise errors.forbidden()
        return await self.installed(actor.tenant_id)

    async def get(self, actor: Actor, app_id: str) -> InstalledApp:
        if not actor.is_system_admin:
            raise errors.forbidden()
        return await self.by_id(actor.tenant_id, app_id)

    async def do_uninstall(self, actor: Actor, app_id: str) -> None:
        if not actor.is_system_admin:
            raise errors.forbidden()
        app = await self.by_id(actor.tenant_id, app_id)
        await self._lifecycle(app, "on_uninstall", actor.user_id)
        async with self._db.write() as conn:
            await app_store.delete_app(conn, actor.tenant_id, app_id)
        await self._changed(actor.tenant_id, app_id)
        await self._auth.do_set_access_token_state(actor, app.bot_token_id, "revoke")
        await self._bots.do_set_enabled(actor, app.bot_user_id, False)

    async def do_refresh_bindings(self, actor: Actor, app_id: str) -> None:
        """The app (through its bot) or an admin says the bindings changed."""
        app = await self.by_id(actor.tenant_id, app_id)
        if actor.user_id != app.bot_user_id and not actor.is_system_admin:
            raise errors.forbidden()
        await self.bindings.refresh(actor.tenant_id, app_id)

    async def _changed(self, tenant_id: str, app_id: str) -> None:
        await self._bus.publish([internal_event(tenant_id, APPS_CHANGED, {"app_id": app_id})])
        await self.bindings.refresh(tenant_id, app_id)

    async def _lifecycle(self, app: InstalledApp, name: str, acting_user_id: str) -> None:
        """Tell the app it was installed or is leaving; its failure stops nothing."""
        call = app.manifest.get(name)
        if call is None:
            return
        context = {**base_context(app, self.site_url), "acting_user_id": acting_user_id}
        try:
            await send(self._http, app, call["path"], request_body(call, context), acting_user_id)
        except errors.AppError as exc:
            log.warning("%s of app %s failed: %s", name, app.app_id, exc.detailed or exc.message)
