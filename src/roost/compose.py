"""The one place that builds a node: every service from the settings, the hooks and
slash-command providers in their declared order, and the background components in the
order they start (they stop in reverse).

Everything else receives what it needs from here; no module registers itself on another
module's seam. Three orders are decided here and nowhere else:

- ``POST_HOOKS``: who sees a post before it is written (each may change or reject it,
  in this order) and who hears of it after the commit.
- ``COMMAND_PRECEDENCE``: who answers a slash-command trigger that several could
  answer. As in Mattermost, plugins override team commands and team commands override
  built-ins; Roost's HTTP apps (Mattermost runs apps inside a plugin) come right after
  the plugins. A team command cannot be created over a trigger already in use, so a clash
  only arises when a plugin or app registers its trigger later.
- the components list: what starts first and stops last.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from roost import MATTERMOST_COMPAT_VERSION
from roost.api.client_config import ConfigFacts, client_config
from roost.app.accounts import passwords
from roost.app.accounts.audits import Audits
from roost.app.accounts.auth import Auth
from roost.app.accounts.bots import Bots
from roost.app.accounts.custom_status import CustomStatuses
from roost.app.accounts.mfa import Mfa
from roost.app.accounts.permissions import Permissions
from roost.app.accounts.preferences import Preferences
from roost.app.accounts.profile_images import ProfileImages
from roost.app.accounts.roles import Roles
from roost.app.accounts.sso.ldap import Ldap
from roost.app.accounts.sso.saml import Saml
from roost.app.accounts.sso.service import Sso
from roost.app.accounts.statuses import Statuses
from roost.app.accounts.users import Users
from roost.app.accounts.visibility import UserVisibility
from roost.app.admin.analytics import Analytics
from roost.app.admin.channel_move import ChannelMover
from roost.app.admin.cluster import ClusterStatus
from roost.app.admin.cluster_logs import ClusterLogs
from roost.app.admin.config import ConfigAdmin, stored_deployment_values
from roost.app.admin.jobs import Jobs
from roost.app.admin.logs import LogBuffer
from roost.app.admin.node import NodeAdmin
from roost.app.admin.retention import Retention
from roost.app.channels.categories import Categories
from roost.app.channels.channels import Channels
from roost.app.channels.direct import DirectChannels
from roost.app.channels.members import ChannelMembers
from roost.app.channels.team_icons import TeamIcons
from roost.app.channels.teams import Teams
from roost.app.files.files import Files
from roost.app.files.sweeper import FileSweeper
from roost.app.imports.service import Imports
from roost.app.integrations.apps.apps import Apps
from roost.app.integrations.apps.bindings import BindingsCache
from roost.app.integrations.apps.commands import AppCommands
from roost.app.integrations.apps.events import AppEvents
from roost.app.integrations.apps.requests import AppRequests
from roost.app.integrations.commands.builtin import MessageCommands
from roost.app.integrations.commands.builtin_channel import ChannelCommands
from roost.app.integrations.commands.commands import Commands
from roost.app.integrations.commands.custom import CustomCommands, TeamCommands
from roost.app.integrations.commands.dynamic_lists import DynamicLists
from roost.app.integrations.commands.providers import CommandProvider
from roost.app.integrations.commands.replies import CommandReplies
from roost.app.integrations.deliveries import DeliveryQueue
from roost.app.integrations.incoming_webhooks import IncomingWebhooks
from roost.app.integrations.integrations import Integrations
from roost.app.integrations.outbound import OutboundHttp
from roost.app.integrations.outbound_policy import OutboundPolicy
from roost.app.integrations.outgoing_webhooks import OutgoingWebhooks
from roost.app.integrations.post_actions import ActionIds, PostActions
from roost.app.integrations.posts import IntegrationPoster
from roost.app.kernel.admission import Admission, Limiter
from roost.app.kernel.audit import AuditLog
from roost.app.kernel.errors import AppError
from roost.app.kernel.health import Health
from roost.app.kernel.lifecycle import LifecycleHooks
from roost.app.kernel.live_config import install as install_live_config
from roost.app.kernel.rate_limits import Throttle
from roost.app.messaging.acknowledgements import Acknowledgements
from roost.app.messaging.bookmarks import Bookmarks
from roost.app.messaging.channel_privacy import ChannelPrivacy
from roost.app.messaging.dialogs import Dialogs
from roost.app.messaging.groups import Groups
from roost.app.messaging.guests import Guests
from roost.app.messaging.ldap_groups import LdapGroups
from roost.app.messaging.link_fetcher import LinkFetcher
from roost.app.messaging.link_previews import LinkPreviews
from roost.app.messaging.messaging import Messaging
from roost.app.messaging.reminder_sender import ReminderSender
from roost.app.messaging.reminders import Reminders
from roost.app.messaging.scheduled_posts import ScheduledPosts
from roost.app.messaging.scheduler import Scheduler
from roost.app.messaging.system_bot import SystemBot
from roost.app.messaging.system_posts import SystemPosts
from roost.app.notifications.service import Notifications
from roost.app.plugins.kv import PluginKV
from roost.app.plugins.plugins import Plugins
from roost.app.posts import embeds, priority
from roost.app.posts.drafts import Drafts
from roost.app.posts.emoji import CustomEmoji
from roost.app.posts.hooks import PostHook
from roost.app.posts.lists import PostLists
from roost.app.posts.mentions import Mentions
from roost.app.posts.posts import Posts
from roost.app.posts.reactions import Reactions
from roost.app.posts.saved import SavedPosts
from roost.app.posts.search import Search
from roost.app.posts.thread_fanout import FanoutWorker
from roost.app.posts.threads import Threads
from roost.app.posts.unread import PostUnread
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
from roost.cluster.redis_rate_limit import RedisBuckets
from roost.cluster.wake_socket import WakeSender, available
from roost.config import Settings
from roost.config.mattermost import config_keys
from roost.filestore import FileStore, open_store
from roost.ids import new_id
from roost.plugin_runtime.hooks import PluginHooks
from roost.plugin_runtime.runtime import PluginRuntime
from roost.realtime.hub import Hub
from roost.realtime.presence import LocalPresence, Presence
from roost.store.db.database import Database
from roost.tenancy.placement import Placements

log = logging.getLogger(__name__)

# How long a starting node waits for its stored settings before going on without them.
STORED_SETTINGS_WAIT = 30.0
# How often the hub drops WebSocket sessions past their resume window.
HUB_SWEEP_SECONDS = 10.0


@dataclass(slots=True)
class Component:
    """Something a node runs for as long as it serves: started in the components' order,
    stopped in reverse. ``start``/``stop`` may be omitted."""

    name: str
    start: Callable[[], Awaitable[None]] | None = None
    stop: Callable[[], Awaitable[None]] | None = None


def worker(name: str, run: Callable[[], Awaitable[None]]) -> Component:
    """A background loop: a task made at start, cancelled (and awaited) at stop."""
    task: asyncio.Task[None] | None = None

    async def start() -> None:
        nonlocal task
        task = asyncio.ensure_future(run())

    async def stop() -> None:
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    return Component(name, start, stop)


@dataclass(slots=True)
class Node:
    """What one server process runs."""

    services: Services
    hub: Hub
    presence: Presence
    plugins: PluginRuntime | None
    components: list[Component] = field(default_factory=list)


def build_services(settings: Settings) -> Services:
    """Every use-case service with its hooks and command providers in place, plugins
    excepted (``build_node`` adds them; the command line has no plugin runtime)."""
    placements = Placements()
    # Before any service takes its sections: they read through the run-time overrides.
    live_config = install_live_config(settings)
    database, tenancy, realtime = settings.database, settings.tenancy, settings.realtime
    cluster = settings.cluster
    db = Database(
        database.effective_database_url,
        database.database_pool_size,
        database.replica_urls,
        database.replica_max_lag_seconds,
        database.shard_urls,
        placements,
    )
    bus: Bus = (
        RedisBus(cluster.redis_url, cluster.redis_prefix) if cluster.redis_url else LocalBus()
    )
    lifecycle = LifecycleHooks()
    admission = build_admission(settings)
    tenants = TenantDirectory(
        db,
        bus,
        placements,
        tenancy.tenant_base_domain,
        tenancy.tenant_refresh_seconds,
        tenancy.tenant_requests_per_second,
        tenancy.tenant_request_burst_seconds,
        settings.serving.site_url,
    )
    audit = AuditLog(
        db, settings.accounts.audit_retention_days, settings.accounts.audit_purge_interval_seconds
    )
    auth = Auth(db, settings.accounts, bus, lifecycle, audit=audit)
    roles = Roles(db, bus, audit)
    permissions = Permissions(roles)
    visibility = UserVisibility(db, permissions)
    users = Users(
        db,
        bus,
        settings.accounts,
        auth,
        lifecycle,
        max_users=tenants.max_users,
        tenants=tenants,
        visibility=visibility,
    )
    sso = Sso(db, settings.sso, users, auth, tenants.site_url)
    # Logins no local password answers are checked against the tenant's directory (LDAP).
    ldap = Ldap(db, settings.sso, users, auth, sso.own_settings)
    auth.directory = ldap
    usage = TenantUsage(db, tenants, tenancy.tenant_usage_flush_seconds)
    typing_limit = (
        realtime.max_notifications_per_channel if realtime.enable_user_typing_messages else 0
    )
    channels = Channels(db, bus, typing_limit, lifecycle, permissions)
    statuses = Statuses(db, bus)
    mentions = Mentions(db, bus)
    fanout = FanoutWorker(db, bus)
    files = Files(
        db,
        _file_store(settings),
        channels,
        settings.files,
        database.data_dir,
        tenants.site_url,
        lifecycle,
        usage.check_storage,
        admission.previews,
    )
    custom_emoji = CustomEmoji(
        db,
        bus,
        files.store,
        permissions,
        settings.files.max_emoji_file_size,
        settings.files.max_image_pixels,
    )
    teams = Teams(db, bus, channels, audit, visibility)
    services = Services(
        settings=settings,
        db=db,
        bus=bus,
        auth=auth,
        users=users,
        mfa=Mfa(db, settings.accounts, users, tenants.site_url),
        roles=roles,
        bots=Bots(db, settings.accounts, users, auth),
        preferences=Preferences(db, bus),
        statuses=statuses,
        channels=channels,
        drafts=Drafts(db, bus, settings.posts, channels),
        channel_members=ChannelMembers(db, bus, channels, audit),
        direct_channels=DirectChannels(db, bus, channels, visibility),
        teams=teams,
        team_icons=TeamIcons(db, files.store, teams, permissions, settings.files.max_image_pixels),
        categories=Categories(db, bus),
        health=Health(db, bus, files.store, database.data_dir),
        posts=Posts(db, bus, settings.posts, statuses, channels, mentions, fanout, usage=usage),
        threads=Threads(db, bus, users, channels, mentions, fanout),
        fanout=fanout,
        search=Search(db, admission.search),
        post_lists=PostLists(db, users),
        reactions=Reactions(db, bus, channels, lifecycle),
        custom_emoji=custom_emoji,
        custom_status=CustomStatuses(db, bus, users, custom_emoji.exists),
        saved_posts=SavedPosts(db),
        post_unread=PostUnread(db, bus, users, mentions),
        files=files,
        tenants=tenants,
        profile_images=ProfileImages(db, files.store, users, settings.files.max_image_pixels),
        tenant_reaper=TenantReaper(
            db, files.store, tenants, tenancy.tenant_delete_batch, tenancy.tenant_reap_seconds
        ),
        tenant_usage=usage,
        tenant_export=TenantExport(db, tenants, admission.exports),
        tenant_mover=TenantMover(
            db, tenants, tenancy.tenant_move_grace_seconds, tenancy.tenant_delete_batch
        ),
        plugins=Plugins(db, bus, MATTERMOST_COMPAT_VERSION, bundled_catalog, audit),
        plugin_kv=PluginKV(db),
        lifecycle=lifecycle,
        throttle=Throttle(
            settings.rate_limits.rate_limit_memory_store_size,
            RedisBuckets(cluster.redis_url, cluster.redis_prefix) if cluster.redis_url else None,
        ),
        audit=audit,
        audits=Audits(audit, permissions),
        admission=admission,
        config_admin=ConfigAdmin(db, bus, live_config, permissions, tenants, audit),
        analytics=Analytics(
            db,
            permissions,
            usage,
            settings.administration.analytics_flush_seconds,
            deleted=tenants.deleted,
        ),
        imports=Imports(
            db,
            files.store,
            settings.imports,
            database.data_dir,
            settings.files.max_file_size,
            forget_channels=lambda tenant_id: channels.invalidate(tenant_id),
        ),
        sso=sso,
        ldap=ldap,
        saml=Saml(db, settings.sso, sso),
    )
    services.node_admin = _node_admin(services, permissions)
    services.retention = Retention(db, files.store, permissions, settings.administration)
    services.jobs = Jobs(db, bus, tenants, permissions, services.retention, settings.administration)
    services.jobs.node_id = services.node_admin.cluster.node_id  # one id per node
    services.channel_mover = ChannelMover(db, channels, permissions)
    bus.subscribe(services.jobs.on_event)
    # Before the hub subscribes: a node applies a change before its clients hear of it.
    bus.subscribe(services.config_admin.on_event)
    bus.subscribe(services.node_admin.cluster.on_event)
    bus.subscribe(services.node_admin.cluster_logs.on_event)
    bus.subscribe_origin(services.analytics.on_posted)
    services.config_admin.client_config = lambda tenant_id: _client_config(services, tenant_id)
    services.integrations = _integrations(services)
    services.notifications = Notifications(
        db,
        bus,
        settings.notifications,
        tenants.site_url,
        services.post_lists,
        channels,
        users,
        auth,
        services.teams,
        settings.accounts.password_hash_cost,
        services.channel_members,
        settings.messaging.guest_accounts_enable,
    )
    # A post's notification job is written in the post's own transaction.
    services.posts.write_with(services.notifications.jobs)
    services.messaging = _messaging(services)
    # The system posts about membership and channel changes reach the channels domain
    # (below posts) by its seam.
    services.channels.changes = services.messaging.system_posts
    # @mentions of user groups (a messaging feature) reach the posts domain by its seam.
    mentions.groups = services.messaging.groups.mentions
    auth.require_verified_email = settings.notifications.require_email_verification
    # The sidebar's Favorites follow the favorite_channel preference (channels sits
    # above accounts, so the preferences only know it as a listener).
    services.preferences.listeners = [services.categories]
    _declare_order(services, plugins=None)
    return services


def with_stored_settings(settings: Settings) -> Settings:
    """The settings a node starts with: the environment's, plus the deployment's stored
    changes (``/operator/v1/config``) to what the environment leaves unset. Those read
    only when services are built apply from here, that is at the next start. Read once,
    on a thread of its own (this may run inside uvicorn's loop); a database that cannot
    be read leaves the environment's settings."""

    async def read() -> dict[str, Any]:
        db = Database(settings.database.effective_database_url, 1)
        try:
            return await stored_deployment_values(db)
        finally:
            await db.close()

    try:
        with ThreadPoolExecutor(1) as pool:
            stored = pool.submit(asyncio.run, read()).result(timeout=STORED_SETTINGS_WAIT)
    except Exception as exc:
        log.warning("stored settings not read (the environment's apply): %r", exc)
        return settings
    fixed = set(settings.model_fields_set)
    values = {f: v for f, v in stored.items() if f not in fixed}
    if not values:
        return settings
    given = {f: getattr(settings, f) for f in fixed}
    merged = Settings(**given, **values)
    # Only what the environment set is fixed (the config API may change the rest).
    object.__setattr__(merged, "__pydantic_fields_set__", fixed)
    return merged


def build_admission(settings: Settings) -> Admission:
    """One limiter per kind of expensive work (``roost.app.kernel.admission``); the
    password-hashing pool is installed for ``roost.app.accounts.passwords``."""
    cfg = settings.admission
    threads = cfg.password_hash_threads or passwords.HASHING_THREADS
    pool = passwords.HashingPool(
        threads,
        cfg.password_hash_max_wait_seconds,
        lifo=cfg.password_hash_queue_order == "lifo",
        expected_seconds=passwords.measure_hash_seconds(settings.accounts.password_hash_cost),
    )
    passwords.use_pool(pool)
    cores = os.cpu_count() or 2
    return Admission(
        search=Limiter("search", cfg.search_concurrency, cfg.search_max_wait_seconds),
        previews=Limiter("preview", cfg.preview_concurrency or cores, cfg.preview_max_wait_seconds),
        # An export is long: one more than the slots is refused, never queued.
        exports=Limiter("export", cfg.export_concurrency, 0.0, expected_seconds=60.0),
        integrations=Limiter(
            "integration_call",
            cfg.integration_call_concurrency,
            cfg.integration_call_max_wait_seconds,
            expected_seconds=0.2,
        ),
        hashing=pool.limiter,
    )


def _integrations(s: Services) -> Integrations:
    """The integration services share one outbound client (every call to an integration
    passes its policy) and one poster."""
    cfg = s.settings.integrations
    http = OutboundHttp(
        OutboundPolicy(cfg.outbound_allowed_hosts),
        cfg.outbound_timeout_seconds,
        cfg.outbound_max_response_bytes,
        s.admission.integrations,
        tenant_hosts=s.tenants.outbound_allowed_hosts,
    )
    deliveries = DeliveryQueue(
        s.db,
        http,
        cfg.delivery_max_attempts,
        cfg.delivery_retry_base_seconds,
        cfg.outbound_timeout_seconds,
    )
    site_url = s.tenants.site_url
    poster = IntegrationPoster(s.users, s.posts, s.bus, cfg)
    replies = CommandReplies(poster)
    custom = CustomCommands(s.db, http, poster, replies, site_url)
    bindings = BindingsCache(http, s.bus, cfg.app_bindings_ttl_seconds, site_url)
    apps = Apps(s.db, s.bus, http, s.bots, s.auth, bindings, site_url)
    app_requests = AppRequests(s.db, http, apps)
    return Integrations(
        outbound=http,
        deliveries=deliveries,
        incoming_webhooks=IncomingWebhooks(s.db, s.direct_channels, poster, cfg),
        outgoing_webhooks=OutgoingWebhooks(s.db, s.bus, deliveries, poster, cfg),
        commands=Commands(s.db, cfg, replies, DynamicLists(http, site_url)),
        custom_commands=custom,
        post_actions=PostActions(s.db, http, s.posts, poster),
        post_action_ids=ActionIds(),
        apps=apps,
        app_requests=app_requests,
        app_commands=AppCommands(apps, app_requests),
        app_events=AppEvents(s.db, s.bus, apps, deliveries, site_url),
        builtin_commands=[
            MessageCommands(s.db, s.posts, s.statuses, s.direct_channels, s.users, s.search),
            ChannelCommands(s.db, s.channels, s.channel_members, s.users),
        ],
    )


def _messaging(s: Services) -> Messaging:
    """Link previews fetch through the integrations' outbound client (its policy and
    allow-lists) under a limiter of their own; the posts domain shows what they record,
    as the settings allow (``embeds.SWITCH``)."""
    cfg = s.settings.messaging
    embeds.SWITCH.link_previews = cfg.enable_link_previews
    embeds.SWITCH.permalink_previews = cfg.enable_permalink_previews
    priority.SWITCH.enabled = cfg.post_priority
    limiter = Limiter(
        "link_preview",
        cfg.link_preview_concurrency,
        cfg.link_preview_max_wait_seconds,
        expected_seconds=0.5,
    )
    fetcher = LinkFetcher(s.db, s.integrations.outbound, cfg, limiter)
    previews = LinkPreviews(s.db, s.bus, s.channels, fetcher, cfg, s.tenants.site_url)
    reminders = ReminderSender(
        s.db,
        s.users,
        s.channels,
        s.posts,
        s.direct_channels,
        SystemBot(s.db, s.users),
        s.tenants.site_url,
    )
    scheduler = Scheduler(
        s.db,
        s.bus,
        s.users,
        s.posts,
        reminders,
        cfg,
        node_id=getattr(s.bus, "node_id", "") or new_id(),
    )
    groups = Groups(s.db, s.bus, s.channels.permissions, s.users)
    ldap_groups = LdapGroups(s.db, s.ldap, groups, s.auth.audit)
    s.ldap.group_sync = ldap_groups.sync
    system_posts = SystemPosts(s.db, s.posts, cfg)
    return Messaging(
        link_previews=previews,
        system_posts=system_posts,
        scheduled_posts=ScheduledPosts(s.db, s.bus, s.channels, s.posts, cfg),
        reminders=Reminders(s.db, cfg),
        scheduler=scheduler,
        acknowledgements=Acknowledgements(s.db, s.bus, s.channels),
        channel_privacy=ChannelPrivacy(s.db, s.bus, s.channels, system_posts),
        bookmarks=Bookmarks(s.db, s.bus, s.channels),
        groups=groups,
        dialogs=Dialogs(s.db, s.bus, s.integrations.outbound),
        guests=Guests(s.db, s.users, s.auth, s.channels.permissions, cfg.guest_accounts_enable),
        ldap_groups=ldap_groups,
    )


def post_hooks(s: Services, plugins: PluginHooks | None) -> list[PostHook]:
    """POST_HOOKS, in this order. Before the write: action ids are given to the post's
    buttons, then plugins may change or reject the post. After the commit: outgoing
    webhooks, apps' post subscriptions, link previews, then plugins. (A hook takes part
    on the sides whose methods it overrides.)"""
    i = s.integrations
    return [
        i.post_action_ids,
        i.outgoing_webhooks,
        i.app_events,
        s.messaging.link_previews,
        *([plugins] if plugins is not None else []),
    ]


def command_precedence(s: Services, plugins: PluginRuntime | None) -> list[CommandProvider]:
    """COMMAND_PRECEDENCE: the first provider that answers a trigger wins (see the
    module's docstring for why this order)."""
    i = s.integrations
    return [
        *([plugins.commands] if plugins is not None else []),
        i.app_commands,
        TeamCommands(s.db, i.custom_commands),
        *i.builtin_commands,
    ]


def _declare_order(s: Services, plugins: PluginRuntime | None) -> None:
    plugin_hooks = PluginHooks(plugins, s.posts) if plugins is not None else None
    s.posts.hooks.set(post_hooks(s, plugin_hooks))
    s.lifecycle.set([plugin_hooks] if plugin_hooks is not None else [])
    s.integrations.commands.set_providers(command_precedence(s, plugins))


def build_node(settings: Settings) -> Node:
    """A whole server process: the services, the WebSocket hub and presence, plugins
    when enabled, and the components in the order they start."""
    services = build_services(settings)
    hub = Hub(
        settings.realtime.websocket_send_queue,
        settings.realtime.websocket_replay_buffer,
        settings.realtime.websocket_resume_seconds,
    )
    services.bus.subscribe(hub.dispatch)
    plugins = PluginRuntime(services) if settings.plugins.plugins_enable else None
    if plugins is not None:
        _declare_order(services, plugins)
    presence: Presence = (
        RedisPresence(
            settings.cluster.redis_url, settings.cluster.redis_prefix, services.bus.node_id
        )
        if isinstance(services.bus, RedisBus)
        else LocalPresence()
    )
    wake_name = settings.notifications.notification_wake_socket
    if settings.notifications.notification_worker == "process" and wake_name and available():
        # The outbox is worked by roost.notification_worker: tell it of new rows.
        services.notifications.outbox.nudge_with(WakeSender(wake_name).send)
    node = Node(services, hub, presence, plugins)
    node.components = components(node)
    return node


def components(node: Node) -> list[Component]:
    """The order a node starts in; it stops in reverse. The database first and last;
    the bus before anything that publishes; workers once what they use is up; plugins
    last, so they start against a running node and stop before anything they call."""
    s = node.services
    settings = s.settings.files

    async def sweep_hub() -> None:
        while True:
            await asyncio.sleep(HUB_SWEEP_SECONDS)
            node.hub.sweep()

    file_sweeper = FileSweeper(
        s.db,
        s.files.store,
        s.files.uploads.temp_dir,
        settings.file_orphan_age_seconds,
        settings.file_sweep_interval_seconds,
    )
    outbox = (
        [worker("notification outbox", s.notifications.outbox.run)]
        if s.settings.notifications.notification_worker == "server"
        else []
    )
    listed = [
        Component("database", s.db.start, s.db.close),
        Component("tenant directory", s.tenants.start, s.tenants.close),
        Component("stored configuration", s.config_admin.load, s.config_admin.close),
        Component("log buffer", _install_logs(s), _uninstall_logs(s)),
        Component("bus", s.bus.start, s.bus.close),
        Component("rate limits", s.throttle.start, s.throttle.close),
        Component("session activity", s.auth.activity.start, s.auth.activity.close),
        Component("presence", node.presence.start, node.presence.close),
        Component("files", s.files.start, s.files.close),
        Component("integrations", stop=s.integrations.close),
        Component("messaging", stop=s.messaging.close),
        Component("post hooks", stop=s.posts.hooks.drain),
        Component("tenant mover", stop=s.tenant_mover.close),
        Component("hub", stop=node.hub.close),
        Component("import jobs", stop=s.imports.close),
        Component("single sign-on", stop=s.sso.close),
        worker("hub sweeper", sweep_hub),
        worker("file sweeper", file_sweeper.run),
        worker("thread fan-out", s.fanout.run),
        worker("delivery queue", s.integrations.deliveries.run),
        # Stopped before its worker (reverse order): buffered posts are written first.
        # With ROOST_NOTIFICATION_WORKER=process it runs in roost.notification_worker.
        *outbox,
        Component("notifications", stop=s.notifications.close),
        worker("tenant reaper", s.tenant_reaper.run),
        worker("tenant usage", s.tenant_usage.run),
        # The log's last records are written once its writer has stopped.
        Component("audit log", stop=s.audit.close),
        worker("audit writer", s.audit.run),
        worker("audit purge", s.audit.run_purge),
        Component("cluster status", s.node_admin.cluster.announce, s.node_admin.cluster.close),
        Component("cluster logs", stop=s.node_admin.cluster_logs.close),
        worker("statistics writer", s.analytics.run),
        worker("jobs", s.jobs.run),
        worker("ldap sync", s.ldap.run),
        worker("scheduled posts and reminders", s.messaging.scheduler.run),
    ]
    if node.plugins is not None:
        runtime = node.plugins

        async def start_plugins() -> None:
            runtime.start()

        listed.append(Component("plugins", start_plugins, runtime.close))
    return listed


def _install_logs(s: Services) -> Callable[[], Awaitable[None]]:
    async def install() -> None:
        # In the lifespan: after uvicorn has configured its loggers.
        s.node_admin.logs.install(
            s.settings.serving.log_level, s.settings.administration.log_console_json
        )

    return install


def _uninstall_logs(s: Services) -> Callable[[], Awaitable[None]]:
    async def uninstall() -> None:
        s.node_admin.logs.uninstall()

    return uninstall


async def start_all(parts: Sequence[Component]) -> list[Component]:
    """Start in order; on a failure stop what already started (in reverse) and raise."""
    started: list[Component] = []
    try:
        for part in parts:
            if part.start is not None:
                await part.start()
            started.append(part)
    except BaseException:
        await stop_all(started)
        raise
    return started


async def stop_all(parts: Sequence[Component]) -> None:
    for part in reversed(parts):
        if part.stop is not None:
            await part.stop()


def _node_admin(s: Services, permissions: Permissions) -> NodeAdmin:
    """The node's log buffer (secrets it must never keep: every secret setting's value,
    whatever the configuration API shows) and its part in the cluster's status."""
    settings = s.settings
    secret_fields = [k.field for k in config_keys() if k.secret]
    secret_fields += [
        "operator_token",
        "database_owner_url",
        "database_shards",
        "database_shard_owner_urls",
    ]
    secrets = [str(getattr(settings, f, "") or "") for f in secret_fields]
    logs = LogBuffer(settings.administration.log_buffer_lines, secrets)
    cluster = ClusterStatus(
        s.bus, MATTERMOST_COMPAT_VERSION, settings.port, s.config_admin.config_hash
    )
    logs.node_id = cluster.node_id
    return NodeAdmin(permissions, logs, cluster, ClusterLogs(s.bus, cluster, logs))


def _client_config(s: Services, tenant_id: str) -> dict[str, str]:
    """The tenant's client configuration, as ``GET /config/client`` answers it."""
    tenants = s.tenants
    try:
        installed_at = tenants.get(tenant_id).create_at
    except AppError:
        installed_at = 0  # the default tenant before the directory knows it
    return client_config(
        ConfigFacts(
            settings=s.settings,
            tenant_id=tenant_id,
            site_url=tenants.site_url(tenant_id),
            installed_at=installed_at,
            open_signup=s.users.signup_open(tenant_id),
        )
    )


def _file_store(settings: Settings) -> FileStore:
    return open_store(
        settings.files.file_store,
        settings.database.data_dir,
        endpoint_url=settings.files.file_s3_endpoint,
        region=settings.files.file_s3_region,
        access_key_id=settings.files.file_s3_access_key_id,
        secret_access_key=settings.files.file_s3_secret_access_key,
        path_style=settings.files.file_s3_path_style,
    )
