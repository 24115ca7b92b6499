"""Roost's own export (the operator API's Mattermost JSONL) read by the importer: a
tenant exported, imported into a fresh database, gives the same API views, and
exporting that gives the same lines."""

from __future__ import annotations

from collections.abc import Collection, Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest

from tests.imports.conftest import Site, start_site
from tests.support.chat import channel_with, make_dm, team_with
from tests.support.client import Api, create_user, expect
from tests.support.posting import post

DEFAULT_TENANT = "roostdefaulttenant00000000"
# What a user view carries that an import reproduces (ids, times and passwords aside).
USER_FIELDS = ("email", "nickname", "first_name", "last_name", "position", "roles", "locale")
CHANNEL_FIELDS = (
    "display_name",
    "type",
    "header",
    "purpose",
    "total_msg_count",
    "total_msg_count_root",
    "last_post_at",
    "delete_at",
)
COUNTED_SYSTEM_POSTS = frozenset({"system_channel_deleted"})


@pytest.fixture(scope="module")
def fresh(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    yield from start_site(backend, tmp_path_factory.mktemp(f"roost-fresh-{backend}"))


def _export(site: Site) -> bytes:
    with site.operator() as op:
        r = op.get(f"/tenants/{DEFAULT_TENANT}/export")
    assert r.status_code == 200, r.text
    return r.content


def _canonical(export: bytes) -> list[bytes]:
    """The export's lines in a fixed order (posts of one instant may come either way),
    with lists in a fixed order (members come in the order of their ids, which differ)."""
    lines = []
    for raw in export.splitlines():
        obj = orjson.loads(raw)
        if obj["type"] == "user":
            for team in obj["user"].get("teams", []):
                team["channels"] = sorted(team["channels"], key=lambda c: c["name"])
            obj["user"]["teams"] = sorted(obj["user"].get("teams", []), key=lambda t: t["name"])
        elif obj["type"] == "direct_channel":
            obj["direct_channel"]["members"].sort()
        elif obj["type"] == "direct_post":
            obj["direct_post"]["channel_members"].sort()
        lines.append(orjson.dumps(obj, option=orjson.OPT_SORT_KEYS))
    return sorted(lines)


def _names(api: Api, ids: set[str]) -> dict[str, str]:
    users = expect(api.post("/users/ids", sorted(ids)), 200)
    return {u["id"]: u["username"] for u in users}


def _channel_view(
    api: Api, team: str, name: str, keys: Collection[str] = CHANNEL_FIELDS
) -> dict[str, Any]:
    t = expect(api.get(f"/teams/name/{team}"), 200)
    c = expect(
        api.get(f"/teams/{t['id']}/channels/name/{name}", params={"include_deleted": "true"}), 200
    )
    page = expect(api.get(f"/channels/{c['id']}/posts", params={"per_page": 200}), 200)
    # System posts stay out of exports (as Mattermost's): people's posts are compared,
    # and the counters only where no system post moved them (joins and adds count no
    # message but may be the last post; an archive's post counts).
    listed = [page["posts"][i] for i in reversed(page["order"])]
    posts = [p for p in listed if not p["type"].startswith("system_")]
    moved: set[str] = set()
    if listed and listed[-1]["type"].startswith("system_"):
        moved.add("last_post_at")
    if any(p["type"] in COUNTED_SYSTEM_POSTS for p in listed):
        moved |= {"total_msg_count", "total_msg_count_root"}
    fields = [k for k in keys if k not in moved]
    names = (
        _names(
            api,
            {p["user_id"] for p in posts}
            | {r["user_id"] for p in posts for r in p.get("metadata", {}).get("reactions", [])},
        )
        if posts
        else {}
    )
    index = {p["id"]: n for n, p in enumerate(posts)}
    return {
        "channel": {k: c[k] for k in fields},
        "posts": [
            (
                names[p["user_id"]],
                p["message"],
                p["create_at"],
                index.get(p["root_id"], -1),
                p["is_pinned"],
                p["reply_count"],
                sorted(
                    (names[r["user_id"]], r["emoji_name"])
                    for r in p.get("metadata", {}).get("reactions", [])
                ),
            )
            for p in posts
        ],
    }


def test_export_then_import_gives_the_same_views(site: Site, fresh: Site, tmp_path: Path) -> None:
    a = site.admin
    alice = create_user(site.base, nickname="Al", first_name="Alice", position="lead")
    bob = create_user(site.base)
    team = team_with(a, alice, bob, display_name="Round Trip", description="both ways")
    plans = channel_with(alice, team["id"], bob, display_name="Plans", header="h", purpose="p")
    secret = channel_with(alice, team["id"], type="P", display_name="Secret")
    root = post(alice, plans["id"], "the plan")
    post(bob, plans["id"], "agreed", root_id=root["id"])
    post(alice, plans["id"], "and then", root_id=root["id"])
    expect(
        bob.api.post("/reactions", {"user_id": bob.id, "post_id": root["id"], "emoji_name": "+1"}),
        200,
    )
    expect(alice.api.post(f"/posts/{root['id']}/pin"), 200)
    post(alice, secret["id"], "between us")
    dm = make_dm(alice, bob)
    post(bob, dm["id"], "psst")
    expect(alice.api.delete(f"/channels/{secret['id']}"), 200)  # archived, still exported

    exported = _export(site)
    path = tmp_path / "roost-export.jsonl"
    path.write_bytes(exported)
    done = fresh.roost("import", "mattermost", str(path))
    assert done.returncode == 0, done.stderr + done.stdout

    lines = [orjson.loads(x) for x in exported.splitlines()]
    for line in lines:
        if line["type"] == "user":
            name = line["user"]["username"]
            there = expect(site.admin.api.get(f"/users/username/{name}"), 200)
            here = expect(fresh.admin.api.get(f"/users/username/{name}"), 200)
            assert {k: here[k] for k in USER_FIELDS} == {k: there[k] for k in USER_FIELDS}, name
        elif line["type"] == "team":
            name = line["team"]["name"]
            there = expect(site.admin.api.get(f"/teams/name/{name}"), 200)
            here = expect(fresh.admin.api.get(f"/teams/name/{name}"), 200)
            keys = ("display_name", "type", "description", "allow_open_invite")
            assert {k: here[k] for k in keys} == {k: there[k] for k in keys}
        elif line["type"] == "channel":
            c = line["channel"]
            there = _channel_view(site.admin.api, c["team"], c["name"])
            here = _channel_view(fresh.admin.api, c["team"], c["name"], there["channel"])
            assert here == there, c["name"]
    # Direct messages and everything else: the fresh server exports the same lines.
    assert _canonical(_export(fresh)) == _canonical(exported)
