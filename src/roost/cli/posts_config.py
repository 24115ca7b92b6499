"""``roost post ...`` and ``roost config ...`` against a running server (mmctl's):
post create and list; config show, get, set and reload (``docs/administration.md``)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import click

from roost.cli.remote import Remote, json_option, remote_options, show


@click.group()
def post() -> None:
    """Post and read messages (on a running server)."""


@post.command("create")
@remote_options
@click.argument("which")
@click.option("--message", required=True)
@click.option("--reply-to", default="", help="the id of the thread's root post")
def post_create(url: str, token: str, which: str, message: str, reply_to: str) -> None:
    """Post a message to a channel (team:channel or id)."""
    remote = Remote(url, token)
    c = remote.channel(which)
    made = remote.post("/posts", {"channel_id": c["id"], "message": message, "root_id": reply_to})
    click.echo(f"posted {made['id']}")


@post.command("list")
@remote_options
@json_option
@click.argument("which")
@click.option("--number", "-n", default=20, show_default=True, help="how many, newest last")
def post_list(url: str, token: str, as_json: bool, which: str, number: int) -> None:
    """A channel's latest posts."""
    remote = Remote(url, token)
    c = remote.channel(which)
    listed = remote.get(f"/channels/{c['id']}/posts", per_page=number)
    posts = [listed["posts"][i] for i in reversed(listed["order"])]
    names: dict[str, str] = {}
    ids = sorted({p["user_id"] for p in posts})
    if ids:
        names = {u["id"]: u["username"] for u in remote.post("/users/ids", ids)}

    def line(p: dict[str, Any]) -> str:
        at = dt.datetime.fromtimestamp(p["create_at"] / 1000, dt.UTC).strftime("%Y-%m-%d %H:%M")
        return f"{p['id']}  {at}  {names.get(p['user_id'], p['user_id'])}: {p['message']}"

    show(posts, as_json, line)


@click.group()
def config() -> None:
    """Read and change the configuration (on a running server; Mattermost's names)."""


def _lookup(doc: dict[str, Any], path: str) -> Any:
    group, _, name = path.partition(".")
    if group not in doc or (name and name not in doc[group]):
        raise click.ClickException(f"no setting {path}")
    return doc[group][name] if name else doc[group]


@config.command("show")
@remote_options
def config_show(url: str, token: str) -> None:
    """The whole configuration as JSON (secrets as ********)."""
    show(Remote(url, token).get("/config"), True)


@config.command("get")
@remote_options
@click.argument("path")
def config_get(url: str, token: str, path: str) -> None:
    """One setting (Group.Name) or group."""
    show(_lookup(Remote(url, token).get("/config"), path), True)


@config.command("set")
@remote_options
@click.argument("path")
@click.argument("value")
def config_set(url: str, token: str, path: str, value: str) -> None:
    """Change one setting: ``config set TeamSettings.SiteName Acme``. The value is taken
    as JSON when it reads as JSON (true, 12), otherwise as text."""
    remote = Remote(url, token)
    group, _, name = path.partition(".")
    if not name:
        raise click.UsageError("the setting is Group.Name, e.g. TeamSettings.SiteName")
    current = _lookup(remote.get("/config"), path)
    parsed: Any = value
    if not isinstance(current, str):
        try:
            parsed = json.loads(value)
        except ValueError:
            raise click.UsageError(f"{path} takes a {type(current).__name__}") from None
    changed = remote.put("/config/patch", {group: {name: parsed}})
    click.echo(f"{path} = {json.dumps(changed[group][name])}")


@config.command("reload")
@remote_options
def config_reload(url: str, token: str) -> None:
    """Read the stored configuration again on every node."""
    Remote(url, token).post("/config/reload")
    click.echo("configuration reloaded")
