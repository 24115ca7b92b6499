"""Usage figures for billing: people, posts, files and storage, requests per day."""

from __future__ import annotations

import datetime as dt

from tests.support.chat import channel_with, team_with
from tests.support.client import create_user, expect, unique
from tests.support.files import upload_one
from tests.support.posting import post
from tests.tenants.conftest import Deployment, host_of, new_tenant


def test_usage_counts_what_the_tenant_holds_and_its_requests(deployment: Deployment) -> None:
    t, other = new_tenant(deployment), new_tenant(deployment)
    owner = create_user(deployment.base, host=host_of(t))
    member = create_user(deployment.base, host=host_of(t))
    create_user(deployment.base, host=host_of(other))  # counted for the other only
    expect(owner.api.post("/bots", {"username": unique("bot")}), 201)
    team = team_with(owner, member)
    channel = channel_with(owner, team["id"], member)
    with deployment.operator() as op:
        before = expect(op.get(f"/tenants/{t['id']}/usage"), 200)
        for i in range(3):
            post(member, channel["id"], f"message {i}")
        upload = upload_one(owner, channel["id"], "notes.txt", b"12345678")
        post(owner, channel["id"], "with a file", file_ids=[upload["id"]])
        for _ in range(20):
            expect(member.api.get("/users/me"), 200)
        after = expect(op.get(f"/tenants/{t['id']}/usage", params={"days": 7}), 200)
        assert (after["users"], after["bots"]) == (2, 1)
        assert after["posts"] - before["posts"] == 4
        assert (after["files"], after["storage_bytes"]) == (1, 8)
        today = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d")
        counted = {d["day"]: d["count"] for d in after["requests"]}
        earlier = {d["day"]: d["count"] for d in before["requests"]}
        # At least the 3 + 1 posts, the upload and the 20 reads since the first reading.
        assert counted[today] - earlier.get(today, 0) >= 25
        posted = {d["day"]: d["count"] for d in after["posts_per_day"]}
        posted_before = {d["day"]: d["count"] for d in before["posts_per_day"]}
        assert posted[today] - posted_before.get(today, 0) == 4
        theirs = expect(op.get(f"/tenants/{other['id']}/usage"), 200)
        assert (theirs["users"], theirs["posts"], theirs["files"]) == (1, 0, 0)
        assert op.get(f"/tenants/{t['id']}/usage", params={"days": 0}).status_code == 400
        assert op.get("/tenants/no-such-tenant/usage").status_code == 404
