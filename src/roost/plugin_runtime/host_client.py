"""The server's side of a plugin-host process: start it, call it, notice it died.

Which plugins a host runs, and reloading them after a restart, is the runtime's job."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import sys
from typing import Any

from roost.app.kernel.errors import AppError
from roost.plugin.base import APIError
from roost.plugin_runtime.host_user import HostUser
from roost.plugin_runtime.rpc import Handler, Peer, PeerClosed, Progress

log = logging.getLogger("roost.plugin_runtime")

STREAM_LIMIT = 1024 * 1024
PING_TIMEOUT_SECONDS = 2.0
STOP_TIMEOUT_SECONDS = 2.0


def describe_error(exc: BaseException) -> tuple[str, str, dict[str, Any]]:
    """How a failed plugin API call is reported to the host."""
    if isinstance(exc, APIError):
        return "api", exc.message, {"status": exc.status, "id": exc.error_id}
    if isinstance(exc, AppError):
        return "api", exc.message, {"status": exc.status, "id": exc.error_id}
    log.warning("plugin API call failed: %r", exc)
    return "error", f"{type(exc).__name__}: {exc}", {}


# The host's whole environment: what Python needs to start and to decode text. Nothing
# else of the server's (its ROOST_* settings, database URLs, S3 keys, operator token):
# an allow-list, so a secret under a name nobody thought of stays behind too.
HOST_ENVIRONMENT = ("PATH", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "PYTHONPATH")


def host_environment() -> dict[str, str]:
    return {k: os.environ[k] for k in HOST_ENVIRONMENT if k in os.environ}


class HostProcess:
    def __init__(
        self, name: str, handler: Handler, died: asyncio.Event, user: HostUser | None = None
    ) -> None:
        self.name = name
        self._user = user or HostUser("")
        self._handler = handler
        self._died = died
        self._proc: asyncio.subprocess.Process | None = None
        self._peer: Peer | None = None
        self._reading: asyncio.Task[None] | None = None
        self.restarts = 0
        # A call timed out: until a ping answers, calls skip this host rather than each
        # waiting out its own timeout behind a plugin that may be spinning.
        self.suspect = False

    @property
    def pid(self) -> int:
        return self._proc.pid if self._proc is not None else 0

    @property
    def alive(self) -> bool:
        return (
            self._proc is not None
            and self._proc.returncode is None
            and self._peer is not None
            and not self._peer.closed
        )

    async def start(self) -> None:
        self._proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "roost.plugin_runtime.host",
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            limit=STREAM_LIMIT,
            env=host_environment(),
            **self._user.spawn_options(),
        )
        assert self._proc.stdout is not None and self._proc.stdin is not None
        self._peer = Peer(self._proc.stdout, self._proc.stdin, self._handler, describe_error)
        self._reading = asyncio.create_task(self._read(self._peer), name=f"plugin-host-{self.name}")

    async def _read(self, peer: Peer) -> None:
        await peer.run()
        if peer is self._peer:
            log.warning("plugin host %s (pid %d) went away", self.name, self.pid)
            self._died.set()

    @property
    def usable(self) -> bool:
        return self.alive and not self.suspect

    async def call(
        self,
        op: str,
        body: dict[str, Any],
        seconds: float | None,
        on_progress: Progress | None = None,
    ) -> Any:
        if self._peer is None:
            raise PeerClosed("the plugin host is not running")
        if op == "load" and body.get("folder") and self._user.switches:
            folder = await asyncio.to_thread(
                self._user.readable, str(body["folder"]), str(body["key"])
            )
            body = {**body, "folder": folder}
        return await self._peer.call(op, body, seconds, on_progress)

    async def ping(self) -> bool:
        if not self.alive:
            return False
        try:
            return bool(await self.call("ping", {}, PING_TIMEOUT_SECONDS) == "pong")
        except (TimeoutError, PeerClosed):
            return False

    async def stop(self) -> None:
        peer, proc, reading = self._peer, self._proc, self._reading
        self._peer = self._proc = self._reading = None
        if peer is not None:
            peer.close()
        if proc is not None and proc.returncode is None:
            proc.kill()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(proc.wait(), STOP_TIMEOUT_SECONDS)
        if reading is not None:
            reading.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await reading

    async def restart(self) -> None:
        await self.stop()
        self.restarts += 1
        await self.start()
        self.suspect = False
