"""Posts and ephemeral messages made on an integration's behalf: an incoming webhook's
payload, a slash command's answer, an outgoing webhook's reply, an action's update.

The post is its owner's (the hook's or command's creator, or the user who ran the
command), marked ``from_webhook``; the integration's display name and picture apply
only where the settings allow overrides.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import orjson

from roost.app.accounts.users import Users
from roost.app.integrations.errors import integration_owner_inactive
from roost.app.integrations.slack_format import (
    give_action_ids,
    parse_attachments,
    slack_to_markdown,
)
from roost.app.kernel.context import Actor
from roost.app.posts.posts import PostDraft, Posts
from roost.clock import now_ms
from roost.cluster.bus import Bus
from roost.config import IntegrationSettings
from roost.ids import new_id
from roost.model.event import Broadcast, Event
from roost.model.events import EPHEMERAL_MESSAGE
from roost.model.post import EPHEMERAL_TYPE, Post

SLACK_ATTACHMENT_TYPE = "slack_attachment"


@dataclass(slots=True)
class IntegrationMessage:
    channel_id: str
    text: str = ""
    root_id: str = ""
    attachments: list[dict[str, Any]] = field(default_factory=list)
    props: dict[str, Any] = field(default_factory=dict)
    type: str = ""
    username: str = ""
    icon_url: str = ""
    skip_slack_parsing: bool = False


class IntegrationPoster:
    def __init__(self, users: Users, posts: Posts, bus: Bus, settings: IntegrationSettings) -> None:
        self._users = users
        self._posts = posts
        self._bus = bus
        self._settings = settings

    async def acting_as(self, tenant_id: str, user_id: str) -> Actor:
        """The owner of an integration, as the actor its posts are made by."""
        user = await self._users.get(tenant_id, user_id)
        if user.delete_at:
            raise integration_owner_inactive()
        return Actor(tenant_id, user.id, user.roles, is_bot=user.is_bot, username=user.username)

    def _content(self, message: IntegrationMessage) -> tuple[str, dict[str, Any]]:
        text = message.text
        props = dict(message.props)
        attachments = message.attachments
        if not message.skip_slack_parsing:
            text = slack_to_markdown(text)
            attachments = parse_attachments(attachments)
        if attachments:
            give_action_ids(attachments)
            props["attachments"] = attachments
        return text, props

    def _server_props(self, message: IntegrationMessage) -> dict[str, Any]:
        extra: dict[str, Any] = {"from_webhook": "true"}
        if message.username and self._settings.enable_post_username_override:
            extra["override_username"] = message.username
        if message.icon_url and self._settings.enable_post_icon_override:
            extra["override_icon_url"] = message.icon_url
        return extra

    async def post(self, actor: Actor, message: IntegrationMessage) -> Post:
        text, props = self._content(message)
        post_type = message.type
        if props.get("attachments") and not post_type:
            post_type = SLACK_ATTACHMENT_TYPE
        draft = PostDraft(
            channel_id=message.channel_id,
            message=text,
            root_id=message.root_id,
            props=props,
            type=post_type,
        )
        return await self._posts.do_create_post(
            actor, draft, set_online=False, server_props=self._server_props(message)
        )

    async def ephemeral(self, tenant_id: str, user_id: str, message: IntegrationMessage) -> Post:
        """A message only this user sees (never stored), as a command's private answer."""
        text, props = self._content(message)
        self._posts.check_message(text)
        self._posts.check_props(props)
        now = now_ms()
        post = Post(
            id=new_id(),
            channel_id=message.channel_id,
            user_id=user_id,
            message=text,
            create_at=now,
            update_at=now,
            root_id=message.root_id,
            type=EPHEMERAL_TYPE,
            props={**props, **self._server_props(message)},
        )
        broadcast = Broadcast(
            recipients=frozenset({user_id}), channel_id=message.channel_id, user_id=user_id
        )
        data = {"post": orjson.dumps(post.to_dict()).decode()}
        await self._bus.publish([Event(tenant_id, EPHEMERAL_MESSAGE, data, broadcast)])
        return post
