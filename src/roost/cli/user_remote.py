"""``roost user ...`` against a running server (mmctl's ``user`` and ``roles``):
list, search, deactivate, activate, reset-password, make-admin; and ``user create`` with
``--url`` (without it, ``user create`` writes the database directly: the first admin)."""

from __future__ import annotations

from typing import Any

import click

from roost.cli.remote import Remote, json_option, remote_options, show

PER_PAGE = 200


def _line(u: dict[str, Any]) -> str:
    state = " (deactivated)" if u.get("delete_at") else ""
    return f"{u['id']}  {u['username']}  {u.get('email', '')}  {u.get('roles', '')}{state}"


def create_remote(
    url: str, token: str, email: str, username: str, password: str, system_admin: bool
) -> dict[str, Any]:
    remote = Remote(url, token)
    made = dict(remote.post("/users", {"email": email, "username": username, "password": password}))
    if system_admin:
        remote.put(f"/users/{made['id']}/roles", {"roles": "system_user system_admin"})
        made = dict(remote.get(f"/users/{made['id']}"))
    return made


@click.command("list")
@remote_options
@json_option
@click.option("--page", default=0, show_default=True)
@click.option("--per-page", default=PER_PAGE, show_default=True)
@click.option("--all", "every", is_flag=True, help="every page")
def user_list(url: str, token: str, as_json: bool, page: int, per_page: int, every: bool) -> None:
    """List users."""
    remote = Remote(url, token)
    users: list[dict[str, Any]] = []
    while True:
        batch = remote.get("/users", page=page, per_page=per_page)
        users += batch
        if not every or len(batch) < per_page:
            break
        page += 1
    show(users, as_json, _line)


@click.command("search")
@remote_options
@json_option
@click.argument("terms", nargs=-1, required=True)
def user_search(url: str, token: str, as_json: bool, terms: tuple[str, ...]) -> None:
    """Find users by username, email or name."""
    remote = Remote(url, token)
    found: dict[str, dict[str, Any]] = {}
    for term in terms:
        for u in remote.post("/users/search", {"term": term, "allow_inactive": True}):
            found[u["id"]] = u
    show(list(found.values()), as_json, _line)


@click.command("deactivate")
@remote_options
@click.argument("users", nargs=-1, required=True)
def user_deactivate(url: str, token: str, users: tuple[str, ...]) -> None:
    """Deactivate users (their sessions end)."""
    remote = Remote(url, token)
    for who in users:
        u = remote.user(who)
        remote.put(f"/users/{u['id']}/active", {"active": False})
        click.echo(f"deactivated {u['username']}")


@click.command("activate")
@remote_options
@click.argument("users", nargs=-1, required=True)
def user_activate(url: str, token: str, users: tuple[str, ...]) -> None:
    """Reactivate users."""
    remote = Remote(url, token)
    for who in users:
        u = remote.user(who)
        remote.put(f"/users/{u['id']}/active", {"active": True})
        click.echo(f"activated {u['username']}")


@click.command("reset-password")
@remote_options
@click.argument("who")
@click.option("--password", required=True, help="the new password")
def user_reset_password(url: str, token: str, who: str, password: str) -> None:
    """Set a user's password (a system admin's reset)."""
    remote = Remote(url, token)
    u = remote.user(who)
    remote.put(f"/users/{u['id']}/password", {"new_password": password})
    click.echo(f"password of {u['username']} changed")


@click.command("make-admin")
@remote_options
@click.argument("users", nargs=-1, required=True)
@click.option("--revoke", is_flag=True, help="make them ordinary users again")
def user_make_admin(url: str, token: str, users: tuple[str, ...], revoke: bool) -> None:
    """Make users system admins (mmctl roles system-admin)."""
    remote = Remote(url, token)
    roles = "system_user" if revoke else "system_user system_admin"
    for who in users:
        u = remote.user(who)
        remote.put(f"/users/{u['id']}/roles", {"roles": roles})
        click.echo(f"{u['username']}: {roles}")


COMMANDS = (
    user_list,
    user_search,
    user_deactivate,
    user_activate,
    user_reset_password,
    user_make_admin,
)
