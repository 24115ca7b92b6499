"""Per-tenant limits: a request rate (so one busy tenant cannot starve the others) and
a number of users, each refused with a clear error and changed by the operator."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx

from tests.support.chat import channel_with, team_with
from tests.support.client import PASSWORD, Api, create_user, expect, unique
from tests.support.files import upload_one, upload_raw
from tests.support.posting import post
from tests.tenants.conftest import Deployment, host_of, new_tenant


def set_limits(d: Deployment, tenant_id: str, **limits: object) -> httpx.Response:
    with d.operator() as op:
        return op.put(f"/tenants/{tenant_id}/limits", json=limits)


def test_limits_are_checked(deployment: Deployment) -> None:
    t = new_tenant(deployment)
    for bad in (
        {"requests_per_second": -1},
        {"max_users": -5},
        {"max_users": "10"},
        {"requests_per_second": True},
    ):
        assert set_limits(deployment, t["id"], **bad).status_code == 400, bad
    assert set_limits(deployment, t["id"], max_posts_per_day=1.5).status_code == 400
    assert set_limits(deployment, t["id"], max_cats=1).status_code == 400
    shown = expect(set_limits(deployment, t["id"], requests_per_second=7.5, max_users=3), 200)
    assert shown["limits"] == {
        "requests_per_second": 7.5,
        "max_users": 3,
        "max_storage_bytes": 0,
        "max_posts_per_day": 0,
    }
    # Limits not named stay as they were.
    shown = expect(set_limits(deployment, t["id"], max_posts_per_day=100), 200)
    assert shown["limits"]["max_users"] == 3 and shown["limits"]["max_posts_per_day"] == 100


def test_a_busy_tenant_is_held_to_its_rate_and_the_others_are_not(
    deployment: Deployment,
) -> None:
    busy, quiet = new_tenant(deployment), new_tenant(deployment)
    expect(set_limits(deployment, busy["id"], requests_per_second=2), 200)
    config = "/config/client?format=old"
    flood = Api(deployment.base, host=host_of(busy))
    calm = Api(deployment.base, host=host_of(quiet))

    def burst(api: Api) -> list[int]:
        return [api.get(config).status_code for _ in range(16)]

    with ThreadPoolExecutor(2) as pool:
        flooded, other = pool.map(burst, [flood, calm])
    # A burst of two seconds' worth (4) passes, then about 2 a second.
    assert 4 <= flooded.count(200) < 16 and flooded.count(429) > 0
    assert set(flooded) == {200, 429}
    assert other == [200] * 16
    refused = flood.get(config)
    while refused.status_code != 429:
        refused = flood.get(config)
    assert refused.json()["id"] == "api.tenant.rate_limited.app_error"
    assert refused.headers["Retry-After"] == "1"
    # Refusals are answered late (250 ms), so retrying at once does not multiply them.
    assert refused.elapsed.total_seconds() >= 0.2
    # Lifting the limit serves it again at once.
    expect(set_limits(deployment, busy["id"], requests_per_second=0), 200)
    assert [flood.get(config).status_code for _ in range(30)] == [200] * 30


def test_a_tenant_cannot_grow_past_its_user_limit(deployment: Deployment) -> None:
    t = new_tenant(deployment)
    host = host_of(t)
    admin = create_user(deployment.base, host=host)
    expect(set_limits(deployment, t["id"], max_users=3), 200)
    create_user(deployment.base, host=host)
    # Bots do not count against the limit.
    expect(admin.api.post("/bots", {"username": unique("bot")}), 201)
    create_user(deployment.base, host=host)

    def sign_up(n: int) -> httpx.Response:
        name = unique(f"late{n}")
        body = {"username": name, "email": f"{name}@example.com", "password": PASSWORD}
        return Api(deployment.base, host=host).post("/users", body)

    with ThreadPoolExecutor(4) as pool:
        late = list(pool.map(sign_up, range(4)))
    assert [r.status_code for r in late] == [403] * 4
    assert late[0].json()["id"] == "api.tenant.quota.users.app_error"
    assert "3 users" in late[0].json()["message"]
    users = expect(admin.api.get("/users", params={"per_page": 200}), 200)
    assert len([u for u in users if not u.get("is_bot")]) == 3
    # Raised by the operator: sign-up works again.
    expect(set_limits(deployment, t["id"], max_users=4), 200)
    assert sign_up(9).status_code == 201
    assert sign_up(10).status_code == 403


def test_posts_per_day_and_storage_quotas(deployment: Deployment) -> None:
    t, other = new_tenant(deployment), new_tenant(deployment)
    owner = create_user(deployment.base, host=host_of(t))
    team = team_with(owner)
    channel = channel_with(owner, team["id"])
    theirs = create_user(deployment.base, host=host_of(other))
    their_channel = channel_with(theirs, team_with(theirs)["id"])
    before = expect(owner.api.get(f"/channels/{channel['id']}/posts"), 200)["order"]
    expect(set_limits(deployment, t["id"], max_posts_per_day=3), 200)
    for i in range(3):
        post(owner, channel["id"], f"allowed {i}")
    refused = owner.api.post("/posts", {"channel_id": channel["id"], "message": "one more"})
    assert refused.status_code == 429
    assert refused.json()["id"] == "api.tenant.quota.posts.app_error"
    after = expect(owner.api.get(f"/channels/{channel['id']}/posts"), 200)["order"]
    assert len(after) == len(before) + 3  # the refused post was not written
    post(theirs, their_channel["id"], "another tenant posts on")
    expect(set_limits(deployment, t["id"], max_posts_per_day=0), 200)
    post(owner, channel["id"], "no limit again")

    expect(set_limits(deployment, t["id"], max_storage_bytes=1000), 200)
    upload_one(owner, channel["id"], "small.txt", b"x" * 600)
    r = upload_raw(owner, channel["id"], "big.txt", b"y" * 600)
    assert r.status_code == 413
    assert r.json()["id"] == "api.tenant.quota.storage.app_error"
    upload_one(owner, channel["id"], "fits.txt", b"z" * 400)
    upload_one(theirs, their_channel["id"], "theirs.txt", b"w" * 5000)
