"""Tenants in several databases: created in one, moved between them read-only.

The shared deployment has a second database named ``west`` beside the directory's own
(tests/tenants/conftest.py): two PostgreSQL databases on the postgres backend, two
SQLite files on the other."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import subprocess
import sys
from typing import Any

import asyncpg

from tests.plugins.bundles import eventually
from tests.support.chat import channel_with, team_with
from tests.support.client import PASSWORD, Api, LoggedIn, create_user, expect
from tests.support.databases import is_postgres
from tests.support.files import upload_one
from tests.support.posting import post
from tests.tenants.conftest import Deployment, host_of, new_tenant

MOVE_TIMEOUT_SECONDS = 30.0


def rows_in(url: str, table: str, tenant_id: str) -> int:
    """The tenant's rows of ``table`` in the database at ``url``, read as its owner."""
    sql = f"SELECT count(*) FROM {table} WHERE tenant_id = "
    if not is_postgres(url):
        with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
            return int(conn.execute(sql + "?", (tenant_id,)).fetchone()[0])

    async def go() -> int:
        conn = await asyncpg.connect(url)
        try:
            return int(await conn.fetchval(sql + "$1", tenant_id))
        finally:
            await conn.close()

    return asyncio.run(go())


def tenant_now(d: Deployment, tenant_id: str) -> dict[str, Any]:
    with d.operator() as op:
        found: dict[str, Any] = expect(op.get(f"/tenants/{tenant_id}"), 200)
    return found


def settled(d: Deployment, tenant_id: str, database: str) -> bool:
    now = tenant_now(d, tenant_id)
    return bool(now["state"] == "active" and now["database"] == database)


def log_in_again(d: Deployment, host: str, user: LoggedIn) -> int:
    api = Api(d.base, host=host)
    return api.post("/users/login", {"login_id": user.username, "password": PASSWORD}).status_code


def people_posts(user: LoggedIn, channel_id: str) -> list[str]:
    """The channel's posts but the system posts of its making (joins, adds)."""
    listed = expect(user.api.get(f"/channels/{channel_id}/posts"), 200)
    posts = [listed["posts"][i] for i in listed["order"]]
    return [p["message"] for p in posts if not p["type"].startswith("system_")]


def test_a_tenant_moves_with_everything_and_is_read_only_meanwhile(deployment: Deployment) -> None:
    d = deployment
    tenant = new_tenant(d)
    assert tenant["database"] == ""
    host = host_of(tenant)
    owner = create_user(d.base, host=host)
    team = team_with(owner)
    channel = channel_with(owner, team["id"])
    root = post(owner, channel["id"], "the first words")
    for i in range(25):
        post(owner, channel["id"], f"reply {i}", root_id=root["id"])
    reaction = {"user_id": owner.id, "post_id": root["id"], "emoji_name": "tada"}
    expect(owner.api.post("/reactions", reaction), 200)
    info = upload_one(owner, channel["id"], "notes.txt", b"kept across databases")
    post(owner, channel["id"], "with a file", file_ids=[info["id"]])
    before = expect(owner.api.get(f"/channels/{channel['id']}/posts"), 200)
    # The tenant's other posts: the system posts of joining the team (Town Square's and
    # Off-Topic's).
    elsewhere = rows_in(d.database_url, "posts", tenant["id"]) - len(before["order"])
    threads_before = expect(owner.api.get(f"/users/{owner.id}/teams/{team['id']}/threads"), 200)
    # Another tenant, in the same database, goes on writing throughout.
    neighbour = create_user(d.base, host=host_of(new_tenant(d)))
    their_channel = channel_with(neighbour, team_with(neighbour)["id"])

    with d.operator() as op:
        moving = expect(op.post(f"/tenants/{tenant['id']}/move", json={"database": "west"}), 202)
    assert moving["state"] == "moving"
    # Read-only while it moves: reads answer as before, changes are refused clearly.
    during = expect(owner.api.get(f"/channels/{channel['id']}/posts"), 200)
    assert during["order"] == before["order"]
    refused = expect(owner.api.post("/posts", {"channel_id": channel["id"], "message": "x"}), 503)
    assert refused["id"] == "api.tenant.read_only.app_error"
    assert log_in_again(d, host, owner) == 503  # a login writes a session
    post(neighbour, their_channel["id"], "others are not held up")

    assert eventually(lambda: settled(d, tenant["id"], "west"), MOVE_TIMEOUT_SECONDS)
    after = expect(owner.api.get(f"/channels/{channel['id']}/posts"), 200)
    assert after["order"] == before["order"]
    assert {p["message"] for p in after["posts"].values()} == {
        p["message"] for p in before["posts"].values()
    }
    threads_after = expect(owner.api.get(f"/users/{owner.id}/teams/{team['id']}/threads"), 200)
    assert threads_after["total"] == threads_before["total"]
    assert expect(owner.api.get(f"/files/{info['id']}"), 200) == b"kept across databases"
    # The same session goes on; logging in again works; new posts land in the new home.
    assert log_in_again(d, host, owner) == 200
    fresh = post(owner, channel["id"], "written in the west")
    got = expect(owner.api.get(f"/posts/{fresh['id']}"), 200)
    assert got["message"] == "written in the west"
    assert rows_in(d.west_url, "posts", tenant["id"]) == len(before["order"]) + 1 + elsewhere
    # The old home is emptied once every node reads the new one.
    assert eventually(lambda: rows_in(d.database_url, "posts", tenant["id"]) == 0, 30)
    assert rows_in(d.database_url, "users", tenant["id"]) == 0
    # The directory stays in the directory's database.
    assert rows_in(d.database_url, "tenant_domains", tenant["id"]) >= 0


def test_a_tenant_can_be_made_in_another_database_and_moved_back(deployment: Deployment) -> None:
    d = deployment
    tenant = new_tenant(d, database="west")
    assert tenant["database"] == "west"
    user = create_user(d.base, host=host_of(tenant))
    channel = channel_with(user, team_with(user)["id"])
    post(user, channel["id"], "born in the west")
    assert rows_in(d.west_url, "users", tenant["id"]) == 1
    assert rows_in(d.database_url, "users", tenant["id"]) == 0
    # Its health probe asks its own database and the directory's.
    ping = expect(user.api.get("/system/ping?get_server_status=true"), 200)
    assert ping["database_status"] == "OK"
    with d.operator() as op:
        expect(op.post(f"/tenants/{tenant['id']}/move", json={"database": ""}), 202)
    assert eventually(lambda: settled(d, tenant["id"], ""), MOVE_TIMEOUT_SECONDS)
    assert rows_in(d.database_url, "users", tenant["id"]) == 1
    assert eventually(lambda: rows_in(d.west_url, "users", tenant["id"]) == 0, 30)
    assert people_posts(user, channel["id"]) == ["born in the west"]


def test_moves_that_cannot_be_are_refused(deployment: Deployment) -> None:
    d = deployment
    tenant = new_tenant(d)
    with d.operator() as op:
        unknown = expect(op.post(f"/tenants/{tenant['id']}/move", json={"database": "mars"}), 400)
        assert unknown["id"] == "api.context.invalid_param.app_error"
        assert "database" in unknown["message"]
        same = expect(op.post(f"/tenants/{tenant['id']}/move", json={"database": ""}), 409)
        assert same["id"] == "api.tenant.move.same.app_error"
        home = expect(op.post("/tenants/default/move", json={"database": "west"}), 400)
        assert home["id"] == "api.tenant.move.default.app_error"
        expect(op.post(f"/tenants/{tenant['id']}/suspend"), 200)
        suspended = expect(op.post(f"/tenants/{tenant['id']}/move", json={"database": "west"}), 409)
        assert suspended["id"] == "api.tenant.move.state.app_error"
        bad = expect(op.post("/tenants", json={"name": "nowhere-db", "database": "mars"}), 400)
        assert "database" in bad["message"]


def test_the_cli_moves_a_tenant_and_the_nodes_follow(deployment: Deployment) -> None:
    d = deployment
    tenant = new_tenant(d)
    user = create_user(d.base, host=host_of(tenant))
    channel = channel_with(user, team_with(user)["id"])
    post(user, channel["id"], "moved by the command line")
    # Every post of the tenant moves: this one and the system posts of joining.
    posts = rows_in(d.database_url, "posts", tenant["id"])
    env = dict(
        os.environ,
        ROOST_DATABASE_URL=d.database_url,
        ROOST_DATABASE_SHARDS=f"west={d.west_url}",
        ROOST_DATA_DIR=str(d.data_dir),
        ROOST_TENANT_MOVE_GRACE_SECONDS="2",  # the server reloads its directory each second
    )
    done = subprocess.run(
        [sys.executable, "-m", "roost.cli", "tenant", "move", tenant["name"], "--to", "west"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "moved" in done.stdout and "rows" in done.stdout
    assert eventually(lambda: settled(d, tenant["id"], "west"), MOVE_TIMEOUT_SECONDS)
    assert rows_in(d.west_url, "posts", tenant["id"]) == posts
    assert rows_in(d.database_url, "posts", tenant["id"]) == 0
    # The server reads the tenant where it now is.
    assert people_posts(user, channel["id"]) == ["moved by the command line"]
