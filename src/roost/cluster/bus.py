"""The event bus. One node: in process (this module). Several nodes: Redis (redis_bus)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager, nullcontext
from typing import Protocol

from roost.model.event import Event
from roost.tenancy.scope import tenant_scope

EventHandler = Callable[[Event], None]


class Bus(Protocol):
    connected: bool

    async def publish(self, events: Iterable[Event]) -> None: ...

    def subscribe(self, handler: EventHandler) -> None: ...

    def subscribe_origin(self, handler: EventHandler) -> None:
        """Hear only the events this node publishes (after the ``subscribe`` handlers),
        for work that must happen once per change, not once per node."""
        ...

    async def start(self) -> None: ...

    async def close(self) -> None: ...


class LocalBus:
    """Delivers each event to this process's subscribers, synchronously and in order."""

    connected = True

    def __init__(self) -> None:
        self._handlers: list[EventHandler] = []
        self._origin_handlers: list[EventHandler] = []

    def subscribe(self, handler: EventHandler) -> None:
        self._handlers.append(handler)

    def subscribe_origin(self, handler: EventHandler) -> None:
        self._origin_handlers.append(handler)

    async def publish(self, events: Iterable[Event]) -> None:
        batch = list(events)
        await self.deliver(batch)
        for event in batch:
            with _scope_of(event):
                for handler in self._origin_handlers:
                    handler(event)

    async def deliver(self, events: Iterable[Event]) -> None:
        """To the ``subscribe`` handlers only: events another node published."""
        for event in events:
            with _scope_of(event):
                for handler in self._handlers:
                    handler(event)

    async def start(self) -> None:
        pass

    async def close(self) -> None:
        pass


def _scope_of(event: Event) -> AbstractContextManager[None]:
    """Handlers (and the tasks they start) work for the event's tenant; node-wide
    events (no tenant) leave the handlers to name their own."""
    return tenant_scope(event.tenant_id) if event.tenant_id else nullcontext()
