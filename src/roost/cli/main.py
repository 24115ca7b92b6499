"""The ``roost`` command: serve, migrate and version here; its groups (user, tenant,
plugin, loadtest; and team, channel, post, config, sampledata, which work against a
running server as mmctl does, ``cli/remote.py``) each in their own module."""

from __future__ import annotations

import asyncio
import logging
import math
import os
import socket
import sys
from collections.abc import Callable
from typing import Any

import click

from roost import MATTERMOST_COMPAT_VERSION, __version__
from roost.cli.backup import backup, restore
from roost.cli.failures import RoostGroup, check_data_dir
from roost.cli.imports import import_group
from roost.cli.loadtest import loadtest
from roost.cli.notification_worker import (
    WorkerProcess,
    check_process_mode,
    name_wake_socket,
    notification_worker,
)
from roost.cli.plugins import plugin
from roost.cli.posts_config import config, post
from roost.cli.sampledata import sampledata
from roost.cli.teams import channel, team
from roost.cli.tenants import tenant
from roost.cli.users import user
from roost.config import Settings, load_settings

SITE_URL_ENV = "ROOST_SITE_URL"


@click.group(cls=RoostGroup)
@click.option("--debug", is_flag=True, default=False, help="Show the full traceback of a failure.")
def main(debug: bool) -> None:
    """Roost, a team-chat server that speaks Mattermost's API v4."""


@main.command()
@click.option("--host", default=None, help="Address to listen on (default 0.0.0.0).")
@click.option("--port", default=None, type=int, help="Port to listen on (default 8065).")
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Server processes sharing the port. More than one needs PostgreSQL and "
    "ROOST_REDIS_URL, which carries events between them as between nodes.",
)
def serve(host: str | None, port: int | None, workers: int) -> None:
    """Run the server: the API, the WebSocket and the web client."""
    import uvicorn

    # The command line's address is the node's (``GET /cluster/status`` reports it, and
    # --workers' processes read it from the environment).
    if host is not None:
        os.environ["ROOST_HOST"] = host
    if port is not None:
        os.environ["ROOST_PORT"] = str(port)
    settings = load_settings()
    outbox_apart = settings.notifications.notification_worker == "process"
    if outbox_apart:
        check_process_mode(settings)
        name_wake_socket()  # before the settings every process of this server reads
    settings = _serve_settings(host, port)
    check_data_dir(settings)
    from roost.plugin_runtime.host_user import harden_process

    # The parent of --workers' processes holds the same environment as they do.
    harden_process()
    if workers > 1:
        if not settings.redis_url or settings.effective_database_url.startswith("sqlite"):
            raise click.UsageError(
                "--workers above 1 needs ROOST_DATABASE_URL (PostgreSQL) and ROOST_REDIS_URL"
            )
        from roost.store.db.migrate import upgrade_all

        upgrade_all(settings)
        _share_metrics_between_workers()
        target: object = "roost.server:app_for_worker"
    else:
        from roost.server import create_app
        from roost.store.db.migrate import upgrade_all

        # Here rather than in the app's start-up: a database that cannot be reached is
        # then told in a line (roost.cli.failures), not as uvicorn's traceback.
        upgrade_all(settings)
        target = create_app(settings, migrate=False)
    config = uvicorn.Config(
        target,  # type: ignore[arg-type]
        factory=workers > 1,
        workers=workers if workers > 1 else None,
        host=host or settings.host,
        port=port if port is not None else settings.port,
        log_level=settings.log_level,
        loop="uvloop" if sys.platform != "win32" else "asyncio",
        http="httptools",
        ws="websockets-sansio",
        ws_max_size=64 * 1024,
        access_log=False,
        timeout_keep_alive=settings.http_keepalive_seconds,
        # The client's address is the socket's unless ROOST_TRUSTED_PROXY_IP_HEADER
        # names the proxy's header (api/http/rate_limit.py): uvicorn believes no header.
        proxy_headers=False,
        # Requests still running this long after SIGTERM are cancelled: stopping is bounded.
        timeout_graceful_shutdown=math.ceil(settings.admission.shutdown_grace_seconds),
    )
    outbox_worker = WorkerProcess() if outbox_apart else None
    if outbox_worker is not None:
        outbox_worker.start()
    stop = outbox_worker.stop if outbox_worker is not None else None
    try:
        _serve(config, settings.serving.admin_address, workers, _banner(settings), stop)
    finally:
        if stop is not None:
            stop()


def _serve_settings(host: str | None, port: int | None) -> Settings:
    """The settings, with the site URL following --host/--port (or ROOST_HOST/ROOST_PORT)
    unless ROOST_SITE_URL says otherwise: links Roost hands out then point at the port
    it listens on. Set in the environment so --workers' processes read the same."""
    settings = load_settings()
    listen_port = port if port is not None else settings.port
    if "site_url" in settings.model_fields_set or listen_port == 0:
        return settings  # set, or a port the system picks: no URL to follow
    bind_host = host or settings.host
    shown_host = "localhost" if bind_host in ("0.0.0.0", "::", "", "127.0.0.1") else bind_host
    if ":" in shown_host:
        shown_host = f"[{shown_host}]"
    os.environ[SITE_URL_ENV] = f"http://{shown_host}:{listen_port}"
    return load_settings()


def _banner(settings: Settings) -> str:
    from roost.store.db.diagnose import describe

    return f"Roost is running at {settings.site_url} ({describe(settings.effective_database_url)})"


def _serve(
    config: Any,
    admin: tuple[str, int] | None,
    workers: int,
    banner: str,
    on_shutdown: Callable[[], None] | None = None,
) -> None:
    """uvicorn.run with a second listener: the public socket, and the admin one for
    /metrics and /operator/v1 (the app tells them apart by the local port). With
    --workers both sockets are bound here and shared by every worker, as uvicorn shares
    its one: a scrape or an operator call reaches whichever worker accepts it."""
    import uvicorn
    from uvicorn.supervisors import Multiprocess

    public = config.bind_socket()
    sockets = [public]
    if admin is not None:
        if admin[1] == public.getsockname()[1]:
            raise click.UsageError("ROOST_ADMIN_LISTEN must use another port than the API")
        sockets.append(_bind_admin(*admin))

    class AnnouncingServer(uvicorn.Server):
        """Says where to open Roost once it listens (whatever the log level)."""

        async def startup(self, sockets: list[socket.socket] | None = None) -> None:
            await super().startup(sockets)
            if self.started:
                click.echo(banner)

        async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
            await super().shutdown(sockets)
            # Here: after a signal uvicorn raises it again once this returns, so the
            # caller's `finally` never runs.
            if on_shutdown is not None:
                await asyncio.to_thread(on_shutdown)

    server = AnnouncingServer(config)
    try:
        if workers > 1:
            click.echo(banner)
            Multiprocess(config, sockets=sockets).run()
        else:
            server.run(sockets=sockets)
    except KeyboardInterrupt:
        pass
    if workers == 1 and not server.started:
        sys.exit(3)  # uvicorn's start-up failure status


def _bind_admin(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family=family)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        raise click.ClickException(f"admin listener {host}:{port}: {exc}") from None
    sock.set_inheritable(True)
    logging.getLogger("uvicorn.error").info(
        "Admin listener (/metrics, /operator/v1) on http://%s:%d", host, sock.getsockname()[1]
    )
    return sock


def _share_metrics_between_workers() -> None:
    """Workers write their metrics to files in one fresh folder, so that a scrape of any
    of them reports the whole node (prometheus_client's multiprocess mode)."""
    import atexit
    import shutil
    import tempfile

    from roost.metrics import MULTIPROCESS_ENV

    folder = tempfile.mkdtemp(prefix="roost-metrics-")
    os.environ[MULTIPROCESS_ENV] = folder
    atexit.register(shutil.rmtree, folder, ignore_errors=True)


@main.command()
def migrate() -> None:
    """Bring the database schema up to date."""
    from roost.store.db.migrate import upgrade_all

    settings = load_settings()
    check_data_dir(settings)
    upgrade_all(settings)
    click.echo("database is up to date")


@main.command()
def version() -> None:
    """Print Roost's version and the Mattermost API version it speaks."""
    click.echo(f"roost {__version__} (Mattermost API compatible with {MATTERMOST_COMPAT_VERSION})")


for group in (user, tenant, plugin, loadtest, import_group, backup, restore):
    main.add_command(group)
# Against a running server, as mmctl (--url/--token or ROOST_URL/ROOST_TOKEN).
for command in (team, channel, post, config, sampledata):
    main.add_command(command)
main.add_command(notification_worker)


if __name__ == "__main__":
    main()
