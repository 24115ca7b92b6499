"""``roost plugin ...``: install, enable, disable, configure and remove server plugins
straight in the database, as a system admin would through /api/v4/plugins.

Running servers pick a change up at once through Redis (when there is one), and in any
case within ROOST_PLUGIN_HEALTH_CHECK_SECONDS, when each node re-reads plugin state."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

import click
import orjson

from roost.config import load_settings

T = TypeVar("T")
PUBLISH_WAIT_SECONDS = 2.0


def _run(action: Callable[[Any, Any], Awaitable[T]]) -> T:
    from roost.app.kernel.context import Actor
    from roost.app.kernel.errors import AppError
    from roost.tenancy import DEFAULT_TENANT_ID
    from roost.tenancy.scope import tenant_scope

    async def main() -> T:
        from roost.compose import build_services
        from roost.store.db.migrate import migrate_all

        settings = load_settings()
        await migrate_all(settings)
        services = build_services(settings)
        await services.bus.start()
        try:
            actor = Actor(DEFAULT_TENANT_ID, "", "system_user system_admin")
            with tenant_scope(DEFAULT_TENANT_ID):
                result = await action(services, actor)
            # Give the bus a moment to hand the change to the running nodes.
            for _ in range(int(PUBLISH_WAIT_SECONDS / 0.05)):
                if getattr(services.bus, "published", 1):
                    break
                await asyncio.sleep(0.05)
            return result
        finally:
            await services.bus.close()
            await services.db.close()

    try:
        return asyncio.run(main())
    except AppError as exc:
        raise click.ClickException(exc.message) from None


@click.group()
def plugin() -> None:
    """Manage server plugins (see docs/plugins.md)."""


@plugin.command("list")
def list_plugins() -> None:
    """Installed plugins: id, version, enabled, where they run."""

    async def action(services: Any, actor: Any) -> list[Any]:
        return list(await services.plugins.installed(actor.tenant_id))

    for p in _run(action):
        mode = "in-process" if p.trusted and not p.manifest.get("needs_isolation") else "isolated"
        state = "enabled" if p.enabled else "disabled"
        click.echo(f"{p.id}\t{p.manifest.get('version', '')}\t{state}\t{mode}\t{p.source}")


@plugin.command("install")
@click.argument("bundle", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace a plugin with the same id.")
@click.option("--trusted", is_flag=True, help="Run it inside the server process.")
@click.option("--enable", is_flag=True, help="Enable it right away.")
def install(bundle: Path, force: bool, trusted: bool, enable: bool) -> None:
    """Install a plugin bundle (.tar.gz or .zip)."""
    from roost.plugin_runtime.bundle import BundleError, read_bundle

    data = bundle.read_bytes()

    async def action(services: Any, actor: Any) -> str:
        settings = services.settings
        try:
            manifest = read_bundle(
                data, services.plugins.server_version, settings.plugin_max_bundle_bytes
            )
        except BundleError as exc:
            raise click.ClickException(f"invalid plugin bundle: {exc}") from None
        await services.plugins.do_install(actor, manifest, data, force=force, trusted=trusted)
        if enable:
            await services.plugins.do_set_enabled(actor, manifest.id, True)
        return f"installed {manifest.id} {manifest.version}"

    click.echo(_run(action))


def _toggle(plugin_id: str, enabled: bool) -> None:
    async def action(services: Any, actor: Any) -> None:
        await services.plugins.do_set_enabled(actor, plugin_id, enabled)

    _run(action)
    click.echo(f"{plugin_id} {'enabled' if enabled else 'disabled'}")


@plugin.command("enable")
@click.argument("plugin_id")
def enable(plugin_id: str) -> None:
    """Enable a plugin on every node."""
    _toggle(plugin_id, True)


@plugin.command("disable")
@click.argument("plugin_id")
def disable(plugin_id: str) -> None:
    """Disable a plugin on every node."""
    _toggle(plugin_id, False)


@plugin.command("remove")
@click.argument("plugin_id")
def remove(plugin_id: str) -> None:
    """Uninstall an uploaded plugin (its key-value data is kept)."""

    async def action(services: Any, actor: Any) -> None:
        await services.plugins.do_remove(actor, plugin_id)

    _run(action)
    click.echo(f"{plugin_id} removed")


@plugin.command("settings")
@click.argument("plugin_id")
@click.option(
    "--set",
    "pairs",
    multiple=True,
    help="key=JSON value, e.g. --set max_options=5 or --set prefixes='\"OPS\"'",
)
def settings(plugin_id: str, pairs: tuple[str, ...]) -> None:
    """Show a plugin's settings, or change them (values are JSON; bare words are text)."""
    values: dict[str, Any] = {}
    for pair in pairs:
        key, sep, raw = pair.partition("=")
        if not sep:
            raise click.BadParameter(f"{pair!r} is not key=value", param_hint="--set")
        try:
            values[key] = orjson.loads(raw)
        except orjson.JSONDecodeError:
            values[key] = raw

    async def action(services: Any, actor: Any) -> dict[str, Any]:
        current = await services.plugins.get(actor.tenant_id, plugin_id)
        if not values:
            manifest = services.plugins.manifest(current)
            return {**manifest.defaults(), **current.settings}
        merged = {**current.settings, **values}
        return dict(await services.plugins.do_set_settings(actor, plugin_id, merged))

    click.echo(orjson.dumps(_run(action), option=orjson.OPT_SORT_KEYS).decode())
