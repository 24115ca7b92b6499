"""The runtime as the app services' hooks: ONE PostHook and ONE LifecycleHook that call
every running instance of the change's tenant implementing the hook, in order of plugin
id. Another tenant's instances never hear of it; a tenant without one costs a lookup.

Before-hooks chain (each plugin sees the previous one's post; the first rejection
stops the chain); a plugin that fails is skipped (fail-open) unless
``ROOST_PLUGIN_FAIL_CLOSED_HOOKS`` names the hook, when the change is refused with a
503. After-hooks run concurrently and their failures only count against the plugin.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from roost.app.files.names import clean_name, extension, mime_type
from roost.app.kernel.context import Actor
from roost.app.kernel.errors import AppError
from roost.app.kernel.lifecycle import LifecycleHook
from roost.app.kernel.upload_spool import Spool
from roost.app.plugins.errors import rejected_by_plugin, required_plugin_unavailable
from roost.app.posts.hooks import PostHook
from roost.app.posts.posts import Posts
from roost.model.channel import Channel
from roost.model.post import Post, Reaction
from roost.model.user import User
from roost.plugin import types as t
from roost.plugin.base import Rejected
from roost.plugin_runtime import convert
from roost.plugin_runtime.file_content import SpoolContent
from roost.plugin_runtime.runtime import PluginRuntime
from roost.plugin_runtime.state import HookBusy, HookFailed, Running


def _refusal(failed: HookFailed) -> AppError:
    """Why a fail-closed hook refuses the change: busy (Retry-After) or not answering."""
    if isinstance(failed, HookBusy):
        return failed.busy
    return required_plugin_unavailable(failed.plugin_id)


class PluginHooks(PostHook, LifecycleHook):
    def __init__(self, runtime: PluginRuntime, posts: Posts) -> None:
        self._rt = runtime.dispatch
        self._files = runtime.files
        self._posts = posts

    async def _chain(self, chain: list[Running], hook: str, value: t.Post, *extra: Any) -> t.Post:
        i = 0
        while i < len(chain):
            host = chain[i].host
            if host is None:
                value = await self._one(chain[i], hook, value, *extra)
                i += 1
                continue
            # Consecutive plugins of one host: one call for all of them.
            end = i
            while end < len(chain) and chain[end].host is host:
                end += 1
            try:
                outcome = await self._rt.invoke_chain(chain[i:end], hook, value, *extra)
            except HookBusy as refused:
                raise refused.busy from None
            if outcome.rejected is not None:
                raise rejected_by_plugin("Post", outcome.rejected)
            if outcome.stopped:
                raise required_plugin_unavailable(outcome.stopped)
            if isinstance(outcome.value, t.Post):
                value = outcome.value
            i = end
        return value

    async def _one(self, running: Running, hook: str, value: t.Post, *extra: Any) -> t.Post:
        try:
            result = await self._rt.invoke(running, hook, value, *extra)
        except Rejected as exc:
            raise rejected_by_plugin("Post", exc.reason) from None
        except HookFailed as failed:
            if self._rt.fail_closed(running.id, hook):
                raise _refusal(failed) from None
            return value
        return result if isinstance(result, t.Post) else value

    def _apply(self, post: Post, changed: t.Post) -> Post:
        if changed.props != post.props:
            if not isinstance(changed.props, dict):
                raise rejected_by_plugin("Post", "the plugin returned invalid props")
            self._posts.check_props(changed.props)
            post.props = changed.props
        if not isinstance(changed.message, str):
            raise rejected_by_plugin("Post", "the plugin returned an invalid message")
        post.message = changed.message
        return post

    async def _notify(self, tenant_id: str, hook: str, *args: Any) -> None:
        chain = self._rt.implementing(tenant_id, hook)
        if chain:
            await asyncio.gather(*(self._quiet(r, hook, *args) for r in chain))

    async def _quiet(self, running: Running, hook: str, *args: Any) -> None:
        # A failure is counted against the plugin; there is nothing to undo after a commit.
        with contextlib.suppress(HookFailed, Rejected):
            await self._rt.invoke(running, hook, *args)

    # PostHook.

    @property
    def wants_after(self) -> bool:
        """No task per post unless some tenant's instance hears of posts after the fact."""
        return self._rt.watches_any

    def wants_after_in(self, tenant_id: str) -> bool:
        """... and none for a post of a tenant whose instances do not."""
        return self._rt.watches_posts(tenant_id)

    async def will_post(self, actor: Actor, post: Post, channel: Channel) -> Post:
        chain = self._rt.implementing(actor.tenant_id, "message_will_be_posted")
        if not chain:
            return post
        changed = await self._chain(chain, "message_will_be_posted", convert.post(post))
        return self._apply(post, changed)

    async def will_update(self, actor: Actor, new: Post, old: Post, channel: Channel) -> Post:
        hook = "message_will_be_updated"
        chain = self._rt.implementing(actor.tenant_id, hook)
        if not chain:
            return new
        changed = await self._chain(chain, hook, convert.post(new), convert.post(old))
        return self._apply(new, changed)

    async def has_posted(self, actor: Actor, post: Post, channel: Channel) -> None:
        await self._notify(actor.tenant_id, "message_has_been_posted", convert.post(post))

    async def has_updated(self, actor: Actor, new: Post, old: Post, channel: Channel) -> None:
        args = (convert.post(new), convert.post(old))
        await self._notify(actor.tenant_id, "message_has_been_updated", *args)

    async def has_deleted(self, actor: Actor, post: Post, channel: Channel) -> None:
        await self._notify(actor.tenant_id, "message_has_been_deleted", convert.post(post))

    # LifecycleHook.

    async def user_will_log_in(self, tenant_id: str, user: User) -> None:
        hook = "user_will_log_in"
        for running in self._rt.implementing(tenant_id, hook):
            try:
                await self._rt.invoke(running, hook, convert.user(user))
            except Rejected as exc:
                raise rejected_by_plugin("Login", exc.reason) from None
            except HookFailed as failed:
                if self._rt.fail_closed(running.id, hook):
                    raise _refusal(failed) from None

    async def file_will_be_uploaded(
        self, tenant_id: str, user_id: str, channel_id: str, spool: Spool
    ) -> None:
        """Each plugin in turn may refuse the file, rename it or replace its content; the
        next one sees the result. Content work may take a while: the long timeout."""
        hook = "file_will_be_uploaded"
        for running in self._rt.implementing(tenant_id, hook):
            info = t.FileInfo(
                spool.name,
                spool.size,
                channel_id,
                user_id,
                mime_type(spool.name),
                extension(spool.name),
            )
            in_process = running.instance is not None
            try:
                with self._files.lend(running.key, SpoolContent(spool), in_process) as content:
                    result = await self._rt.invoke(running, hook, info, content, long=True)
            except Rejected as exc:
                raise rejected_by_plugin("File", exc.reason) from None
            except HookFailed as failed:
                if self._rt.fail_closed(running.id, hook):
                    raise _refusal(failed) from None
                continue
            if isinstance(result, t.FileInfo) and result.name != spool.name:
                if not isinstance(result.name, str):
                    raise rejected_by_plugin("File", "the plugin returned an invalid name")
                spool.name = clean_name(result.name)

    async def user_created(self, tenant_id: str, user: User) -> None:
        await self._notify(tenant_id, "user_has_been_created", convert.user(user))

    async def reaction_added(self, tenant_id: str, reaction: Reaction) -> None:
        await self._notify(tenant_id, "reaction_has_been_added", convert.reaction(reaction))

    async def reaction_removed(self, tenant_id: str, reaction: Reaction) -> None:
        await self._notify(tenant_id, "reaction_has_been_removed", convert.reaction(reaction))

    async def channel_created(self, tenant_id: str, channel: Channel) -> None:
        await self._notify(tenant_id, "channel_has_been_created", convert.channel(channel))

    async def joined_channel(
        self, tenant_id: str, channel_id: str, user_id: str, actor_id: str
    ) -> None:
        member = t.ChannelMember(channel_id, user_id)
        await self._notify(tenant_id, "user_has_joined_channel", member, actor_id)

    async def left_channel(
        self, tenant_id: str, channel_id: str, user_id: str, actor_id: str
    ) -> None:
        member = t.ChannelMember(channel_id, user_id)
        await self._notify(tenant_id, "user_has_left_channel", member, actor_id)

    async def joined_team(self, tenant_id: str, team_id: str, user_id: str, actor_id: str) -> None:
        await self._notify(
            tenant_id, "user_has_joined_team", t.TeamMember(team_id, user_id), actor_id
        )

    async def left_team(self, tenant_id: str, team_id: str, user_id: str, actor_id: str) -> None:
        await self._notify(
            tenant_id, "user_has_left_team", t.TeamMember(team_id, user_id), actor_id
        )

    async def websocket_connected(self, tenant_id: str, user_id: str, connection_id: str) -> None:
        await self._notify(tenant_id, "on_websocket_connect", user_id, connection_id)

    async def websocket_disconnected(
        self, tenant_id: str, user_id: str, connection_id: str
    ) -> None:
        await self._notify(tenant_id, "on_websocket_disconnect", user_id, connection_id)
