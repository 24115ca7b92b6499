"""The ``roost`` commands that work against a running server, as ``mmctl`` does: the
server's URL and a personal access token (or session token) from ``--url``/``--token``
or ``ROOST_URL``/``ROOST_TOKEN``. Errors print Mattermost's message and exit 1.

Users, teams and channels are named as mmctl names them: a user by username, email or
id; a team by name or id; a channel as ``team:channel`` (names) or by id."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeVar

import click
import httpx

F = TypeVar("F", bound=Callable[..., Any])
TIMEOUT_SECONDS = 60.0


class Remote:
    def __init__(self, url: str, token: str) -> None:
        if not url or not token:
            raise click.UsageError(
                "this command talks to a running server: give --url and --token "
                "(or ROOST_URL and ROOST_TOKEN)"
            )
        self._http = httpx.Client(
            base_url=url.rstrip("/") + "/api/v4",
            headers={"Authorization": f"Bearer {token}", "X-Requested-With": "XMLHttpRequest"},
            timeout=TIMEOUT_SECONDS,
        )
        context = click.get_current_context(silent=True)
        if context is not None:
            context.call_on_close(self._http.close)  # when the command is done

    def call(self, method: str, path: str, body: Any = None, **params: Any) -> Any:
        try:
            response = self._http.request(
                method, path, json=body, params={k: v for k, v in params.items() if v is not None}
            )
        except httpx.HTTPError as exc:
            raise click.ClickException(f"cannot reach the server: {exc}") from None
        if response.status_code >= 400:
            try:
                error = response.json()
                message = f"{error.get('message', '')} ({error.get('id', '')})"
            except ValueError:
                message = response.text[:200]
            raise click.ClickException(f"{method} {path}: {response.status_code} {message}")
        if not response.content:
            return None
        try:
            return response.json()
        except ValueError:
            return response.text

    def get(self, path: str, **params: Any) -> Any:
        return self.call("GET", path, **params)

    def post(self, path: str, body: Any = None) -> Any:
        return self.call("POST", path, body)

    def put(self, path: str, body: Any = None) -> Any:
        return self.call("PUT", path, body)

    def delete(self, path: str, body: Any = None) -> Any:
        return self.call("DELETE", path, body)

    # Names as mmctl takes them.

    def user(self, who: str) -> dict[str, Any]:
        found = self._maybe(f"/users/email/{who}" if "@" in who else f"/users/username/{who}")
        if found is None and _is_id(who):
            found = self._maybe(f"/users/{who}")
        if found is None:
            raise click.ClickException(f"no user {who!r} (username, email or id)")
        return found

    def team(self, which: str) -> dict[str, Any]:
        found = self._maybe(f"/teams/name/{which}")
        if found is None and _is_id(which):
            found = self._maybe(f"/teams/{which}")
        if found is None:
            raise click.ClickException(f"no team {which!r} (name or id)")
        return found

    def channel(self, which: str) -> dict[str, Any]:
        if ":" in which:
            team_name, _, name = which.partition(":")
            team = self.team(team_name)
            path = f"/teams/{team['id']}/channels/name/{name}"
            return dict(self.get(path, include_deleted="true"))
        return dict(self.get(f"/channels/{which}"))

    def _maybe(self, path: str) -> dict[str, Any] | None:
        response = self._http.get(path)
        return dict(response.json()) if response.status_code == 200 else None


def _is_id(value: str) -> bool:
    return len(value) == 26 and value.isalnum() and value.islower()


def remote_options(command: F) -> F:
    """--url and --token (from the environment when not given)."""
    command = click.option(
        "--token", envvar="ROOST_TOKEN", default="", help="access token (or ROOST_TOKEN)"
    )(command)
    command = click.option(
        "--url", envvar="ROOST_URL", default="", help="the server's URL (or ROOST_URL)"
    )(command)
    return command


def show(value: Any, as_json: bool, line: Callable[[Any], str] | None = None) -> None:
    """JSON with --json; otherwise one line per item."""
    if as_json or line is None:
        click.echo(json.dumps(value, indent=2, sort_keys=True))
        return
    for item in value if isinstance(value, list) else [value]:
        click.echo(line(item))


json_option = click.option("--json", "as_json", is_flag=True, help="print JSON")
