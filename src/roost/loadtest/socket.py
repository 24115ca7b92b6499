"""One simulated user's WebSocket: authenticate, read events, resume after a drop.

The socket answers nothing but what a client must (the authentication challenge);
it counts events by type, notices gaps in sequence numbers, and measures how long
a ``posted`` event took to arrive after the post was created (same clock: the
load generator and the server share this machine).
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
import orjson

from roost.loadtest.backoff import Backoff
from roost.loadtest.metrics import Recorder

EventHandler = Callable[[str, dict[str, Any]], Awaitable[None]]
# The ReconnectWebSocket action closes and reconnects after this long (scaled like idle
# times); after an unexpected drop the socket backs off (roost.loadtest.backoff).
RECONNECT_DELAY_S = 1.0
MAX_FRAME = 4 * 1024 * 1024


def _post_create_at(data: dict[str, Any]) -> int | None:
    raw = data.get("post")
    if isinstance(raw, str):
        with contextlib.suppress(orjson.JSONDecodeError):
            raw = orjson.loads(raw)
    if isinstance(raw, dict):
        value = raw.get("create_at")
        if isinstance(value, int):
            return value
    return None


class UserSocket:
    def __init__(
        self,
        session: aiohttp.ClientSession,
        base: str,
        token: str,
        recorder: Recorder,
        timeout_s: float,
        on_event: EventHandler,
        backoff: Backoff | None = None,
    ) -> None:
        scheme = "wss" if base.startswith("https") else "ws"
        self._url = scheme + ":" + base.rstrip("/").split(":", 1)[1] + "/api/v4/websocket"
        self._session = session
        self._token = token
        self._rec = recorder
        self._timeout = timeout_s
        self._on_event = on_event
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        self._reader: asyncio.Task[None] | None = None
        self._authed: asyncio.Future[bool] | None = None
        self._action_seq = 0
        self._auth_seq = 0
        self._retry: asyncio.Task[None] | None = None
        self._closing = False
        self.connection_id = ""
        self.next_seq = 0
        self.reconnect_delay_s = RECONNECT_DELAY_S
        # After a drop: the apps' schedule (3 s and jitter, growing after 7 failures).
        self.backoff = backoff if backoff is not None else Backoff(random.Random())

    @property
    def connected(self) -> bool:
        return self._ws is not None and not self._ws.closed

    async def connect(self, resume: bool = False) -> bool:
        """Open and authenticate; with ``resume``, ask for the missed events."""
        params: dict[str, str] = {}
        if resume and self.connection_id:
            params = {"connection_id": self.connection_id, "sequence_number": str(self.next_seq)}
        previous = self.connection_id
        self._closing = False
        loop = asyncio.get_running_loop()
        self._authed = loop.create_future()
        try:
            async with asyncio.timeout(self._timeout):
                self._ws = await self._session.ws_connect(
                    self._url, params=params, autoping=True, max_msg_size=MAX_FRAME
                )
                self._reader = asyncio.create_task(self._read(self._ws))
                # The answer may be read before send() returns: know its seq first.
                self._auth_seq = self._action_seq + 1
                await self.send("authentication_challenge", {"token": self._token})
                ok = await self._authed
        except (TimeoutError, aiohttp.ClientError, ConnectionError):
            ok = False
        if not ok:
            self._rec.socket.connect_failures += 1
            await self._teardown()
            return False
        self._rec.socket.connects += 1
        if resume:
            self._rec.socket.reconnects += 1
            if previous and self.connection_id == previous:
                self._rec.socket.resumed += 1
        return True

    async def send(self, action: str, data: dict[str, Any]) -> None:
        ws = self._ws
        if ws is None or ws.closed:
            return
        self._action_seq += 1
        frame = {"seq": self._action_seq, "action": action, "data": data}
        with contextlib.suppress(ConnectionError, aiohttp.ClientError):
            await ws.send_str(orjson.dumps(frame).decode())

    async def close(self) -> None:
        """Close for good (until the next ``connect``): no automatic reconnection."""
        self._closing = True
        retry, self._retry = self._retry, None
        if retry is not None and retry is not asyncio.current_task():
            retry.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await retry
        await self._teardown()

    async def _teardown(self) -> None:
        ws, self._ws = self._ws, None
        if ws is not None:
            with contextlib.suppress(Exception):
                await ws.close()
        reader, self._reader = self._reader, None
        if reader is not None and reader is not asyncio.current_task():
            reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await reader

    async def _read(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        try:
            async for msg in ws:
                if msg.type == aiohttp.WSMsgType.TEXT:
                    await self._frame(msg.data)
                elif msg.type in (aiohttp.WSMsgType.ERROR, aiohttp.WSMsgType.CLOSE):
                    break
        except (aiohttp.ClientError, ConnectionError):
            pass
        if self._authed is not None and not self._authed.done():
            self._authed.set_result(False)
        if not self._closing and ws is self._ws:
            self._rec.socket.dropped += 1
            self._ws = None
            if self._retry is None or self._retry.done():
                self._retry = asyncio.create_task(self._reconnect())

    async def _reconnect(self) -> None:
        """Come back as a client would (after a back-off with jitter, so that sockets
        dropped together do not return together), resuming where the dropped socket
        stopped."""
        while True:
            await asyncio.sleep(self.backoff.next_delay())
            if self._closing or self.connected or await self.connect(resume=True):
                self.backoff.reset()
                return

    async def _frame(self, text: str) -> None:
        try:
            frame = orjson.loads(text)
        except orjson.JSONDecodeError:
            return
        if not isinstance(frame, dict):
            return
        if "seq_reply" in frame:
            authed = self._authed
            if (
                frame.get("seq_reply") == self._auth_seq
                and authed is not None
                and not authed.done()
            ):
                authed.set_result(frame.get("status") == "OK")
            return
        event = frame.get("event")
        if not isinstance(event, str):
            return
        seq = frame.get("seq")
        if isinstance(seq, int):
            if seq > self.next_seq and event != "hello":
                self._rec.socket.seq_gaps += 1
            self.next_seq = seq + 1
        data = frame.get("data")
        data = data if isinstance(data, dict) else {}
        wall = time.time()
        if event == "hello":
            conn_id = data.get("connection_id")
            if isinstance(conn_id, str):
                self.connection_id = conn_id
            self._rec.ws_event(event, wall)
            return
        delay = None
        if event == "posted":
            created = _post_create_at(data)
            if created is not None:
                delay = wall * 1000 - created
        self._rec.ws_event(event, wall, delay)
        await self._on_event(event, data)
