"""``roost loadtest seed``: proportions and counters, checked through the API on both databases."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from roost.loadtest.model import CHANNEL_MIX
from roost.loadtest.seed import SeedError
from roost.loadtest.seed_plan import split_counts
from tests.loadtest.conftest import SMALL, Seeded, seeded_server
from tests.support.client import Api, expect


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def seeded(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Seeded]:
    backend = str(request.param)
    with seeded_server(backend, tmp_path_factory.mktemp(f"seed-{backend}")) as s:
        yield s


def login(s: Seeded, username: str) -> Api:
    resp = Api(s.base).post("/users/login", {"login_id": username, "password": s.manifest.password})
    expect(resp, 200)
    return Api(s.base, resp.headers["Token"])


def all_posts(api: Api, channel_id: str) -> list[dict[str, Any]]:
    posts: dict[str, dict[str, Any]] = {}
    page = 0
    while True:
        body = expect(
            api.get(f"/channels/{channel_id}/posts", params={"page": page, "per_page": 200}), 200
        )
        if not body["order"]:
            return list(posts.values())
        posts.update(body["posts"])
        page += 1


def test_seeded_users_log_in_and_counts_match(seeded: Seeded) -> None:
    cfg = SMALL.resolved()
    m = seeded.manifest
    assert m.users == cfg.users and len(m.usernames()) == cfg.users
    assert seeded.result.counts["posts"] == cfg.posts
    assert seeded.result.counts["users"] == cfg.users + 1  # and the admin
    assert seeded.result.rows_per_s > 0
    admin = login(seeded, m.admin_username)
    me = expect(admin.get("/users/me"), 200)
    assert "system_admin" in me["roles"]
    teams = expect(admin.get("/users/me/teams"), 200)
    assert sorted(t["name"] for t in teams) == sorted(m.teams)


def test_channel_proportions(seeded: Seeded) -> None:
    """Every channel has members; the union of the members' channels is the whole set."""
    cfg = SMALL.resolved()
    admin = login(seeded, seeded.manifest.admin_username)
    users = expect(admin.get("/users", params={"per_page": 200}), 200)
    seeded_ids = [
        u["id"]
        for u in users
        if u["username"].startswith(f"{cfg.prefix}-")
        and u["username"] != seeded.manifest.admin_username
    ]
    assert len(seeded_ids) == cfg.users
    team_ids = [t["id"] for t in expect(admin.get("/users/me/teams"), 200)]
    found: dict[str, str] = {}
    for uid in seeded_ids:
        for tid in team_ids:
            resp = admin.get(f"/users/{uid}/teams/{tid}/channels")
            if resp.status_code == 200:
                found.update({c["id"]: c["type"] for c in resp.json()})
    by_type = Counter(found.values())
    assert dict(by_type) == split_counts(cfg.channels, CHANNEL_MIX)
    # 60% direct, 20% public, 10% private, 10% group.
    assert by_type["D"] == round(cfg.channels * 0.6)


def test_counters_are_consistent(seeded: Seeded) -> None:
    admin = login(seeded, seeded.manifest.admin_username)
    user = login(seeded, seeded.manifest.usernames()[0])
    team_id = expect(user.get("/users/me/teams"), 200)[0]["id"]
    channels = expect(user.get(f"/users/me/teams/{team_id}/channels"), 200)
    busiest = sorted(channels, key=lambda c: -c["total_msg_count"])[:4]
    assert busiest[0]["total_msg_count"] > 0
    replies_seen = 0
    for ch in busiest:
        posts = all_posts(admin, ch["id"])
        roots = [p for p in posts if not p["root_id"]]
        assert ch["total_msg_count"] == len(posts)
        assert ch["total_msg_count_root"] == len(roots)
        assert ch["last_post_at"] == max(p["create_at"] for p in posts)
        assert ch["last_root_post_at"] == max(p["create_at"] for p in roots)
        replies = Counter(p["root_id"] for p in posts if p["root_id"])
        replies_seen += sum(replies.values())
        for root in roots:
            assert root["reply_count"] == replies[root["id"]]
            if replies[root["id"]]:
                last = max(p["create_at"] for p in posts if p["root_id"] == root["id"])
                assert root["last_reply_at"] == last
        reacted = [p for p in posts if p.get("has_reactions")]
        for post in reacted[:3]:
            assert expect(admin.get(f"/posts/{post['id']}/reactions"), 200)
    assert replies_seen > 0


def test_some_channels_are_unread(seeded: Seeded) -> None:
    unread_channels = 0
    for name in seeded.manifest.usernames()[:6]:
        api = login(seeded, name)
        for team in expect(api.get("/users/me/teams"), 200):
            members = expect(api.get(f"/users/me/teams/{team['id']}/channels/members"), 200)
            channels = {
                c["id"]: c for c in expect(api.get(f"/users/me/teams/{team['id']}/channels"), 200)
            }
            for member in members:
                ch = channels[member["channel_id"]]
                assert 0 <= member["msg_count"] <= ch["total_msg_count"]
                behind = ch["total_msg_count"] - member["msg_count"]
                if behind:
                    unread_channels += 1
                    unread = expect(api.get(f"/users/me/channels/{ch['id']}/unread"), 200)
                    assert unread["msg_count"] == behind
    assert unread_channels > 0


def test_seed_refuses_a_used_prefix(seeded: Seeded, tmp_path: Path) -> None:
    from tests.loadtest.conftest import _seed_in_thread

    with pytest.raises(SeedError, match="already exists"):
        _seed_in_thread(seeded.database_url, SMALL, tmp_path / "again.json")


def _roost(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, ROOST_DATA_DIR=str(data_dir))
    env.pop("ROOST_DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "roost.cli", "loadtest", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_seed_command_defaults_to_the_servers_database(tmp_path: Path) -> None:
    done = _roost(
        "seed", "--posts", "400", "--users", "12", "--bcrypt-cost", "4", data_dir=tmp_path
    )
    assert done.returncode == 0, done.stderr
    assert "posts/s" in done.stdout and "loadtest-0 .. loadtest-11" in done.stdout
    assert (tmp_path / "roost.db").exists()
    assert (tmp_path / "loadtest-manifest.json").exists()
    again = _roost("seed", "--posts", "10", data_dir=tmp_path)
    assert again.returncode == 1 and "already exists" in again.stderr
    bad = _roost("seed", "--teams", "0", data_dir=tmp_path)
    assert bad.returncode == 2 and "--teams" in bad.stderr
