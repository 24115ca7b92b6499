"""The composition root: builds every service from the settings, and the ASGI app."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import socket
from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.middleware import Middleware

from roost import MATTERMOST_COMPAT_VERSION
from roost.api import files as file_routes
from roost.api.http.middleware import RoostMiddleware
from roost.api.routes import all_routes, method_not_allowed, not_found, server_error
from roost.app.accounts.auth import Auth
from roost.app.accounts.bots import Bots
from roost.app.accounts.preferences import Preferences
from roost.app.accounts.profile_images import ProfileImages
from roost.app.accounts.statuses import Statuses
from roost.app.accounts.users import Users
from roost.app.channels.channels import Channels
from roost.app.channels.direct import DirectChannels
from roost.app.channels.members import ChannelMembers
from roost.app.channels.teams import Teams
from roost.app.files.files import Files
from roost.app.files.sweeper import FileSweeper
from roost.app.integrations.integrations import IntegrationDeps, Integrations, build_integrations
from roost.app.kernel.health import Health
from roost.app.kernel.lifecycle import LifecycleHooks
from roost.app.plugins.kv import PluginKV
from roost.app.plugins.plugins import Plugins
from roost.app.posts.drafts import Drafts
from roost.app.posts.lists import PostLists
from roost.app.posts.mentions import Mentions
from roost.app.posts.posts import Posts
from roost.app.posts.reactions import Reactions
from roost.app.posts.search import Search
from roost.app.posts.thread_fanout import FanoutWorker
from roost.app.posts.threads import Threads
from roost.app.services import Services
from roost.app.tenants.directory import TenantDirectory
from roost.app.tenants.export import TenantExport
from roost.app.tenants.mover import TenantMover
from roost.app.tenants.reaper import TenantReaper
from roost.app.tenants.usage import TenantUsage
from roost.bundled_plugins import catalog as bundled_catalog
from roost.cluster.bus import Bus, LocalBus
from roost.cluster.redis_bus import RedisBus
from roost.cluster.redis_presence import RedisPresence
from roost.config import Settings
from roost.filestore import FileStore, open_store
from roost.plugin_runtime.setup import build_plugin_runtime
from roost.realtime.hub import Hub
from roost.realtime.presence import LocalPresence, Presence
from roost.store.db.database import Database
from roost.store.db.migrate import migrate_all

log = logging.getLogger("roost")

SWEEP_INTERVAL_SECONDS = 10.0
GC_GEN0_THRESHOLD = 50_000


def build_services(settings: Settings) -> Services:
    replica_urls = [u.strip() for u in settings.database_replica_urls.split(",") if u.strip()]
    db = Database(
        settings.effective_database_url,
        settings.database_pool_size,
        replica_urls,
        settings.replica_max_lag_seconds,
        settings.shard_urls,
    )
    bus: Bus = (
        RedisBus(settings.redis_url, settings.redis_prefix) if settings.redis_url else LocalBus()
    )
    lifecycle = LifecycleHooks()
    tenants = TenantDirectory(
        db,
        bus,
        settings.tenant_base_domain,
        settings.tenant_refresh_seconds,
        settings.tenant_requests_per_second,
        settings.tenant_request_burst_seconds,
        settings.site_url,
    )
    auth = Auth(db, settings, bus, lifecycle)
    users = Users(db, bus, settings, auth, lifecycle, max_users=tenants.max_users)
    usage = TenantUsage(db, tenants, settings.tenant_usage_flush_seconds)
    typing_limit = (
        settings.max_notifications_per_channel if settings.enable_user_typing_messages else 0
    )
    channels = Channels(db, bus, typing_limit, lifecycle)
    statuses = Statuses(db, bus)
    mentions = Mentions(db, bus)
    fanout = FanoutWorker(db, bus)
    files = Files(
        db,
        _file_store(settings),
        channels,
        settings,
        tenants.site_url,
        lifecycle,
        usage.check_storage,
    )
    services = Services(
        settings=settings,
        db=db,
        bus=bus,
        auth=auth,
        users=users,
        bots=Bots(db, settings, users, auth),
        preferences=Preferences(db, bus),
        statuses=statuses,
        channels=channels,
        drafts=Drafts(db, bus, settings, channels),
        channel_members=ChannelMembers(db, bus, channels),
        direct_channels=DirectChannels(db, bus, channels),
        teams=Teams(db, bus, channels),
        health=Health(db, bus),
        posts=Posts(db, bus, settings, statuses, channels, mentions, fanout, usage=usage),
        threads=Threads(db, bus, users, channels, mentions, fanout),
        fanout=fanout,
        search=Search(db),
        post_lists=PostLists(db, users),
        reactions=Reactions(db, bus, channels, lifecycle),
        files=files,
        tenants=tenants,
        profile_images=ProfileImages(db, files.store, users, settings.max_image_pixels),
        tenant_reaper=TenantReaper(
            db, files.store, tenants, settings.tenant_delete_batch, settings.tenant_reap_seconds
        ),
        tenant_usage=usage,
        tenant_export=TenantExport(db, tenants),
        tenant_mover=TenantMover(
            db, tenants, settings.tenant_move_grace_seconds, settings.tenant_delete_batch
        ),
        plugins=Plugins(db, bus, MATTERMOST_COMPAT_VERSION, bundled_catalog),
        plugin_kv=PluginKV(db),
        lifecycle=lifecycle,
    )
    services.integrations = _integrations(services)
    return services


def _integrations(s: Services) -> Integrations:
    deps = IntegrationDeps(
        s.db,
        s.bus,
        s.settings,
        s.users,
        s.posts,
        s.statuses,
        s.channels,
        s.channel_members,
        s.direct_channels,
        s.search,
        s.bots,
        s.auth,
        s.tenants.site_url,
    )
    return build_integrations(deps)


def _file_store(settings: Settings) -> FileStore:
    return open_store(
        settings.file_store,
        settings.data_dir,
        endpoint_url=settings.file_s3_endpoint,
        region=settings.file_s3_region,
        access_key_id=settings.file_s3_access_key_id,
        secret_access_key=settings.file_s3_secret_access_key,
        path_style=settings.file_s3_path_style,
    )


def version_id() -> str:
    # Mattermost's {version}.{build}.{config hash}.{licensed}; Client4 parses the first part.
    return f"{MATTERMOST_COMPAT_VERSION}.0.roost.false"


def create_app(settings: Settings, migrate: bool = True) -> Starlette:
    services = build_services(settings)
    hub = Hub(
        settings.websocket_send_queue,
        settings.websocket_replay_buffer,
        settings.websocket_resume_seconds,
    )
    services.bus.subscribe(hub.dispatch)
    plugins = build_plugin_runtime(services) if settings.plugins_enable else None
    presence: Presence = (
        RedisPresence(settings.redis_url, settings.redis_prefix, services.bus.node_id)
        if isinstance(services.bus, RedisBus)
        else LocalPresence()
    )

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if migrate:
            await migrate_all(settings)
        _tune_gc()
        await services.db.start()
        await services.tenants.start()
        await services.bus.start()
        await presence.start()
        await services.files.start()
        sweeper = asyncio.create_task(_sweep(hub))
        file_sweeper = asyncio.create_task(_file_sweeper(services).run())
        fanout_worker = asyncio.create_task(services.fanout.run())
        delivery_worker = asyncio.create_task(services.integrations.deliveries.run())
        tenant_reaper = asyncio.create_task(services.tenant_reaper.run())
        tenant_usage = asyncio.create_task(services.tenant_usage.run())
        if plugins is not None:
            plugins.start()
        try:
            yield
        finally:
            if plugins is not None:
                await plugins.close()
            workers = (sweeper, file_sweeper, fanout_worker, delivery_worker, tenant_reaper)
            for task in (*workers, tenant_usage):
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            await services.tenant_mover.close()
            await services.posts.hooks.drain()
            await services.integrations.close()
            await services.files.close()
            await services.tenants.close()
            await presence.close()
            await services.bus.close()
            await services.db.close()

    app = Starlette(
        routes=all_routes(),
        middleware=[
            Middleware(
                RoostMiddleware,
                version_id=version_id(),
                max_body_bytes=settings.max_request_body_bytes,
                streamed_uploads=frozenset({file_routes.UPLOAD_PATH}),
                resolve_tenant=services.tenants.admit,
            )
        ],
        exception_handlers={404: not_found, 405: method_not_allowed, 500: server_error},
        lifespan=lifespan,
    )
    app.state.services = services
    app.state.hub = hub
    app.state.presence = presence
    app.state.plugins = plugins
    app.state.version_id = version_id()
    app.state.hostname = socket.gethostname()
    return app


def app_for_worker() -> Starlette:
    """The app in one of several server processes (``roost serve --workers``): the
    parent has already migrated the database."""
    from roost.config import load_settings

    return create_app(load_settings(), migrate=False)


def _tune_gc() -> None:
    """Fewer, cheaper collections: requests allocate many short-lived objects, and a
    full collection walking every long-lived one is a latency spike. Objects alive after
    start-up are frozen out of collection entirely."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(GC_GEN0_THRESHOLD, 20, 20)


def _file_sweeper(services: Services) -> FileSweeper:
    s = services.settings
    return FileSweeper(
        services.db,
        services.files.store,
        services.files.uploads.temp_dir,
        s.file_orphan_age_seconds,
        s.file_sweep_interval_seconds,
    )


async def _sweep(hub: Hub) -> None:
    while True:
        await asyncio.sleep(SWEEP_INTERVAL_SECONDS)
        hub.sweep()
