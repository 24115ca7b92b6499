"""The seam where code outside the app services hears of users, channels, teams,
reactions and WebSocket connections changing, and may refuse a login or an upload (or
change the uploaded file): server plugins.

Services hold one ``LifecycleHooks`` (shared, built by the composition root). With no
hook added, a service pays a length check. ``user_will_log_in`` and
``file_will_be_uploaded`` run in the request and may raise ``AppError``; every other
call runs after the commit (or the socket's change), off the request path, on the node
that made the change."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine, Sequence
from typing import Any

from roost.app.kernel.upload_spool import Spool
from roost.model.channel import Channel
from roost.model.post import Reaction
from roost.model.user import User

log = logging.getLogger(__name__)


class LifecycleHook:
    """One participant; override what it needs (the defaults do nothing)."""

    async def user_will_log_in(self, tenant_id: str, user: User) -> None:
        return None

    async def file_will_be_uploaded(
        self, tenant_id: str, user_id: str, channel_id: str, spool: Spool
    ) -> None:
        return None

    async def user_created(self, tenant_id: str, user: User) -> None:
        return None

    async def reaction_added(self, tenant_id: str, reaction: Reaction) -> None:
        return None

    async def reaction_removed(self, tenant_id: str, reaction: Reaction) -> None:
        return None

    async def channel_created(self, tenant_id: str, channel: Channel) -> None:
        return None

    async def joined_channel(
        self, tenant_id: str, channel_id: str, user_id: str, actor_id: str
    ) -> None:
        return None

    async def left_channel(
        self, tenant_id: str, channel_id: str, user_id: str, actor_id: str
    ) -> None:
        return None

    async def joined_team(self, tenant_id: str, team_id: str, user_id: str, actor_id: str) -> None:
        return None

    async def left_team(self, tenant_id: str, team_id: str, user_id: str, actor_id: str) -> None:
        return None

    async def websocket_connected(self, tenant_id: str, user_id: str, connection_id: str) -> None:
        return None

    async def websocket_disconnected(
        self, tenant_id: str, user_id: str, connection_id: str
    ) -> None:
        return None


Call = Callable[[LifecycleHook], Coroutine[Any, Any, None]]


def _joined_channel(tenant_id: str, channel_id: str, user_id: str, actor_id: str) -> Call:
    return lambda h: h.joined_channel(tenant_id, channel_id, user_id, actor_id)


class LifecycleHooks:
    def __init__(self) -> None:
        self._hooks: list[LifecycleHook] = []
        self._running: set[asyncio.Task[None]] = set()

    def set(self, hooks: list[LifecycleHook]) -> None:
        """The hooks, in their declared order (``roost.compose``)."""
        self._hooks = list(hooks)

    @property
    def active(self) -> bool:
        return bool(self._hooks)

    async def user_will_log_in(self, tenant_id: str, user: User) -> None:
        for hook in self._hooks:
            await hook.user_will_log_in(tenant_id, user)

    async def file_will_be_uploaded(
        self, tenant_id: str, user_id: str, channel_id: str, spool: Spool
    ) -> None:
        """May rename the spooled file or replace its content, or raise ``AppError``."""
        for hook in self._hooks:
            await hook.file_will_be_uploaded(tenant_id, user_id, channel_id, spool)

    def notify(self, call: Call) -> None:
        """Run ``call(hook)`` for every hook, after the caller returns."""
        for hook in self._hooks:
            task = asyncio.create_task(call(hook))
            self._running.add(task)
            task.add_done_callback(self._finished)

    def joined_channel(
        self, tenant_id: str, channel_id: str, user_ids: Sequence[str], actor_id: str
    ) -> None:
        for user_id in user_ids:
            self.notify(_joined_channel(tenant_id, channel_id, user_id, actor_id))

    async def drain(self) -> None:
        while self._running:
            await asyncio.gather(*self._running, return_exceptions=True)

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._running.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("lifecycle hook failed", exc_info=task.exception())
