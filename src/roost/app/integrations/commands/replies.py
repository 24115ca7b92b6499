"""A slash command's answer (``CommandResponse``) made visible: ``in_channel`` answers
become posts by the user who ran the command, ``ephemeral`` ones reach only them."""

from __future__ import annotations

from typing import Any

from roost.app.integrations.posts import IntegrationMessage, IntegrationPoster
from roost.app.integrations.slack_format import check_attachments
from roost.app.kernel import errors
from roost.app.kernel.context import Actor
from roost.model.command import EPHEMERAL, IN_CHANNEL, CommandResponse

MAX_EXTRA_RESPONSES = 10
_TEXT_FIELDS = ("text", "username", "icon_url", "channel_id", "type", "goto_location")


def response_from_dict(data: Any, depth: int = 0) -> CommandResponse:
    """An integration's JSON answer, checked field by field."""
    if not isinstance(data, dict):
        raise errors.invalid_body_param("response")
    response = CommandResponse()
    kind = data.get("response_type") or EPHEMERAL
    if kind not in (EPHEMERAL, IN_CHANNEL):
        raise errors.invalid_body_param("response_type")
    response.response_type = kind
    for name in _TEXT_FIELDS:
        value = data.get(name)
        if value is not None:
            if not isinstance(value, str):
                raise errors.invalid_body_param(name)
            setattr(response, name, value)
    props = data.get("props") or {}
    if not isinstance(props, dict):
        raise errors.invalid_body_param("props")
    response.props = props
    response.attachments = check_attachments(data.get("attachments"))
    response.skip_slack_parsing = data.get("skip_slack_parsing") is True
    extra = data.get("extra_responses") or []
    if depth == 0 and isinstance(extra, list):
        response.extra_responses = [
            response_from_dict(item, 1) for item in extra[:MAX_EXTRA_RESPONSES]
        ]
    return response


class CommandReplies:
    def __init__(self, poster: IntegrationPoster) -> None:
        self._poster = poster

    async def deliver(
        self,
        actor: Actor,
        channel_id: str,
        root_id: str,
        response: CommandResponse,
        username: str = "",
        icon_url: str = "",
    ) -> None:
        """Send the answer and its extra responses; one with nothing to say sends nothing."""
        for item in (response, *response.extra_responses):
            if not (item.text.strip() or item.attachments):
                continue
            message = IntegrationMessage(
                channel_id=item.channel_id or channel_id,
                text=item.text,
                root_id=root_id,
                attachments=item.attachments,
                props=item.props,
                type=item.type,
                username=item.username or username,
                icon_url=item.icon_url or icon_url,
                skip_slack_parsing=item.skip_slack_parsing,
            )
            if item.response_type == IN_CHANNEL:
                await self._poster.post(actor, message)
            else:
                await self._poster.ephemeral(actor.tenant_id, actor.user_id, message)
