"""Deleting a tenant: refused at once, every row and file removed in batches in the
background, and nothing of any other tenant touched."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path

from sqlalchemy import text

from roost.store.db.database import Database
from roost.store.tenants.purge import tenant_tables
from roost.tenancy.scope import tenant_scope
from tests.support.chat import channel_with, team_with
from tests.support.client import Api, LoggedIn, create_user, expect
from tests.support.files import png, upload_one
from tests.support.posting import post
from tests.tenants.conftest import Deployment, host_of, new_tenant


def populate(d: Deployment, tenant: dict[str, object]) -> tuple[LoggedIn, str, str]:
    """A tenant in use: people, a channel, a thread, reactions, files, a custom emoji,
    a team icon, settings."""
    host = host_of(tenant)
    owner = create_user(d.base, host=host)
    others = [create_user(d.base, host=host) for _ in range(3)]
    team = team_with(owner, *others)
    channel = channel_with(owner, team["id"], *others)
    root = post(owner, channel["id"], "a root with replies")
    for i, user in enumerate(others * 3):
        post(user, channel["id"], f"reply {i} @{owner.username}", root_id=root["id"])
    expect(
        owner.api.post(
            "/reactions", {"user_id": owner.id, "post_id": root["id"], "emoji_name": "tada"}
        ),
        200,
    )
    upload = upload_one(owner, channel["id"], "plan.txt", b"the plan")
    post(owner, channel["id"], "with a file", file_ids=[upload["id"]])
    meta = json.dumps({"name": "tenant_emoji", "creator_id": owner.id})
    image = {"image": ("e.png", png(16, 16), "image/png")}
    expect(owner.api.http.post("/emoji", data={"emoji": meta}, files=image), 200)
    icon = {"image": ("icon.png", png(32, 32), "image/png")}
    expect(owner.api.http.post(f"/teams/{team['id']}/image", files=icon), 200)
    prefs = [{"user_id": owner.id, "category": "display_settings", "name": "x", "value": "1"}]
    expect(owner.api.put(f"/users/{owner.id}/preferences", prefs), 200)
    sidebar = f"/users/{owner.id}/teams/{team['id']}/channels/categories"
    body = {"user_id": owner.id, "team_id": team["id"], "display_name": "Mine"}
    expect(owner.api.post(sidebar, {**body, "channel_ids": [channel["id"]]}), 200)
    return owner, channel["id"], root["id"]


def rows_of(database_url: str, tenant_id: str) -> dict[str, int]:
    async def count() -> dict[str, int]:
        db = Database(database_url)
        try:
            with tenant_scope(tenant_id):
                async with db.read() as conn:
                    found = {}
                    for table in tenant_tables():
                        n = await conn.execute(
                            text(f"SELECT count(*) FROM {table.name} WHERE tenant_id = :t"),
                            {"t": tenant_id},
                        )
                        found[table.name] = int(n.scalar_one())
                    return found
        finally:
            await db.close()

    return asyncio.run(count())


def files_of(data_dir: Path, tenant_id: str) -> list[Path]:
    return [p for p in (data_dir / "files" / tenant_id).rglob("*") if p.is_file()]


def test_a_deleted_tenant_leaves_nothing_and_others_keep_everything(
    deployment: Deployment,
) -> None:
    doomed, kept = new_tenant(deployment), new_tenant(deployment)
    doomed_owner, _, _ = populate(deployment, doomed)
    kept_owner, kept_channel, kept_root = populate(deployment, kept)
    before = rows_of(deployment.database_url, doomed["id"])
    assert before["posts"] >= 10 and before["thread_memberships"] > 0
    assert before["file_infos"] == 1 and files_of(deployment.data_dir, doomed["id"])
    assert before["emoji"] == 1
    assert any(p.name == "teamIcon.png" for p in files_of(deployment.data_dir, doomed["id"]))
    assert before["sidebar_categories"] == 4 and before["sidebar_channels"] == 1
    kept_rows = rows_of(deployment.database_url, kept["id"])

    with deployment.operator() as op:
        r = op.delete(f"/tenants/{doomed['name']}")
        assert r.status_code == 202 and r.json()["state"] == "deleting"
        # Refused at once, like a tenant that never existed.
        gone = doomed_owner.api.get("/users/me")
        assert gone.status_code == 404
        assert gone.json()["id"] == "api.tenant.not_found.app_error"
        assert op.post(f"/tenants/{doomed['id']}/resume").status_code == 404
        deadline = time.monotonic() + 30
        while op.get(f"/tenants/{doomed['id']}").status_code != 404:
            assert time.monotonic() < deadline, "the tenant's data was not removed"
            time.sleep(0.2)
        # The default tenant stays.
        default = op.delete("/tenants/default")
        assert default.status_code == 400
    left = {t: n for t, n in rows_of(deployment.database_url, doomed["id"]).items() if n}
    assert left == {}
    assert files_of(deployment.data_dir, doomed["id"]) == []
    # The other tenant: every row, and still in use.
    assert rows_of(deployment.database_url, kept["id"]) == kept_rows
    thread = expect(kept_owner.api.get(f"/posts/{kept_root}/thread"), 200)
    assert len(thread["order"]) == 10
    post(kept_owner, kept_channel, "still here")
    # Its name is free again.
    again = new_tenant(deployment, name=doomed["name"])
    assert expect(Api(deployment.base, host=host_of(again)).get("/system/ping"), 200)
