"""The set of use-case services one server runs, as built by ``roost.server``."""

from __future__ import annotations

from dataclasses import dataclass, field

from roost.app.accounts.audits import Audits
from roost.app.accounts.auth import Auth
from roost.app.accounts.bots import Bots
from roost.app.accounts.custom_status import CustomStatuses
from roost.app.accounts.mfa import Mfa
from roost.app.accounts.preferences import Preferences
from roost.app.accounts.profile_images import ProfileImages
from roost.app.accounts.roles import Roles
from roost.app.accounts.sso.ldap import Ldap
from roost.app.accounts.sso.saml import Saml
from roost.app.accounts.sso.service import Sso
from roost.app.accounts.statuses import Statuses
from roost.app.accounts.users import Users
from roost.app.admin.analytics import Analytics
from roost.app.admin.channel_move import ChannelMover
from roost.app.admin.config import ConfigAdmin
from roost.app.admin.jobs import Jobs
from roost.app.admin.node import NodeAdmin
from roost.app.admin.retention import Retention
from roost.app.channels.categories import Categories
from roost.app.channels.channels import Channels
from roost.app.channels.direct import DirectChannels
from roost.app.channels.members import ChannelMembers
from roost.app.channels.team_icons import TeamIcons
from roost.app.channels.teams import Teams
from roost.app.files.files import Files
from roost.app.imports.service import Imports
from roost.app.integrations.integrations import Integrations
from roost.app.kernel.admission import Admission
from roost.app.kernel.audit import AuditLog
from roost.app.kernel.health import Health
from roost.app.kernel.lifecycle import LifecycleHooks
from roost.app.kernel.rate_limits import Throttle
from roost.app.messaging.messaging import Messaging
from roost.app.notifications.service import Notifications
from roost.app.plugins.kv import PluginKV
from roost.app.plugins.plugins import Plugins
from roost.app.posts.drafts import Drafts
from roost.app.posts.emoji import CustomEmoji
from roost.app.posts.lists import PostLists
from roost.app.posts.posts import Posts
from roost.app.posts.reactions import Reactions
from roost.app.posts.saved import SavedPosts
from roost.app.posts.search import Search
from roost.app.posts.thread_fanout import FanoutWorker
from roost.app.posts.threads import Threads
from roost.app.posts.unread import PostUnread
from roost.app.tenants.directory import TenantDirectory
from roost.app.tenants.export import TenantExport
from roost.app.tenants.mover import TenantMover
from roost.app.tenants.reaper import TenantReaper
from roost.app.tenants.usage import TenantUsage
from roost.cluster.bus import Bus
from roost.config import Settings
from roost.store.db.database import Database


@dataclass(slots=True)
class Services:
    settings: Settings
    db: Database
    bus: Bus
    auth: Auth
    users: Users
    mfa: Mfa
    roles: Roles
    bots: Bots
    preferences: Preferences
    statuses: Statuses
    channels: Channels
    channel_members: ChannelMembers
    direct_channels: DirectChannels
    teams: Teams
    team_icons: TeamIcons
    categories: Categories
    health: Health
    drafts: Drafts
    posts: Posts
    post_lists: PostLists
    reactions: Reactions
    custom_emoji: CustomEmoji
    custom_status: CustomStatuses
    saved_posts: SavedPosts
    post_unread: PostUnread
    threads: Threads
    fanout: FanoutWorker
    files: Files
    search: Search
    tenants: TenantDirectory
    profile_images: ProfileImages
    tenant_reaper: TenantReaper
    tenant_usage: TenantUsage
    tenant_export: TenantExport
    tenant_mover: TenantMover
    # Built once the rest exists (it hooks into posts): roost.server sets it.
    integrations: Integrations = field(init=False)
    # Email and push (app/notifications): built after posts, which it hears of.
    notifications: Notifications = field(init=False)
    plugins: Plugins
    plugin_kv: PluginKV
    lifecycle: LifecycleHooks
    # The request rate limits' buckets (Redis when configured; api/http/rate_limit.py).
    throttle: Throttle
    # The audit log: the recorder every domain writes to, and its reads (GET /audits).
    audit: AuditLog
    audits: Audits
    admission: Admission
    # Administration (issue 24): the configuration API.
    config_admin: ConfigAdmin
    analytics: Analytics
    # The log buffer and the cluster's status (built once the rest exists).
    node_admin: NodeAdmin = field(init=False)
    # Mattermost and Slack imports, their uploads and import_process jobs (issue 25).
    imports: Imports
    # Link previews, scheduled posts, reminders (issue 23): built once the integrations
    # exist (previews use their outbound client) by roost.compose.
    messaging: Messaging = field(init=False)
    # Data retention and the jobs that run it.
    retention: Retention = field(init=False)
    jobs: Jobs = field(init=False)
    # Single sign-on (OAuth 2 / OpenID Connect): roost.app.accounts.sso.
    sso: Sso
    ldap: Ldap
    channel_mover: ChannelMover = field(init=False)
    saml: Saml
