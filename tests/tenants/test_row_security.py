"""PostgreSQL's row-level security, the second wall between tenants.

The server under test logs in as a role that owns no table (tests/support/server.py),
so every other test in the suite already runs behind the wall; these tests look at the
wall itself: that it covers every tenant-owned table, and that a statement which names
no tenant, or another tenant, finds and changes nothing."""

from __future__ import annotations

import asyncio
from typing import Any

import asyncpg
import pytest

from tests.support.chat import channel_with, team_with
from tests.support.client import create_user
from tests.support.databases import RUNTIME_ROLE, runtime_url
from tests.support.posting import post
from tests.tenants.conftest import Deployment, host_of, new_tenant


@pytest.fixture(autouse=True)
def _postgres_only(backend: str) -> None:
    if backend != "postgres":
        pytest.skip("row-level security is PostgreSQL's (SQLite has none)")


def _query(url: str, sql: str, *args: Any, tenant: str | None = None) -> list[asyncpg.Record]:
    async def go() -> list[asyncpg.Record]:
        conn = await asyncpg.connect(url)
        try:
            async with conn.transaction():
                if tenant is not None:
                    await conn.execute("SELECT set_config('roost.tenant_id', $1, true)", tenant)
                return list(await conn.fetch(sql, *args))
        finally:
            await conn.close()

    return asyncio.run(go())


def _planted(d: Deployment) -> dict[str, str]:
    """A tenant with a user, a team, a channel and a post, made through the API."""
    tenant = new_tenant(d)
    user = create_user(d.base, host=host_of(tenant))
    team = team_with(user)
    channel = channel_with(user, team["id"])
    made = post(user, channel["id"], "behind the wall")
    return {"tenant": tenant["id"], "user": user.id, "post": made["id"]}


def test_every_tenant_table_is_behind_the_wall(deployment: Deployment) -> None:
    rows = _query(
        deployment.database_url,
        """SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity,
                  pg_get_userbyid(c.relowner) AS owner,
                  (SELECT count(*) FROM pg_policy p WHERE p.polrelid = c.oid) AS policies
           FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname = current_schema() AND c.relkind = 'r'
             AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid
                         AND a.attname = 'tenant_id' AND NOT a.attisdropped)""",
    )
    names = {r["relname"] for r in rows}
    assert {"users", "posts", "channels", "file_infos", "plugin_kv"} <= names
    for row in rows:
        assert row["relrowsecurity"] and row["relforcerowsecurity"], row["relname"]
        assert row["policies"] == 1, row["relname"]
        assert row["owner"] != RUNTIME_ROLE
    role = _query(
        deployment.database_url,
        "SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = $1",
        RUNTIME_ROLE,
    )
    assert [tuple(r) for r in role] == [(False, False)]


def test_a_statement_sees_only_the_tenant_in_scope(deployment: Deployment) -> None:
    mine, theirs = _planted(deployment), _planted(deployment)
    url = runtime_url(deployment.database_url)
    # No tenant named: nothing at all, not an error that could be retried around.
    assert _query(url, "SELECT id FROM posts") == []
    assert _query(url, "SELECT id FROM users") == []
    # One tenant named: its rows only, though the statement asks for every row.
    posts = _query(url, "SELECT id, tenant_id FROM posts", tenant=mine["tenant"])
    assert {r["tenant_id"] for r in posts} == {mine["tenant"]}
    assert mine["post"] in {r["id"] for r in posts}
    found = _query(url, "SELECT id FROM posts WHERE id = $1", theirs["post"], tenant=mine["tenant"])
    assert found == []
    # Every tenant, as the jobs that span tenants ask for it.
    both = _query(
        url, "SELECT id FROM posts WHERE id = ANY($1)", [mine["post"], theirs["post"]], tenant="*"
    )
    assert {r["id"] for r in both} == {mine["post"], theirs["post"]}


def test_a_statement_cannot_change_another_tenants_rows(deployment: Deployment) -> None:
    mine, theirs = _planted(deployment), _planted(deployment)
    url = runtime_url(deployment.database_url)
    changed = _query(
        url,
        "UPDATE posts SET message = 'defaced' WHERE id = $1 RETURNING id",
        theirs["post"],
        tenant=mine["tenant"],
    )
    assert changed == []
    deleted = _query(
        url, "DELETE FROM users WHERE id = $1 RETURNING id", theirs["user"], tenant=mine["tenant"]
    )
    assert deleted == []
    # Writing a row into another tenant is refused outright.
    with pytest.raises(asyncpg.InsufficientPrivilegeError, match="row-level security"):
        _query(
            url,
            "UPDATE posts SET tenant_id = $1 WHERE id = $2",
            theirs["tenant"],
            mine["post"],
            tenant=mine["tenant"],
        )
    with pytest.raises(asyncpg.InsufficientPrivilegeError, match="row-level security"):
        _query(
            url,
            "INSERT INTO preferences (tenant_id, user_id, category, name, value) "
            "VALUES ($1, $2, 'x', 'y', 'z')",
            theirs["tenant"],
            theirs["user"],
            tenant=mine["tenant"],
        )
    intact = _query(
        deployment.database_url, "SELECT message FROM posts WHERE id = $1", theirs["post"]
    )
    assert [r["message"] for r in intact] == ["behind the wall"]


def test_the_runtime_role_cannot_lower_the_wall(deployment: Deployment) -> None:
    url = runtime_url(deployment.database_url)
    for statement in (
        "ALTER TABLE posts DISABLE ROW LEVEL SECURITY",
        "DROP POLICY roost_tenant_isolation ON posts",
    ):
        with pytest.raises(asyncpg.InsufficientPrivilegeError, match="must be owner"):
            _query(url, statement)


def test_search_keeps_its_index_behind_the_wall(deployment: Deployment) -> None:
    """Policies run before conditions whose functions are not LEAKPROOF, which keeps the
    planner from using an index for them: the migration marks text search's functions
    (the owner here is a superuser), so search still uses its GIN index."""
    mine = _planted(deployment)
    trusted = _query(
        deployment.database_url,
        "SELECT proname FROM pg_proc WHERE proleakproof AND oid IN "
        "('pg_catalog.ts_match_vq(tsvector, tsquery)'::regprocedure, "
        "'pg_catalog.to_tsvector(regconfig, text)'::regprocedure)",
    )
    assert sorted(r["proname"] for r in trusted) == ["to_tsvector", "ts_match_vq"]

    async def plan() -> str:
        conn = await asyncpg.connect(runtime_url(deployment.database_url))
        try:
            async with conn.transaction():
                await conn.execute("SELECT set_config('roost.tenant_id', $1, true)", mine["tenant"])
                await conn.execute("SET LOCAL enable_seqscan = off")
                # Only the text condition: the GIN index, or (were it refused) a scan.
                rows = await conn.fetch(
                    "EXPLAIN SELECT id FROM posts WHERE "
                    "to_tsvector('english', message) @@ plainto_tsquery('english', 'wall')"
                )
                return "\n".join(r[0] for r in rows)
        finally:
            await conn.close()

    assert "ix_posts_message_fts" in asyncio.run(plan())
