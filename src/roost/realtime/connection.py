"""One client's WebSocket session: sequence numbers, a bounded send queue, replay.

A connection outlives its socket for a while: events keep landing in its replay
buffer so that a client reconnecting with ``connection_id`` and ``sequence_number``
gets exactly what it missed.
"""

from __future__ import annotations

import asyncio
from collections import deque

# (shared prefix, per-user part, seq) of one frame.
Item = tuple[str, str, int]


class Connection:
    __slots__ = (
        "_queue",
        "_replay",
        "active",
        "closed_at",
        "ended",
        "expires_at",
        "expiry",
        "id",
        "next_seq",
        "overflowed",
        "session_id",
        "tenant_id",
        "user_id",
    )

    def __init__(
        self,
        connection_id: str,
        tenant_id: str,
        user_id: str,
        queue_size: int,
        replay_size: int,
        session_id: str = "",
        expires_at: int = 0,
    ) -> None:
        self.id = connection_id
        self.tenant_id = tenant_id
        self.user_id = user_id
        # The session (or access token) the socket authenticated with, and when it
        # expires (ms; 0: never): the hub closes the socket when it ends.
        self.session_id = session_id
        self.expires_at = expires_at
        self.expiry: asyncio.TimerHandle | None = None
        # Its session ended: the socket closes and the connection cannot be resumed.
        self.ended = False
        self.next_seq = 0
        self.active = False
        self.overflowed = False
        self.closed_at = 0.0
        # Queue and replay buffer hold the parts of a frame, not the frame: an event's
        # shared prefix (one string for every connection it goes to), the part only this
        # user sees (usually empty) and this connection's seq; each frame exists only
        # while it is being sent. A seq of -1 marks a finished frame (a reply); None
        # tells the sender to stop.
        self._queue: asyncio.Queue[Item | None] = asyncio.Queue(queue_size)
        self._replay: deque[Item] = deque(maxlen=replay_size)

    def push(self, prefix: str, personal: str = "") -> None:
        """Number an event and send it: its JSON without the closing brace is
        ``prefix + personal``."""
        item = (prefix, personal, self.next_seq)
        self.next_seq += 1
        self._replay.append(item)
        if not self.active:
            return
        try:
            self._queue.put_nowait(item)
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
            self._queue.put_nowait((frame, "", -1))
        except asyncio.QueueFull:
            self.overflowed = True
            self.detach()

    def can_resume_from(self, seq: int) -> bool:
        """Whether everything from ``seq`` on can be sent again: still buffered, and few
        enough to fit the send queue (replaying only the last of them would leave a gap
        the client can only answer by reconnecting to the same gap, forever)."""
        if seq == self.next_seq:
            return True
        if self.next_seq - seq > self._queue.maxsize - 1:
            return False
        return bool(self._replay) and self._replay[0][2] <= seq < self.next_seq

    def restart(self, connection_id: str) -> None:
        """Become a new connection on the same socket: a new id, seq from 0, nothing to
        replay. The caller pushes the fresh ``hello`` (seq 0) next; frames queued before
        keep their old numbers and go out first."""
        self.id = connection_id
        self.next_seq = 0
        self._replay.clear()

    def attach(self, resume_from: int | None = None) -> None:
        """Start delivering; on resume, queue what was missed since ``resume_from``."""
        self._queue = asyncio.Queue(self._queue.maxsize)
        self.active = True
        self.overflowed = False
        if resume_from is not None:
            # can_resume_from made sure they fit.
            for item in self._replay:
                if item[2] >= resume_from:
                    self._queue.put_nowait(item)
        self.closed_at = 0.0

    def end(self) -> None:
        """The session is over: send what was queued before, then close the socket."""
        self.ended = True
        self.detach()

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
        item = await self._queue.get()
        if item is None:
            return None
        prefix, personal, seq = item
        return prefix if seq < 0 else f'{prefix}{personal},"seq":{seq}}}'
