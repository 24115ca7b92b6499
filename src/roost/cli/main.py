"""The ``roost`` command: serve, migrate and version here; its groups (user, tenant,
plugin, loadtest) each in their own module."""

from __future__ import annotations

import logging
import math
import os
import socket
import sys
from typing import Any

import click

from roost import MATTERMOST_COMPAT_VERSION, __version__
from roost.cli.loadtest import loadtest
from roost.cli.plugins import plugin
from roost.cli.tenants import tenant
from roost.cli.users import user
from roost.config import load_settings


@click.group()
def main() -> None:
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

    settings = load_settings()
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

        target = create_app(settings)
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
    _serve(config, settings.serving.admin_address, workers)


def _serve(config: Any, admin: tuple[str, int] | None, workers: int) -> None:
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
    server = uvicorn.Server(config)
    try:
        if workers > 1:
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
    upgrade_all(settings)
    click.echo("database is up to date")


@main.command()
def version() -> None:
    """Print Roost's version and the Mattermost API version it speaks."""
    click.echo(f"roost {__version__} (Mattermost API compatible with {MATTERMOST_COMPAT_VERSION})")


for group in (user, tenant, plugin, loadtest):
    main.add_command(group)


if __name__ == "__main__":
    main()
