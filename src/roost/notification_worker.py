"""The notification outbox in a process of its own (``ROOST_NOTIFICATION_WORKER=process``).

Deciding who to tell of a post in a 10,000-member channel is tens of milliseconds of
Python per post. Worked in the server process, that time is taken from the requests
sharing its event loop (a post's commit in such a channel was 81 ms slower on average
with notifications on). In a process of its own it runs on another core.

``roost serve`` starts this process (``roost notification-worker``) beside its server
processes and starts it again if it dies; deployments may also run it apart, as
Mattermost's job server. It builds the same services as a server process (``compose``)
but starts only what the outbox needs: the database, the tenants, the stored
configuration, the bus (configuration changes reach it as they reach any process,
hence Redis), and the outbox's worker, woken by the server processes' nudges
(``cluster/wake_socket.py``) and by its poll. It stops when told to or when the process
that started it is gone.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal

from roost.cluster.wake_socket import WakeListener, available
from roost.compose import (
    Component,
    build_services,
    start_all,
    stop_all,
    with_stored_settings,
    worker,
)
from roost.config import Settings

log = logging.getLogger("roost.notifications")

PARENT_CHECK_SECONDS = 1.0


async def run(settings: Settings, parent_pid: int | None) -> None:
    settings = with_stored_settings(settings)
    s = build_services(settings)
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stopping.set)
    parts = [
        Component("database", s.db.start, s.db.close),
        Component("tenant directory", s.tenants.start, s.tenants.close),
        Component("stored configuration", s.config_admin.load, s.config_admin.close),
        Component("bus", s.bus.start, s.bus.close),
    ]
    name = settings.notifications.notification_wake_socket
    if name and available():
        # Listening before the worker's first look: no row is written between the two.
        listener = WakeListener(name, s.notifications.outbox.wake)
        parts.append(Component("wake socket", listener.start, listener.close))
    parts += [
        worker("notification outbox", s.notifications.outbox.run),
        Component("notifications", stop=s.notifications.close),
    ]
    if parent_pid is not None:

        async def watch_parent() -> None:
            # Orphaned (the server was killed): nobody will stop this process otherwise.
            while os.getppid() == parent_pid:  # noqa: ASYNC110 (no event tells of it)
                await asyncio.sleep(PARENT_CHECK_SECONDS)
            log.warning("notification worker: its server (pid %d) is gone; stopping", parent_pid)
            stopping.set()

        parts.append(worker("parent watch", watch_parent))
    started = await start_all(parts)
    log.info("notification worker running (pid %d)", os.getpid())
    try:
        await stopping.wait()
    finally:
        await stop_all(started)
