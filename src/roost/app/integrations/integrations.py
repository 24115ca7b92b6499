"""The integration services one server runs (webhooks, slash commands, interactive
messages, the delivery queue, HTTP apps), as ``roost.compose`` builds them: they share
one outbound client and one poster."""

from __future__ import annotations

from dataclasses import dataclass

from roost.app.integrations.apps.apps import Apps
from roost.app.integrations.apps.commands import AppCommands
from roost.app.integrations.apps.events import AppEvents
from roost.app.integrations.apps.requests import AppRequests
from roost.app.integrations.commands.commands import Commands
from roost.app.integrations.commands.custom import CustomCommands
from roost.app.integrations.commands.providers import CommandProvider
from roost.app.integrations.deliveries import DeliveryQueue
from roost.app.integrations.incoming_webhooks import IncomingWebhooks
from roost.app.integrations.outbound import OutboundHttp
from roost.app.integrations.outgoing_webhooks import OutgoingWebhooks
from roost.app.integrations.post_actions import ActionIds, PostActions


@dataclass(slots=True)
class Integrations:
    outbound: OutboundHttp
    deliveries: DeliveryQueue
    incoming_webhooks: IncomingWebhooks
    outgoing_webhooks: OutgoingWebhooks
    commands: Commands
    custom_commands: CustomCommands
    post_actions: PostActions
    post_action_ids: ActionIds
    apps: Apps
    app_requests: AppRequests
    app_commands: AppCommands
    app_events: AppEvents
    builtin_commands: list[CommandProvider]

    async def close(self) -> None:
        await self.app_events.drain()
        await self.deliveries.drain()
        await self.outbound.close()
