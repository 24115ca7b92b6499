"""Simulated users in this process: one event loop, one HTTP session, a task per user.

The coordinator only ever says how many users should be running; the fleet starts
the missing ones (lowest indices first) or stops the newest.
"""

from __future__ import annotations

import asyncio
import contextlib
import resource
from typing import Protocol

import aiohttp

from roost.loadtest.life import live
from roost.loadtest.metrics import Delta, Recorder
from roost.loadtest.model import RunConfig
from roost.loadtest.user import Env, SimUser


class Fleet(Protocol):
    """What the coordinator drives: in this process or spread over workers."""

    @property
    def active(self) -> int: ...

    @property
    def running(self) -> int: ...

    async def open(self) -> None: ...

    def set_target(self, users: int) -> None: ...

    def drain(self) -> Delta: ...

    async def close(self) -> None: ...


def raise_open_file_limit() -> int:
    """Each user holds a socket; lift the soft descriptor limit to the hard one."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
            return hard
    return soft


class LocalFleet:
    def __init__(self, cfg: RunConfig, indices: list[int], start_wall: float) -> None:
        self.cfg = cfg
        self.indices = indices
        self.recorder = Recorder(start_wall)
        self._session: aiohttp.ClientSession | None = None
        self._env: Env | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._stopping: set[asyncio.Task[None]] = set()

    @property
    def active(self) -> int:
        return self._env.active if self._env is not None else 0

    @property
    def running(self) -> int:
        return len(self._tasks)

    async def open(self) -> None:
        raise_open_file_limit()
        # No connection cap: every user's WebSocket holds one. No cookie jar: users
        # share the session, so each authenticates with its own bearer token instead.
        connector = aiohttp.TCPConnector(limit=0, ttl_dns_cache=300, keepalive_timeout=30)
        self._session = aiohttp.ClientSession(
            connector=connector, cookie_jar=aiohttp.DummyCookieJar()
        )
        self._env = Env(self.cfg, self._session, self.recorder)

    def set_target(self, users: int) -> None:
        assert self._env is not None, "open() first"
        users = max(0, min(users, len(self.indices)))
        while len(self._tasks) < users:
            index = self.indices[len(self._tasks)]
            user = SimUser(index, self.cfg.usernames[index], self._env)
            self._tasks.append(asyncio.create_task(live(user), name=f"user-{index}"))
        while len(self._tasks) > users:
            task = self._tasks.pop()
            task.cancel()
            self._stopping.add(task)
            task.add_done_callback(self._stopping.discard)

    def drain(self) -> Delta:
        return self.recorder.drain()

    async def close(self) -> None:
        if self._env is not None:
            self.set_target(0)
        pending = list(self._stopping)
        if pending:
            await asyncio.gather(*pending, return_exceptions=True)
        if self._session is not None:
            await self._session.close()
            self._session = None
