"""The seam where code outside the post service takes part in a post's life: plugins
(which may change or reject a post before it is written) and integrations such as
outgoing webhooks (which react after it is written).

``Posts`` holds one ``PostHooks``; the composition root adds each hook in order. With
no hook added, nothing here costs more than a length check on the hot path, and a hook
added for one side only (before the write, or after it) costs nothing on the other. A
hook that is always added but often idle (plugins, when none is enabled) says so with a
``wants_after`` property, read before each post: False, and no task is made for it. A
hook idle for some tenants only (plugins, enabled per tenant) may also have a
``wants_after_in(tenant_id)`` method: False, and that tenant's posts make no task for it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any, Protocol

from roost.app.kernel.context import Actor
from roost.model.channel import Channel
from roost.model.post import Post

log = logging.getLogger(__name__)


class PostHook(Protocol):
    """One participant. ``will_*`` run before the write, in the request, in the order the
    hooks were added, each seeing the post the previous one returned; raising
    ``AppError`` rejects the post with that error. ``has_*`` run after the commit, off
    the request path, on the node that made the change (never once per node).

    Optionally, ``wants_after`` (a bool property, cheap): False when ``has_*`` would do
    nothing right now, so no task is scheduled for it; and ``wants_after_in(tenant_id)``
    (cheap): the same for one tenant's posts."""

    async def will_post(self, actor: Actor, post: Post, channel: Channel) -> Post: ...

    async def will_update(self, actor: Actor, new: Post, old: Post, channel: Channel) -> Post: ...

    async def has_posted(self, actor: Actor, post: Post, channel: Channel) -> None: ...

    async def has_updated(self, actor: Actor, new: Post, old: Post, channel: Channel) -> None: ...

    async def has_deleted(self, actor: Actor, post: Post, channel: Channel) -> None: ...


class PostHooks:
    def __init__(self) -> None:
        self._before: list[PostHook] = []
        self._after: list[PostHook] = []
        self._running: set[asyncio.Task[None]] = set()

    def add(self, hook: PostHook, before: bool = True, after: bool = True) -> None:
        """Add a hook; ``before=False`` or ``after=False`` for one that only needs one
        side, so posts do not pay for calls that do nothing (a task per post)."""
        if before:
            self._before.append(hook)
        if after:
            self._after.append(hook)

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
    if not getattr(hook, "wants_after", True):
        return False
    in_tenant = getattr(hook, "wants_after_in", None) if tenant_id is not None else None
    return in_tenant is None or bool(in_tenant(tenant_id))
