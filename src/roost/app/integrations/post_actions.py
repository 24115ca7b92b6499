"""Interactive messages: buttons and menus in a post's attachments.

A click reaches ``/posts/{id}/actions/{action_id}``; Roost calls the action's
integration URL with who clicked where and the action's context, and applies the
answer: an ``update`` to the post (made as its author), an ephemeral text for the
clicker, a place for the client to go. Actions get their ids when the post is
written (``ActionIds``, a PostHook), so clients can name them.
"""

from __future__ import annotations

from typing import Any

import orjson

from roost.app.channels import post_access
from roost.app.integrations.errors import action_failed, action_not_found
from roost.app.integrations.outbound import OutboundError, OutboundHttp
from roost.app.integrations.outbound_policy import is_valid_url
from roost.app.integrations.posts import IntegrationMessage, IntegrationPoster
from roost.app.integrations.slack_format import check_attachments, give_action_ids
from roost.app.integrations.triggers import record_trigger
from roost.app.kernel import errors
from roost.app.kernel.context import Actor
from roost.app.posts.hooks import PostHook
from roost.app.posts.posts import PostPatch, Posts
from roost.clock import now_ms
from roost.ids import is_valid_id
from roost.model.channel import Channel
from roost.model.post import Post
from roost.model.webhook import JSON_CONTENT
from roost.store.channels import teams as team_store
from roost.store.db.database import Database
from roost.store.posts import posts as post_store

# Props only the server sets (clients' copies are dropped): a post carrying one was
# written by an integration an admin made (webhook, slash command, bot, app, plugin).
INTEGRATION_MARKS = ("from_webhook", "from_bot", "from_plugin")
# Props an action's update keeps from the post it changes.
KEPT_PROPS = ("override_username", "override_icon_url")
OPTION_MAX = 1024


def user_written(post: Post) -> bool:
    """Whether an ordinary user wrote the post, and so its actions' URLs: those may
    reach public addresses only, never the tenant's allow-listed internal hosts."""
    return not any(post.props.get(mark) == "true" for mark in INTEGRATION_MARKS)


def find_action(post: Post, action_id: str) -> dict[str, Any] | None:
    for attachment in post.props.get("attachments") or ():
        if not isinstance(attachment, dict):
            continue
        for action in attachment.get("actions") or ():
            if isinstance(action, dict) and action.get("id") == action_id:
                return action
    return None


class ActionIds(PostHook):
    """A PostHook giving every action in a post's attachments an id."""

    async def will_post(self, actor: Actor, post: Post, channel: Channel) -> Post:
        attachments = post.props.get("attachments")
        if isinstance(attachments, list):
            give_action_ids(attachments)
        return post

    async def will_update(self, actor: Actor, new: Post, old: Post, channel: Channel) -> Post:
        return await self.will_post(actor, new, channel)


class PostActions:
    def __init__(
        self, db: Database, http: OutboundHttp, posts: Posts, poster: IntegrationPoster
    ) -> None:
        self._db = db
        self._http = http
        self._posts = posts
        self._poster = poster

    async def do_action(
        self, actor: Actor, post_id: str, action_id: str, body: dict[str, Any]
    ) -> dict[str, Any]:
        if not is_valid_id(post_id):
            raise errors.invalid_url_param("post_id")
        selected = body.get("selected_option", "")
        if not isinstance(selected, str) or len(selected) > OPTION_MAX:
            raise errors.invalid_body_param("selected_option")
        async with self._db.read() as conn:
            post = await post_store.get_post(conn, actor.tenant_id, post_id)
            if post is None:
                raise post_access.post_not_found()
            access = await post_access.load(conn, actor, post.channel_id)
            post_access.check_read(actor, access)
            team = await team_store.get_team(conn, actor.tenant_id, access.channel.team_id)
        action = find_action(post, action_id)
        integration = action.get("integration") if action else None
        if not isinstance(integration, dict) or not is_valid_url(str(integration.get("url", ""))):
            raise action_not_found()
        assert action is not None
        context = integration.get("context")
        context = dict(context) if isinstance(context, dict) else {}
        if selected:
            context["selected_option"] = selected
        async with self._db.write() as conn:
            trigger_id = await record_trigger(conn, actor.tenant_id, actor.user_id, now_ms())
        request = {
            "user_id": actor.user_id,
            "user_name": actor.username,
            "channel_id": post.channel_id,
            "channel_name": access.channel.name,
            "team_id": access.channel.team_id,
            "team_domain": team.name if team else "",
            "post_id": post.id,
            "trigger_id": trigger_id,
            "type": action.get("type") or "button",
            "data_source": action.get("data_source") or "",
            "context": context,
        }
        try:
            response = await self._http.request(
                "POST",
                str(integration["url"]),
                body=orjson.dumps(request),
                content_type=JSON_CONTENT,
                user_written=user_written(post),
            )
        except OutboundError as exc:
            raise exc.refusal or action_failed(str(exc)) from None
        if response.status != 200:
            raise action_failed(f"answered {response.status}")
        answer = self._answer(response.body)
        await self._apply(actor, post, answer)
        out: dict[str, Any] = {"status": "OK", "trigger_id": trigger_id}
        if isinstance(answer.get("goto_location"), str) and answer["goto_location"]:
            out["goto_location"] = answer["goto_location"]
        return out

    @staticmethod
    def _answer(body: bytes) -> dict[str, Any]:
        if not body.strip():
            return {}
        try:
            answer = orjson.loads(body)
        except orjson.JSONDecodeError:
            raise action_failed("the answer is not JSON") from None
        if not isinstance(answer, dict):
            raise action_failed("the answer is not a JSON object")
        return answer

    async def _apply(self, actor: Actor, post: Post, answer: dict[str, Any]) -> None:
        update = answer.get("update")
        if isinstance(update, dict):
            await self._update(actor.tenant_id, post, update)
        text = answer.get("ephemeral_text")
        if isinstance(text, str) and text.strip():
            message = IntegrationMessage(
                channel_id=post.channel_id,
                text=text,
                root_id=post.root_id,
                skip_slack_parsing=answer.get("skip_slack_parsing") is True,
            )
            await self._poster.ephemeral(actor.tenant_id, actor.user_id, message)

    async def _update(self, tenant_id: str, post: Post, update: dict[str, Any]) -> None:
        """The integration changes its own post: as the post's author."""
        message = update.get("message")
        if message is not None and not isinstance(message, str):
            raise action_failed("update.message is not text")
        props = update.get("props")
        if props is not None:
            if not isinstance(props, dict):
                raise action_failed("update.props is not an object")
            props = dict(props)
            attachments = check_attachments(props.get("attachments"))
            if attachments:
                give_action_ids(attachments)
            props.update({k: post.props[k] for k in KEPT_PROPS if k in post.props})
        author = await self._poster.acting_as(tenant_id, post.user_id)
        await self._posts.do_patch_post(author, post.id, PostPatch(message=message, props=props))
