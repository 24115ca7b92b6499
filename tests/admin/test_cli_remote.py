"""The ``roost`` commands that work against a running server with a token, as ``mmctl``
does (issue 24), run as real processes."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from click.testing import CliRunner

from roost.cli.main import main
from tests.admin.conftest import AdminSite
from tests.support.client import create_user, expect, unique


@pytest.fixture
def site(admin_site: AdminSite) -> AdminSite:
    return admin_site


def roost(site: AdminSite, *args: str, token: str = "", check: bool = True) -> str:
    """The command, in this process (a process per command costs seconds on a loaded
    machine; tests/test_cli.py runs it as a process); stdout, or stderr when it fails."""
    env = {"ROOST_URL": site.base, "ROOST_TOKEN": token or site.admin.token}
    result = CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)
    if check:
        assert result.exit_code == 0, result.stderr
        return result.stdout
    assert result.exit_code != 0, result.stdout
    return result.stderr


def roost_json(site: AdminSite, *args: str) -> Any:
    return json.loads(roost(site, *args, "--json"))


def test_users(site: AdminSite) -> None:
    name = unique("cli")
    out = roost(
        site, "user", "create", "--email", f"{name}@example.com", "--username", name,
        "--password", "cli-Password-1", "--url", site.base,
    )  # fmt: skip
    assert f"created user {name}" in out and "system_admin" not in out
    listed = roost_json(site, "user", "list", "--all")
    assert name in [u["username"] for u in listed]
    found = roost_json(site, "user", "search", name)
    assert [u["username"] for u in found] == [name]
    assert "system_user system_admin" in roost(site, "user", "make-admin", name)
    assert "system_admin" in expect(site.admin.api.get(f"/users/username/{name}"), 200)["roles"]
    roost(site, "user", "reset-password", name, "--password", "new-Password-2")
    login = httpx.post(
        f"{site.base}/api/v4/users/login",
        json={"login_id": name, "password": "new-Password-2"},
        timeout=30,
    )
    assert login.status_code == 200
    roost(site, "user", "deactivate", f"{name}@example.com")
    assert expect(site.admin.api.get(f"/users/username/{name}"), 200)["delete_at"] > 0
    roost(site, "user", "activate", name)
    assert expect(site.admin.api.get(f"/users/username/{name}"), 200)["delete_at"] == 0
    # Errors: Mattermost's message, exit status 1; a non-admin's token is refused.
    err = roost(site, "user", "deactivate", "nobody-at-all", check=False)
    assert "no user 'nobody-at-all'" in err
    plain = create_user(site.base)
    err = roost(site, "user", "make-admin", plain.username, token=plain.token, check=False)
    assert "api.context.permissions.app_error" in err
    err = roost(site, "user", "list", token="not-a-token", check=False)
    assert "401" in err


def test_teams_channels_posts(site: AdminSite) -> None:
    team = unique("team")
    member = create_user(site.base)
    made = roost_json(site, "team", "create", "--name", team, "--display-name", "CLI team")
    assert made["name"] == team
    assert team in roost(site, "team", "list")
    roost(site, "team", "add", team, member.username)
    roost(site, "channel", "create", "--team", team, "--name", "plans", "--display-name", "Plans")
    roost(site, "channel", "add", f"{team}:plans", member.username)
    members = roost_json(site, "channel", "members", f"{team}:plans")
    assert member.username in [u["username"] for u in members]
    roost(site, "post", "create", f"{team}:plans", "--message", "hello from the cli")
    posts = roost_json(site, "post", "list", f"{team}:plans")
    assert [p["message"] for p in posts][-1] == "hello from the cli"
    roost(site, "channel", "remove", f"{team}:plans", member.username)
    assert member.username not in roost(site, "channel", "members", f"{team}:plans")
    roost(site, "channel", "archive", f"{team}:plans")
    listed = roost_json(site, "channel", "list", team)
    assert [c["delete_at"] > 0 for c in listed if c["name"] == "plans"] == [True]
    roost(site, "channel", "restore", f"{team}:plans")
    roost(site, "team", "archive", team)
    assert expect(site.admin.api.get(f"/teams/{made['id']}"), 200)["delete_at"] > 0


def test_config(site: AdminSite) -> None:
    assert json.loads(roost(site, "config", "get", "TeamSettings"))["SiteName"] == "Roost"
    shown = json.loads(roost(site, "config", "show"))
    assert shown["SqlSettings"]["DataSource"] == "********"
    assert "= 12" in roost(site, "config", "set", "PasswordSettings.MinimumLength", "12")
    assert json.loads(roost(site, "config", "get", "PasswordSettings.MinimumLength")) == 12
    assert '"CLI site"' in roost(site, "config", "set", "TeamSettings.SiteName", "CLI site")
    err = roost(site, "config", "set", "PasswordSettings.MinimumLength", "2", check=False)
    assert "model.config.is_valid.password_length.app_error" in err
    err = roost(site, "config", "set", "PasswordSettings.MinimumLength", "many", check=False)
    assert "takes a int" in err
    assert "reloaded" in roost(site, "config", "reload")
    roost(site, "config", "set", "PasswordSettings.MinimumLength", "8")
    roost(site, "config", "set", "TeamSettings.SiteName", "Roost")


def test_sampledata(site: AdminSite) -> None:
    out = roost(
        site, "sampledata", "--teams", "1", "--channels-per-team", "2", "--users", "3",
        "--posts-per-channel", "5", "--prefix", "smp",
    )  # fmt: skip
    assert "3 users" in out and "2 channels" in out and "10 posts" in out
    team = expect(site.admin.api.get("/teams/name/smp-team-0"), 200)
    channels = expect(site.admin.api.get(f"/teams/{team['id']}/channels"), 200)
    sample = [c for c in channels if c["name"].startswith("smp-")]
    assert sample
    posts = expect(site.admin.api.get(f"/channels/{sample[0]['id']}/posts"), 200)
    assert len(posts["order"]) >= 5
    login = httpx.post(
        f"{site.base}/api/v4/users/login",
        json={"login_id": "smp-0", "password": "Sample-password-1"},
        timeout=30,
    )
    assert login.status_code == 200


def test_channel_move(site: AdminSite) -> None:
    source, target = unique("src"), unique("dst")
    member = create_user(site.base)
    roost(site, "team", "create", "--name", source, "--display-name", "Source")
    made = roost_json(site, "team", "create", "--name", target, "--display-name", "Target")
    roost(site, "team", "add", source, member.username)
    roost(site, "channel", "create", "--team", source, "--name", "moving", "--display-name", "M")
    roost(site, "channel", "add", f"{source}:moving", member.username)
    roost(site, "post", "create", f"{source}:moving", "--message", "before the move")
    # The member is not in the target team: refused unless forced.
    err = roost(site, "channel", "move", f"{source}:moving", target, check=False)
    assert "app.channel.move_channel.members_do_not_match.error" in err
    channel = roost_json(site, "channel", "list", source)
    moving = next(c for c in channel if c["name"] == "moving")
    refused = member.api.post(f"/channels/{moving['id']}/move", {"team_id": made["id"]})
    assert expect(refused, 403)["id"] == "api.context.permissions.app_error"
    assert "moved moving" in roost(site, "channel", "move", f"{source}:moving", target, "--force")
    moved = expect(site.admin.api.get(f"/channels/{moving['id']}"), 200)
    assert moved["team_id"] == made["id"]
    posts = roost_json(site, "post", "list", f"{target}:moving")
    # People's posts (the channel also holds the system posts of its making).
    said = [p["message"] for p in posts if not p["type"].startswith("system_")]
    assert said == ["before the move"]
    members = roost_json(site, "channel", "members", f"{target}:moving")
    assert member.username not in [u["username"] for u in members]
    # Back again: the name is free in the source team, and nobody is outside it now.
    roost(site, "channel", "move", f"{target}:moving", source)
    assert expect(site.admin.api.get(f"/channels/{moving['id']}"), 200)["team_id"] != made["id"]
