"""``roost team ...`` and ``roost channel ...`` against a running server (mmctl's):
create, list, archive, restore, members."""

from __future__ import annotations

from typing import Any

import click

from roost.cli.remote import Remote, json_option, remote_options, show


def _team_line(t: dict[str, Any]) -> str:
    state = " (archived)" if t.get("delete_at") else ""
    return f"{t['id']}  {t['name']}  {t.get('display_name', '')}  {t.get('type', '')}{state}"


def _channel_line(c: dict[str, Any]) -> str:
    state = " (archived)" if c.get("delete_at") else ""
    return f"{c['id']}  {c['name']}  {c.get('display_name', '')}  {c.get('type', '')}{state}"


@click.group()
def team() -> None:
    """Manage teams (on a running server)."""


@team.command("create")
@remote_options
@json_option
@click.option("--name", required=True)
@click.option("--display-name", required=True)
@click.option("--private", is_flag=True, help="invite only")
def team_create(
    url: str, token: str, as_json: bool, name: str, display_name: str, private: bool
) -> None:
    """Create a team."""
    made = Remote(url, token).post(
        "/teams", {"name": name, "display_name": display_name, "type": "I" if private else "O"}
    )
    show(made, as_json, _team_line)


@team.command("list")
@remote_options
@json_option
def team_list(url: str, token: str, as_json: bool) -> None:
    """List teams."""
    show(Remote(url, token).get("/teams", per_page=200), as_json, _team_line)


@team.command("archive")
@remote_options
@click.argument("teams", nargs=-1, required=True)
def team_archive(url: str, token: str, teams: tuple[str, ...]) -> None:
    """Archive teams."""
    remote = Remote(url, token)
    for which in teams:
        t = remote.team(which)
        remote.delete(f"/teams/{t['id']}")
        click.echo(f"archived {t['name']}")


@team.command("add")
@remote_options
@click.argument("which")
@click.argument("users", nargs=-1, required=True)
def team_add(url: str, token: str, which: str, users: tuple[str, ...]) -> None:
    """Add users to a team."""
    remote = Remote(url, token)
    t = remote.team(which)
    for who in users:
        u = remote.user(who)
        remote.post(f"/teams/{t['id']}/members", {"team_id": t["id"], "user_id": u["id"]})
        click.echo(f"added {u['username']} to {t['name']}")


@team.command("remove")
@remote_options
@click.argument("which")
@click.argument("users", nargs=-1, required=True)
def team_remove(url: str, token: str, which: str, users: tuple[str, ...]) -> None:
    """Remove users from a team."""
    remote = Remote(url, token)
    t = remote.team(which)
    for who in users:
        u = remote.user(who)
        remote.delete(f"/teams/{t['id']}/members/{u['id']}")
        click.echo(f"removed {u['username']} from {t['name']}")


@click.group()
def channel() -> None:
    """Manage channels (on a running server); a channel is team:channel or an id."""


@channel.command("create")
@remote_options
@json_option
@click.option("--team", "which", required=True)
@click.option("--name", required=True)
@click.option("--display-name", required=True)
@click.option("--private", is_flag=True)
def channel_create(
    url: str, token: str, as_json: bool, which: str, name: str, display_name: str, private: bool
) -> None:
    """Create a channel."""
    remote = Remote(url, token)
    t = remote.team(which)
    body = {
        "team_id": t["id"],
        "name": name,
        "display_name": display_name,
        "type": "P" if private else "O",
    }
    show(remote.post("/channels", body), as_json, _channel_line)


@channel.command("list")
@remote_options
@json_option
@click.argument("which")
def channel_list(url: str, token: str, as_json: bool, which: str) -> None:
    """List a team's public channels, archived ones too."""
    remote = Remote(url, token)
    t = remote.team(which)
    listed = list(remote.get(f"/teams/{t['id']}/channels", per_page=200))
    listed += remote.get(f"/teams/{t['id']}/channels/deleted", per_page=200)
    show(listed, as_json, _channel_line)


@channel.command("archive")
@remote_options
@click.argument("channels", nargs=-1, required=True)
def channel_archive(url: str, token: str, channels: tuple[str, ...]) -> None:
    """Archive channels."""
    remote = Remote(url, token)
    for which in channels:
        c = remote.channel(which)
        remote.delete(f"/channels/{c['id']}")
        click.echo(f"archived {c['name']}")


@channel.command("restore")
@remote_options
@click.argument("channels", nargs=-1, required=True)
def channel_restore(url: str, token: str, channels: tuple[str, ...]) -> None:
    """Restore archived channels."""
    remote = Remote(url, token)
    for which in channels:
        c = remote.channel(which)
        remote.post(f"/channels/{c['id']}/restore")
        click.echo(f"restored {c['name']}")


@channel.command("members")
@remote_options
@json_option
@click.argument("which")
def channel_members(url: str, token: str, as_json: bool, which: str) -> None:
    """List a channel's members."""
    remote = Remote(url, token)
    c = remote.channel(which)
    members = remote.get(f"/channels/{c['id']}/members", per_page=200)
    users = remote.post("/users/ids", [m["user_id"] for m in members]) if members else []
    show(users, as_json, lambda u: f"{u['id']}  {u['username']}")


@channel.command("add")
@remote_options
@click.argument("which")
@click.argument("users", nargs=-1, required=True)
def channel_add(url: str, token: str, which: str, users: tuple[str, ...]) -> None:
    """Add users to a channel."""
    remote = Remote(url, token)
    c = remote.channel(which)
    for who in users:
        u = remote.user(who)
        remote.post(f"/channels/{c['id']}/members", {"user_id": u["id"]})
        click.echo(f"added {u['username']} to {c['name']}")


@channel.command("remove")
@remote_options
@click.argument("which")
@click.argument("users", nargs=-1, required=True)
def channel_remove(url: str, token: str, which: str, users: tuple[str, ...]) -> None:
    """Remove users from a channel."""
    remote = Remote(url, token)
    c = remote.channel(which)
    for who in users:
        u = remote.user(who)
        remote.delete(f"/channels/{c['id']}/members/{u['id']}")
        click.echo(f"removed {u['username']} from {c['name']}")


@channel.command("move")
@remote_options
@click.argument("which")
@click.argument("target")
@click.option("--force", is_flag=True, help="remove members who are not in the new team")
def channel_move(url: str, token: str, which: str, target: str, force: bool) -> None:
    """Move a channel to another team."""
    remote = Remote(url, token)
    c = remote.channel(which)
    t = remote.team(target)
    remote.post(f"/channels/{c['id']}/move", {"team_id": t["id"], "force": force})
    click.echo(f"moved {c['name']} to {t['name']}")
