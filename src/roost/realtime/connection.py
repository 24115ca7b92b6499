"""One client's WebSocket session: sequence numbers, a bounded send queue, replay.

A connection outlives its socket for a while: events keep landing in its replay
buffer so that a client reconnecting with ``connection_id`` and ``sequence_number``
gets exactly what it missed.
"""

from __future__ import annotations

import asyncio
from collections import deque


class Connection:
    __slots__ = (
        "_queue",
        "_replay",
        "active",
        "closed_at",
        "id",
        "next_seq",
        "overflowed",
        "tenant_id",
        "user_id",
    )

    def __init__(
        self, connection_id: str, tenant_id: str, user_id: str, queue_size: int, replay_size: int
    ) -> None:
        self.id = connection_id
        self.tenant_id = tenant_id
        self.user_id = user_id
        self.next_seq = 0
        self.active = False
        self.overflowed = False
        self.closed_at = 0.0
        # None in the queue tells the sender to stop.
        self._queue: asyncio.Queue[str | None] = asyncio.Queue(queue_size)
        self._replay: deque[tuple[int, str]] = deque(maxlen=replay_size)

    def push(self, prefix: str) -> None:
        """Number an event (``prefix`` is its JSON without the closing brace) and send it."""
        seq = self.next_seq
        self.next_seq += 1
        frame = f'{prefix},"seq":{seq}}}'
        self._replay.append((seq, frame))
        if not self.active:
            return
        try:
            self._queue.put_nowait(frame)
        except asyncio.QueueFull:
            # A slow consumer must never hold up the hub: cut it off; it may resume
            # from the replay buffer if it comes back soon enough.
            self.overflowed = True
            self.detach()

    def reply(self, frame: str) -> None:
        """Queue an answer to a client action; answers carry seq_reply, not seq."""
        if not self.active:
            return
        try:
            self._queue.put_nowait(frame)
        except asyncio.QueueFull:
            self.overflowed = True
            self.detach()

    def can_resume_from(self, seq: int) -> bool:
        if seq == self.next_seq:
            return True
        return bool(self._replay) and self._replay[0][0] <= seq < self.next_seq

    def attach(self, resume_from: int | None = None) -> None:
        """Start delivering; on resume, queue what was missed since ``resume_from``."""
        self._queue = asyncio.Queue(self._queue.maxsize)
        self.active = True
        self.overflowed = False
        if resume_from is not None:
            missed = [frame for seq, frame in self._replay if seq >= resume_from]
            for frame in missed[-(self._queue.maxsize - 1) :]:
                self._queue.put_nowait(frame)
        self.closed_at = 0.0

    def detach(self) -> None:
        if not self.active:
            return
        self.active = False
        self.closed_at = asyncio.get_running_loop().time()
        try:
            self._queue.put_nowait(None)
        except asyncio.QueueFull:
            # Make room for the stop signal; the dropped frames stay in the replay buffer.
            while not self._queue.empty():
                self._queue.get_nowait()
            self._queue.put_nowait(None)

    async def next_frame(self) -> str | None:
        """The next frame to send, or None when the connection was detached."""
        return await self._queue.get()
