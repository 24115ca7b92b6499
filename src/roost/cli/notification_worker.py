"""``roost notification-worker`` and the supervisor ``roost serve`` runs it under when
``ROOST_NOTIFICATION_WORKER=process`` (the why: ``roost.notification_worker``)."""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import subprocess
import sys
import threading
import time

import click

from roost.config import Settings, load_settings

log = logging.getLogger("roost.notifications")

WAKE_SOCKET_ENV = "ROOST_NOTIFICATION_WAKE_SOCKET"
# A worker that ran this long before dying is started again at once; one that keeps
# dying is started again after a growing pause (at most RESTART_MAX_SECONDS).
HEALTHY_RUN_SECONDS = 60.0
RESTART_MAX_SECONDS = 30.0
STOP_GRACE_SECONDS = 15.0


@click.command("notification-worker")
@click.option(
    "--parent-pid",
    type=int,
    default=None,
    hidden=True,
    help="Stop when this process is gone (set by roost serve).",
)
def notification_worker(parent_pid: int | None) -> None:
    """Send notifications (pushes, emails, digests) in a process of its own.

    `roost serve` starts it when ROOST_NOTIFICATION_WORKER=process; run it yourself
    only beside servers that have that setting (they then leave the outbox to it)."""
    from roost.notification_worker import run
    from roost.plugin_runtime.host_user import harden_process

    settings = load_settings()
    check_process_mode(settings)
    harden_process()  # as the server: it holds the same secrets (SMTP, the database)
    logging.basicConfig(
        level=settings.log_level.upper(), format="%(levelname)s:     [notifications] %(message)s"
    )
    asyncio.run(run(settings, parent_pid))


def check_process_mode(settings: Settings) -> None:
    if not settings.redis_url or settings.effective_database_url.startswith("sqlite"):
        raise click.UsageError(
            "ROOST_NOTIFICATION_WORKER=process needs ROOST_DATABASE_URL (PostgreSQL) and "
            "ROOST_REDIS_URL: the worker is another process on the same data, and hears "
            "configuration changes over Redis"
        )


def name_wake_socket() -> None:
    """The name the worker listens on for nudges, in the environment the server's
    processes and the worker inherit: one per ``roost serve``."""
    os.environ[WAKE_SOCKET_ENV] = f"roost-outbox-{os.getpid()}-{secrets.token_hex(4)}"


class WorkerProcess:
    """Runs ``roost notification-worker`` as a child of ``roost serve``; starts it again
    when it exits unexpectedly; stops it with the server."""

    def __init__(self) -> None:
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._proc: subprocess.Popen[bytes] | None = None
        self._thread = threading.Thread(
            target=self._supervise, name="notification worker", daemon=True
        )

    def start(self) -> None:
        self._thread.start()

    def _spawn(self) -> subprocess.Popen[bytes] | None:
        with self._lock:
            if self._stopping.is_set():
                return None
            command = [sys.executable, "-m", "roost.cli", "notification-worker"]
            self._proc = subprocess.Popen([*command, "--parent-pid", str(os.getpid())])
            return self._proc

    def _supervise(self) -> None:
        pause = 1.0
        while True:
            started = time.monotonic()
            proc = self._spawn()
            if proc is None:
                return
            status = proc.wait()
            if self._stopping.is_set():
                return
            ran = time.monotonic() - started
            pause = 1.0 if ran >= HEALTHY_RUN_SECONDS else min(pause * 2, RESTART_MAX_SECONDS)
            log.error(
                "notification worker exited with status %s after %.0f s; starting it again in "
                "%.0f s",
                status,
                ran,
                pause,
            )
            if self._stopping.wait(pause):
                return

    def stop(self) -> None:
        with self._lock:
            self._stopping.set()
            proc = self._proc
        if proc is None or proc.poll() is not None:
            return
        proc.terminate()
        try:
            proc.wait(STOP_GRACE_SECONDS)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
