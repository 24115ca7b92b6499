"""A bounded in-process cache of rows that change rarely and are read constantly.

Entries are filled after a database read and dropped by the events that change them
(through the bus, so other nodes drop theirs too). A read that started before an
invalidation may return an old row; ``token()`` taken before the read and passed to
``fill()`` keeps such a row out of the cache.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import Generic, TypeVar

from cachetools import LRUCache

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class ReadCache(Generic[K, V]):
    def __init__(self, max_entries: int) -> None:
        self._entries: LRUCache[K, V] = LRUCache(max_entries)
        self._epoch = 0

    def get(self, key: K) -> V | None:
        return self._entries.get(key)

    def token(self) -> int:
        """Take before reading the database; hand to ``fill``."""
        return self._epoch

    def fill(self, token: int, items: Iterable[tuple[K, V]]) -> None:
        if token == self._epoch:
            for key, value in items:
                self._entries[key] = value

    def forget(self, key: K) -> None:
        self._epoch += 1
        self._entries.pop(key, None)

    def clear(self) -> None:
        self._epoch += 1
        self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)
