"""The event bus. One node: in process (this module). Several nodes: Redis (redis_bus)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Protocol

from roost.model.event import Event

EventHandler = Callable[[Event], None]


class Bus(Protocol):
    connected: bool

    async def publish(self, events: Iterable[Event]) -> None: ...

    def subscribe(self, handler: EventHandler) -> None: ...

    async def start(self) -> None: ...

    async def close(self) -> None: ...


class LocalBus:
    """Delivers each event to this process's subscribers, synchronously and in order."""

    connected = True

    def __init__(self) -> None:
        self._handlers: list[EventHandler] = []

    def subscribe(self, handler: EventHandler) -> None:
        self._handlers.append(handler)

    async def publish(self, events: Iterable[Event]) -> None:
        for event in events:
            for handler in self._handlers:
                handler(event)

    async def start(self) -> None:
        pass

    async def close(self) -> None:
        pass
