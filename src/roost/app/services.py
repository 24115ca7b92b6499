"""The set of use-case services one server runs, as built by ``roost.server``."""

from __future__ import annotations

from dataclasses import dataclass, field

from roost.app.auth import Auth
from roost.app.bots import Bots
from roost.app.channel_members import ChannelMembers
from roost.app.channels import Channels
from roost.app.direct_channels import DirectChannels
from roost.app.drafts import Drafts
from roost.app.files import Files
from roost.app.health import Health
from roost.app.integrations import Integrations
from roost.app.plugins import Plugins
from roost.app.plugins_kv import PluginKV
from roost.app.plugins_lifecycle import LifecycleHooks
from roost.app.post_lists import PostLists
from roost.app.posts import Posts
from roost.app.preferences import Preferences
from roost.app.profile_images import ProfileImages
from roost.app.reactions import Reactions
from roost.app.search import Search
from roost.app.statuses import Statuses
from roost.app.teams import Teams
from roost.app.tenant_export import TenantExport
from roost.app.tenant_mover import TenantMover
from roost.app.tenant_reaper import TenantReaper
from roost.app.tenant_usage import TenantUsage
from roost.app.tenants import TenantDirectory
from roost.app.thread_fanout_worker import FanoutWorker
from roost.app.threads import Threads
from roost.app.users import Users
from roost.cluster.bus import Bus
from roost.config import Settings
from roost.store.database import Database


@dataclass(slots=True)
class Services:
    settings: Settings
    db: Database
    bus: Bus
    auth: Auth
    users: Users
    bots: Bots
    preferences: Preferences
    statuses: Statuses
    channels: Channels
    channel_members: ChannelMembers
    direct_channels: DirectChannels
    teams: Teams
    health: Health
    drafts: Drafts
    posts: Posts
    post_lists: PostLists
    reactions: Reactions
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
    plugins: Plugins
    plugin_kv: PluginKV
    lifecycle: LifecycleHooks
