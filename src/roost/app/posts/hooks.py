"""The seam where code outside the post service takes part in a post's life: plugins
(which may change or reject a post before it is written) and integrations such as
outgoing webhooks (which react after it is written).

``Posts`` holds one ``PostHooks``; the composition root (``roost.compose``) sets the
hooks in their declared order. With no hook, nothing here costs more than a length check
on the hot path, and a hook that overrides one side only (before the write, or after it)
costs nothing on the other. A hook that is always present but often idle (plugins, when
none is enabled) says so with ``wants_after``, read before each post: False, and no task
is made for it; one idle for some tenants only (plugins, enabled per tenant) answers
``wants_after_in(tenant_id)``: False, and that tenant's posts make no task for it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any

from roost.app.kernel.context import Actor
from roost.model.channel import Channel
from roost.model.post import Post

log = logging.getLogger(__name__)


class PostHook:
    """One participant; override the methods it needs (the defaults change nothing).
    ``will_*`` run before the write, in the request, in the order the hooks are
    declared (``roost.compose``), each seeing the post the previous one returned; raising
    ``AppError`` rejects the post with that error. ``has_*`` run after the commit, off
    the request path, on the node that made the change (never once per node).

    A hook takes part on the sides whose methods it overrides: one that overrides no
    ``will_*`` costs nothing before the write, one that overrides no ``has_*`` makes no
    task after it. ``wants_after`` (cheap): False when ``has_*`` would do nothing right
    now, so no task is made; ``wants_after_in(tenant_id)`` (cheap): the same for one
    tenant's posts."""

    @property
    def wants_after(self) -> bool:
        return True

    def wants_after_in(self, tenant_id: str) -> bool:
        return True

    async def will_post(self, actor: Actor, post: Post, channel: Channel) -> Post:
        return post

    async def will_update(self, actor: Actor, new: Post, old: Post, channel: Channel) -> Post:
        return new

    async def has_posted(self, actor: Actor, post: Post, channel: Channel) -> None:
        return None

    async def has_updated(self, actor: Actor, new: Post, old: Post, channel: Channel) -> None:
        return None

    async def has_deleted(self, actor: Actor, post: Post, channel: Channel) -> None:
        return None


def _changes_posts(kind: type[PostHook]) -> bool:
    return kind.will_post is not PostHook.will_post or kind.will_update is not PostHook.will_update


def _hears_of_posts(kind: type[PostHook]) -> bool:
    return (
        kind.has_posted is not PostHook.has_posted
        or kind.has_updated is not PostHook.has_updated
        or kind.has_deleted is not PostHook.has_deleted
    )


class PostHooks:
    def __init__(self) -> None:
        self._before: list[PostHook] = []
        self._after: list[PostHook] = []
        self._running: set[asyncio.Task[None]] = set()

    def set(self, hooks: list[PostHook]) -> None:
        """The hooks, in their declared order (``roost.compose``); each takes part on
        the sides it overrides, so posts do not pay for calls that do nothing."""
        self._before = [h for h in hooks if _changes_posts(type(h))]
        self._after = [h for h in hooks if _hears_of_posts(type(h))]

    @property
    def changes(self) -> bool:
        """Some hook may change or reject posts before they are written."""
        return bool(self._before)

    @property
    def watches(self) -> bool:
        """Some hook wants to hear of posts after they are written (now)."""
        return any(_wants_after(h) for h in self._after)

    async def will_post(self, actor: Actor, post: Post, channel: Channel) -> Post:
        for hook in self._before:
            post = await hook.will_post(actor, post, channel)
        return post

    async def will_update(self, actor: Actor, new: Post, old: Post, channel: Channel) -> Post:
        for hook in self._before:
            new = await hook.will_update(actor, new, old, channel)
        return new

    def has_posted(self, actor: Actor, post: Post, channel: Channel) -> None:
        for hook in self._after:
            if _wants_after(hook, actor.tenant_id):
                self._later(hook.has_posted(actor, post, channel))

    def has_updated(self, actor: Actor, new: Post, old: Post, channel: Channel) -> None:
        for hook in self._after:
            if _wants_after(hook, actor.tenant_id):
                self._later(hook.has_updated(actor, new, old, channel))

    def has_deleted(self, actor: Actor, post: Post, channel: Channel) -> None:
        for hook in self._after:
            if _wants_after(hook, actor.tenant_id):
                self._later(hook.has_deleted(actor, post, channel))

    async def drain(self) -> None:
        """Wait for the after-commit calls still running (server shutdown, tests)."""
        while self._running:
            await asyncio.gather(*self._running, return_exceptions=True)

    def _later(self, call: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(call)
        self._running.add(task)
        task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._running.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("post hook failed", exc_info=task.exception())


def _wants_after(hook: PostHook, tenant_id: str | None = None) -> bool:
    if not hook.wants_after:
        return False
    return tenant_id is None or hook.wants_after_in(tenant_id)
