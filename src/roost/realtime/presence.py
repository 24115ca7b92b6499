"""Who has a WebSocket open, so that closing one socket marks a user offline only when
it was their last one. Alone, a node counts in memory (``LocalPresence``); joined to
others, ``cluster.redis_presence.RedisPresence`` counts across nodes."""

from __future__ import annotations

from collections import Counter
from typing import Protocol


class Presence(Protocol):
    async def connected(self, tenant_id: str, user_id: str) -> None: ...

    async def disconnected(self, tenant_id: str, user_id: str) -> bool:
        """Count a closed socket; True if the user has none left on any node."""
        ...

    async def start(self) -> None: ...

    async def close(self) -> None: ...


class LocalPresence:
    def __init__(self) -> None:
        self._open: Counter[tuple[str, str]] = Counter()

    async def connected(self, tenant_id: str, user_id: str) -> None:
        self._open[(tenant_id, user_id)] += 1

    async def disconnected(self, tenant_id: str, user_id: str) -> bool:
        key = (tenant_id, user_id)
        self._open[key] -= 1
        if self._open[key] <= 0:
            del self._open[key]
            return True
        return False

    async def start(self) -> None:
        pass

    async def close(self) -> None:
        pass
