"""The plugin-host processes of one node: ONE shared host for every isolated plugin
instance of every tenant (``ROOST_PLUGIN_HOST_MODE=shared``, the default), or one per
instance (``per_plugin``, Mattermost's model of a process per plugin per deployment,
kept only to measure what sharing saves)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

from roost.plugin_runtime.host_client import HostProcess
from roost.plugin_runtime.host_user import HostUser
from roost.plugin_runtime.rpc import Handler

log = logging.getLogger("roost.plugin_runtime")

SHARED = "shared"
PER_PLUGIN = "per_plugin"

Restarted = Callable[[HostProcess], Awaitable[None]]


class Hosts:
    def __init__(
        self, mode: str, handler: Handler, health_interval: float, user: str = "nobody"
    ) -> None:
        self.mode = mode
        self._user_name = user
        self._user: HostUser | None = None
        self._handler = handler
        self._interval = health_interval
        self._hosts: dict[str, HostProcess] = {}
        self._lock = asyncio.Lock()
        self.died = asyncio.Event()

    def _key(self, instance: str) -> str:
        return instance if self.mode == PER_PLUGIN else SHARED

    @property
    def pids(self) -> list[int]:
        return [h.pid for h in self._hosts.values() if h.pid]

    async def host_for(self, instance: str) -> HostProcess:
        key = self._key(instance)
        async with self._lock:
            host = self._hosts.get(key)
            if host is None:
                if self._user is None:
                    self._user = HostUser(self._user_name)
                host = HostProcess(key, self._handler, self.died, self._user)
                await host.start()
                self._hosts[key] = host
            return host

    async def release(self, instance: str) -> None:
        """An instance stopped: its own host goes too (per-plugin mode)."""
        if self.mode != PER_PLUGIN:
            return
        async with self._lock:
            host = self._hosts.pop(instance, None)
        if host is not None:
            await host.stop()

    async def watch(self, restarted: Restarted) -> None:
        """Health check: every interval, or at once when a host died or a call to it
        timed out, ping each host; restart any that does not answer."""
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.died.wait(), self._interval)
            self.died.clear()
            for host in list(self._hosts.values()):
                if await host.ping():
                    host.suspect = False
                    continue
                log.warning("plugin host %s is not answering; restarting it", host.name)
                try:
                    await host.restart()
                except OSError:
                    log.exception("could not restart plugin host %s", host.name)
                    continue
                # A new host is empty until its instances are loaded again: hooks skip it
                # meanwhile (a call now would fail with "not loaded" and be counted
                # against a plugin that did nothing wrong).
                host.suspect = True
                try:
                    await restarted(host)
                finally:
                    host.suspect = False

    async def close(self) -> None:
        async with self._lock:
            hosts, self._hosts = list(self._hosts.values()), {}
        for host in hosts:
            await host.stop()
        if self._user is not None:
            self._user.close()
