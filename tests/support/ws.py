"""A small synchronous WebSocket client speaking Mattermost's protocol, for tests."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, Protocol
from urllib.parse import urlsplit

from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

Frame = dict[str, Any]


class WsClient:
    """Connects, authenticates with a token and collects events as they arrive."""

    def __init__(
        self,
        base: str,
        token: str,
        *,
        connection_id: str = "",
        sequence_number: int | None = None,
        authenticate: bool = True,
        timeout: float = 10.0,
        host: str = "",
        headers: dict[str, str] | None = None,
    ) -> None:
        url = base.replace("http://", "ws://") + "/api/v4/websocket"
        if connection_id:
            url += f"?connection_id={connection_id}&sequence_number={sequence_number or 0}"
        sock = None
        if host:
            # Connect to the server, but name ``host`` (a tenant) in the handshake.
            parsed = urlsplit(url)
            sock = socket.create_connection((parsed.hostname, parsed.port), timeout=timeout)
            url = parsed._replace(netloc=f"{host}:{parsed.port}").geturl()
        self.ws: ClientConnection = connect(
            url,
            sock=sock,
            open_timeout=timeout,
            max_size=2**22,
            legacy=True,
            additional_headers=headers,
        )
        self.timeout = timeout
        self.frames: list[Frame] = []  # every frame received, in order
        self._unread: list[Frame] = []
        self._seq = 0
        self.hello: Frame | None = None
        if authenticate:
            self.send("authentication_challenge", {"token": token})

    # Sending.

    def send(self, action: str, data: dict[str, Any] | None = None) -> int:
        self._seq += 1
        self.ws.send(json.dumps({"seq": self._seq, "action": action, "data": data or {}}))
        return self._seq

    # Receiving.

    def _read(self, timeout: float) -> Frame | None:
        try:
            raw = self.ws.recv(timeout=timeout)
        except TimeoutError:
            return None
        frame: Frame = json.loads(raw)
        self.frames.append(frame)
        if frame.get("event") == "hello" and self.hello is None:
            self.hello = frame
        return frame

    def next_frame(self, timeout: float | None = None) -> Frame:
        if self._unread:
            return self._unread.pop(0)
        frame = self._read(self.timeout if timeout is None else timeout)
        if frame is None:
            raise AssertionError("no frame arrived in time")
        return frame

    def wait_for(
        self,
        event: str,
        predicate: Callable[[Frame], bool] | None = None,
        timeout: float | None = None,
    ) -> Frame:
        """The first unread event of that name (matching predicate); others stay unread."""
        deadline = time.monotonic() + (self.timeout if timeout is None else timeout)
        for i, unread in enumerate(self._unread):
            if unread.get("event") == event and (predicate is None or predicate(unread)):
                return self._unread.pop(i)
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                seen = [f.get("event") or f.get("seq_reply") for f in self.frames]
                raise AssertionError(f"no {event!r} event in time; frames seen: {seen}")
            frame = self._read(left)
            if frame is None:
                continue
            if frame.get("event") == event and (predicate is None or predicate(frame)):
                return frame
            self._unread.append(frame)

    def wait_reply(self, seq: int, timeout: float | None = None) -> Frame:
        return self.wait_for_reply(lambda f: f.get("seq_reply") == seq, timeout)

    def wait_for_reply(self, match: Callable[[Frame], bool], timeout: float | None = None) -> Frame:
        deadline = time.monotonic() + (self.timeout if timeout is None else timeout)
        for i, unread in enumerate(self._unread):
            if "seq_reply" in unread and match(unread):
                return self._unread.pop(i)
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError("no matching reply in time")
            frame = self._read(left)
            if frame is not None and "seq_reply" in frame and match(frame):
                return frame
            if frame is not None:
                self._unread.append(frame)

    def assert_no_event(self, event: str, within: float = 0.5) -> None:
        deadline = time.monotonic() + within
        for unread in self._unread:
            assert unread.get("event") != event, f"unexpected {event}: {unread}"
        while (left := deadline - time.monotonic()) > 0:
            frame = self._read(left)
            if frame is None:
                break
            assert frame.get("event") != event, f"unexpected {event}: {frame}"
            self._unread.append(frame)

    def drain(self, quiet: float = 0.3) -> list[Frame]:
        """Every unread frame, and whatever else arrives until ``quiet`` seconds pass
        with nothing new; all of them read."""
        got, self._unread = self._unread, []
        while (frame := self._read(quiet)) is not None:
            got.append(frame)
        return got

    def is_closed(self, timeout: float = 2.0) -> bool:
        try:
            self.ws.recv(timeout=timeout)
        except ConnectionClosed:
            return True
        except TimeoutError:
            return False
        return False

    def frames_until_closed(self, timeout: float = 5.0) -> list[Frame]:
        """Every frame received before the server closes the socket (unread ones first);
        fails if it stays open past ``timeout``."""
        got, self._unread = self._unread, []
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            try:
                frame = self._read(left)
            except ConnectionClosed:
                return got
            if frame is not None:
                got.append(frame)
        raise AssertionError(f"the socket stayed open; frames: {got}")

    @property
    def close_code(self) -> int | None:
        return self.ws.close_code

    def close(self) -> None:
        self.ws.close()

    def __enter__(self) -> WsClient:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


class HasToken(Protocol):
    @property
    def token(self) -> str: ...


@contextmanager
def listening(server: str, *users: HasToken) -> Iterator[list[WsClient]]:
    """Sockets for the users, each authenticated and past its hello."""
    clients = [WsClient(server, u.token) for u in users]
    try:
        for ws in clients:
            ws.wait_for("hello")
            ws.wait_reply(1)
        yield clients
    finally:
        for ws in clients:
            ws.close()
