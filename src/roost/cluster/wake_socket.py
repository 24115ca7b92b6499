"""A nudge from a node's server processes to its notification worker process.

When ``roost serve`` runs the notification outbox in a process of its own
(``ROOST_NOTIFICATION_WORKER=process``), a post's notification rows are written by a
server process and worked by that other process. Without a nudge the worker would find
them only at its next poll; with one it looks at once, as the in-process worker does.

The nudge is one datagram on a Unix socket in Linux's abstract namespace (no file to
create or clean up, gone with the process that bound it). It carries nothing: losing one
costs at most a poll interval, so sending never blocks and never fails the sender.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import sys
from collections.abc import Callable

NUDGE = b"!"


def available() -> bool:
    """Abstract Unix sockets are Linux's; elsewhere the worker relies on its poll."""
    return sys.platform.startswith("linux")


def _address(name: str) -> str:
    return "\0" + name


class WakeSender:
    """Sends nudges to the worker bound to ``name``; silent when it is not there."""

    def __init__(self, name: str) -> None:
        self._address = _address(name)
        self._sock: socket.socket | None = None

    def send(self) -> None:
        if self._sock is None:
            self._sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
            self._sock.setblocking(False)
        # Not listening (restarting), or its queue full (it will look anyway): both fine.
        with contextlib.suppress(OSError):
            self._sock.sendto(NUDGE, self._address)

    def close(self) -> None:
        if self._sock is not None:
            self._sock.close()
            self._sock = None


class WakeListener:
    """Binds ``name`` and calls ``on_wake`` once per batch of nudges that arrived."""

    def __init__(self, name: str, on_wake: Callable[[], None]) -> None:
        self._address = _address(name)
        self._on_wake = on_wake
        self._sock: socket.socket | None = None

    async def start(self) -> None:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        sock.setblocking(False)
        sock.bind(self._address)
        self._sock = sock
        asyncio.get_running_loop().add_reader(sock.fileno(), self._drain)

    def _drain(self) -> None:
        sock = self._sock
        if sock is None:
            return
        with contextlib.suppress(BlockingIOError, InterruptedError):
            while True:
                sock.recv(16)
        self._on_wake()

    async def close(self) -> None:
        if self._sock is not None:
            asyncio.get_running_loop().remove_reader(self._sock.fileno())
            self._sock.close()
            self._sock = None
