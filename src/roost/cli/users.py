"""``roost user``: manage users from the command line (the default tenant's)."""

from __future__ import annotations

import asyncio

import click

from roost.config import Settings, load_settings
from roost.model.user import User


@click.group()
def user() -> None:
    """Manage users."""


@user.command("create")
@click.option("--email", required=True)
@click.option("--username", required=True)
@click.option("--password", required=True)
@click.option("--system-admin", is_flag=True, default=False)
def user_create(email: str, username: str, password: str, system_admin: bool) -> None:
    """Create a user (the first user of a server is always a system admin)."""
    from roost.app.kernel.errors import AppError

    settings = load_settings()
    try:
        user_obj = asyncio.run(_create_user(settings, email, username, password, system_admin))
    except AppError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"created user {user_obj.username} ({user_obj.id}) roles={user_obj.roles}")


async def _create_user(
    settings: Settings, email: str, username: str, password: str, system_admin: bool
) -> User:
    from roost.compose import build_services
    from roost.store.db.migrate import migrate_all
    from roost.tenancy import DEFAULT_TENANT_ID
    from roost.tenancy.scope import enter_tenant

    enter_tenant(DEFAULT_TENANT_ID)  # this command's one task works for it
    await migrate_all(settings)
    services = build_services(settings)
    try:
        return await services.users.do_create_user(
            DEFAULT_TENANT_ID,
            username=username,
            email=email,
            password=password,
            system_admin=system_admin,
            actor=None,
        )
    finally:
        await services.db.close()
