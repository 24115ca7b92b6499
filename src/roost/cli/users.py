"""``roost user``: manage users from the command line (the default tenant's)."""

from __future__ import annotations

import asyncio
import sys

import click

from roost.config import Settings, load_settings
from roost.model.user import User


@click.group()
def user() -> None:
    """Manage users."""


@user.command("create")
@click.option("--email", required=True)
@click.option("--username", required=True)
@click.option(
    "--password",
    default=None,
    help="Avoid: visible in `ps` and shell history. Without it the password is asked for "
    "(or read from the first line of standard input when that is not a terminal).",
)
@click.option("--system-admin", is_flag=True, default=False)
@click.option("--url", envvar="ROOST_URL", default="", help="a running server (or ROOST_URL)")
@click.option("--token", envvar="ROOST_TOKEN", default="", help="its access token")
def user_create(
    email: str, username: str, password: str | None, system_admin: bool, url: str, token: str
) -> None:
    """Create a user: through a running server with --url and --token, otherwise
    straight in the database (the first user of a server is always a system admin)."""
    from roost.app.kernel.errors import AppError
    from roost.cli.failures import check_data_dir

    if password is None:
        password = _read_password()
    if url:
        from roost.cli.user_remote import create_remote

        made = create_remote(url, token, email, username, password, system_admin)
        click.echo(f"created user {made['username']} ({made['id']}) roles={made['roles']}")
        return

    settings = load_settings()
    check_data_dir(settings)
    try:
        user_obj = asyncio.run(_create_user(settings, email, username, password, system_admin))
    except AppError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"created user {user_obj.username} ({user_obj.id}) roles={user_obj.roles}")


def _read_password() -> str:
    """From a hidden prompt (asked twice) on a terminal, else standard input's first line."""
    if sys.stdin.isatty():
        return str(click.prompt("Password", hide_input=True, confirmation_prompt=True))
    line = sys.stdin.readline().rstrip("\r\n")
    if not line:
        raise click.UsageError("no password: give it on standard input or at the prompt")
    return line


async def _create_user(
    settings: Settings, email: str, username: str, password: str, system_admin: bool
) -> User:
    from roost.app.kernel.context import Actor
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
            # The operator at the server's shell, as an admin: sign-up being closed
            # (the default after the first account) does not apply.
            actor=Actor(tenant_id=DEFAULT_TENANT_ID, user_id="", roles="system_admin"),
        )
    finally:
        await services.db.close()


def _add_remote_commands() -> None:
    from roost.cli.user_remote import COMMANDS

    for command in COMMANDS:
        user.add_command(command)


_add_remote_commands()
