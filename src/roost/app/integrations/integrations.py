"""The integration services one server runs (webhooks, slash commands, interactive
messages, the delivery queue), built together because they share the outbound client
and the poster. ``roost.server`` builds this and adds the post hooks."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from roost.app.accounts.auth import Auth
from roost.app.accounts.bots import Bots
from roost.app.accounts.statuses import Statuses
from roost.app.accounts.users import Users
from roost.app.channels.channels import Channels
from roost.app.channels.direct import DirectChannels
from roost.app.channels.members import ChannelMembers
from roost.app.integrations.apps.apps import Apps
from roost.app.integrations.apps.bindings import BindingsCache
from roost.app.integrations.apps.commands import AppCommands
from roost.app.integrations.apps.events import AppEvents
from roost.app.integrations.apps.requests import AppRequests
from roost.app.integrations.commands.builtin import MessageCommands
from roost.app.integrations.commands.builtin_channel import ChannelCommands
from roost.app.integrations.commands.commands import Commands
from roost.app.integrations.commands.custom import CustomCommands
from roost.app.integrations.commands.providers import CommandProvider
from roost.app.integrations.commands.replies import CommandReplies
from roost.app.integrations.deliveries import DeliveryQueue
from roost.app.integrations.incoming_webhooks import IncomingWebhooks
from roost.app.integrations.outbound import OutboundHttp
from roost.app.integrations.outbound_policy import OutboundPolicy
from roost.app.integrations.outgoing_webhooks import OutgoingWebhooks
from roost.app.integrations.post_actions import ActionIds, PostActions
from roost.app.integrations.posts import IntegrationPoster
from roost.app.posts.posts import Posts
from roost.app.posts.search import Search
from roost.cluster.bus import Bus
from roost.config import Settings
from roost.store.db.database import Database


@dataclass(slots=True)
class Integrations:
    outbound: OutboundHttp
    deliveries: DeliveryQueue
    incoming_webhooks: IncomingWebhooks
    outgoing_webhooks: OutgoingWebhooks
    commands: Commands
    custom_commands: CustomCommands
    post_actions: PostActions
    apps: Apps
    app_requests: AppRequests
    app_events: AppEvents

    async def close(self) -> None:
        await self.app_events.drain()
        await self.deliveries.drain()
        await self.outbound.close()


@dataclass(slots=True)
class IntegrationDeps:
    db: Database
    bus: Bus
    settings: Settings
    users: Users
    posts: Posts
    statuses: Statuses
    channels: Channels
    channel_members: ChannelMembers
    direct_channels: DirectChannels
    search: Search
    bots: Bots
    auth: Auth
    # Tenant id -> where it is served, for the links integrations hand out.
    site_url: Callable[[str], str]


def build_integrations(
    deps: IntegrationDeps, providers: Sequence[CommandProvider] = ()
) -> Integrations:
    s = deps.settings
    http = OutboundHttp(
        OutboundPolicy(s.outbound_allowed_hosts),
        s.outbound_timeout_seconds,
        s.outbound_max_response_bytes,
    )
    deliveries = DeliveryQueue(
        deps.db,
        http,
        s.delivery_max_attempts,
        s.delivery_retry_base_seconds,
        s.outbound_timeout_seconds,
    )
    poster = IntegrationPoster(deps.users, deps.posts, deps.bus, s)
    replies = CommandReplies(poster)
    custom = CustomCommands(deps.db, http, poster, replies, deps.site_url)
    builtins: list[CommandProvider] = [
        MessageCommands(
            deps.db, deps.posts, deps.statuses, deps.direct_channels, deps.users, deps.search
        ),
        ChannelCommands(deps.db, deps.channels, deps.channel_members, deps.users),
    ]
    outgoing = OutgoingWebhooks(deps.db, deps.bus, deliveries, poster, s)
    deps.posts.hooks.add(ActionIds(), after=False)
    deps.posts.hooks.add(outgoing, before=False)
    bindings = BindingsCache(http, deps.bus, s.app_bindings_ttl_seconds, deps.site_url)
    apps = Apps(deps.db, deps.bus, http, deps.bots, deps.auth, bindings, deps.site_url)
    app_requests = AppRequests(deps.db, http, apps)
    app_events = AppEvents(deps.db, deps.bus, apps, deliveries, deps.site_url)
    deps.posts.hooks.add(app_events, before=False)
    # Apps' commands come last: built-ins, team commands and plugins win a clash.
    providers = [*providers, AppCommands(apps, app_requests)]
    return Integrations(
        outbound=http,
        deliveries=deliveries,
        incoming_webhooks=IncomingWebhooks(deps.db, deps.direct_channels, poster, s),
        outgoing_webhooks=outgoing,
        commands=Commands(deps.db, s, builtins, custom, replies, providers),
        custom_commands=custom,
        post_actions=PostActions(deps.db, http, deps.posts, poster),
        apps=apps,
        app_requests=app_requests,
        app_events=app_events,
    )
