"""`roost import mattermost`: a bulk file with every line type, checked then written,
seen through the API; a second run changes nothing; passwords only from bcrypt hashes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import bcrypt
import orjson
import pytest

from tests.imports.conftest import Site
from tests.imports.fixtures import T0, attachments, every_type, line, zip_of
from tests.support.client import Api, expect
from tests.support.files import png

PASSWORD = "Imported-pass-1"


@pytest.fixture(scope="module")
def imported(site: Site, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The every-type file imported once (ada carries a bcrypt hash)."""
    lines = every_type()
    ada = orjson.loads(lines[5])
    ada["user"]["password"] = bcrypt.hashpw(PASSWORD.encode(), bcrypt.gensalt(4)).decode()
    lines[5] = orjson.dumps(ada) + b"\n"
    path = zip_of(tmp_path_factory.mktemp("mm") / "export.zip", lines, attachments())
    dry = site.roost("import", "mattermost", str(path), "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "checked 17 lines" in dry.stdout
    # The dry run wrote nothing.
    expect(site.admin.api.get("/teams/name/history"), 404)
    done = site.roost("import", "mattermost", str(path))
    assert done.returncode == 0, done.stderr + done.stdout
    return {"path": path, "stdout": done.stdout}


def _team_channel(api: Api, team: str, channel: str) -> tuple[dict[str, Any], dict[str, Any]]:
    t = expect(api.get(f"/teams/name/{team}"), 200)
    c = expect(api.get(f"/teams/{t['id']}/channels/name/{channel}"), 200)
    return t, c


def _posts(api: Api, channel_id: str) -> list[dict[str, Any]]:
    page = expect(api.get(f"/channels/{channel_id}/posts", params={"per_page": 200}), 200)
    return [page["posts"][i] for i in reversed(page["order"])]


def test_every_line_type_arrives(site: Site, imported: dict[str, Any]) -> None:
    api = site.admin.api
    team, general = _team_channel(api, "history", "general-talk")
    assert team["display_name"] == "History Team" and team["allow_open_invite"] is True
    assert general["header"] == "the header" and general["purpose"] == "the purpose"
    _, secret = _team_channel(api, "history", "secret")
    assert secret["type"] == "P"
    # Every team has its default channels.
    _team_channel(api, "history", "town-square")

    ada = expect(api.get("/users/username/ada"), 200)
    assert (ada["first_name"], ada["last_name"], ada["nickname"], ada["position"]) == (
        "Ada",
        "Lovelace",
        "countess",
        "engineer",
    )
    assert ada["last_picture_update"] > 0
    picture = api.get(f"/users/{ada['id']}/image")
    assert picture.status_code == 200 and picture.content.startswith(b"\x89PNG")
    member = expect(api.get(f"/teams/{team['id']}/members/{ada['id']}"), 200)
    assert "team_admin" in member["roles"]
    cm = expect(api.get(f"/channels/{general['id']}/members/{ada['id']}"), 200)
    assert "channel_admin" in cm["roles"]
    # Imported history arrives read.
    assert cm["msg_count"] == general["total_msg_count"] == 4

    posts = _posts(api, general["id"])
    assert [p["message"] for p in posts] == [
        "Welcome to the #history team",
        "glad to be here",
        "me too",
        "a picture",
    ]
    root = posts[0]
    assert root["create_at"] == T0 and root["is_pinned"] is True
    assert root["hashtags"] == "#history"
    assert root["reply_count"] == 2
    assert all(p["root_id"] == root["id"] for p in posts[1:3])
    assert posts[3]["edit_at"] == T0 + 6000
    emojis = {r["emoji_name"] for p in posts for r in p.get("metadata", {}).get("reactions", [])}
    assert emojis == {"tada", "+1"}
    pinned = expect(api.get(f"/channels/{general['id']}/pinned"), 200)
    assert pinned["order"] == [root["id"]]

    # Attachments: the file's bytes, under its name.
    (note_id,) = root["file_ids"]
    info = expect(api.get(f"/files/{note_id}/info"), 200)
    assert info["name"] == "notes.txt" and info["size"] == len(b"meeting notes\n")
    assert api.get(f"/files/{note_id}").content == b"meeting notes\n"
    (picture_id,) = posts[3]["file_ids"]
    assert api.get(f"/files/{picture_id}").content == attachments()["data/images/picture.png"]

    emoji = expect(api.get("/emoji/name/history-parrot"), 200)
    assert api.get(f"/emoji/{emoji['id']}/image").status_code == 200

    bot_user = expect(api.get("/users/username/history-bot"), 200)
    bot = expect(api.get(f"/bots/{bot_user['id']}"), 200)
    assert bot["owner_id"] == ada["id"] and bot["display_name"] == "History Bot"


def test_passwords_only_from_hashes(site: Site, imported: dict[str, Any]) -> None:
    """ada's line carried a bcrypt hash: she signs in with her old password. grace's had
    none: she must reset it."""
    anon = Api(site.base)
    ok = anon.post("/users/login", {"login_id": "ada", "password": PASSWORD})
    assert ok.status_code == 200, ok.text
    ada = Api(site.base, ok.headers["Token"])
    # As ada: her direct and group channels, her flags.
    me = expect(ada.get("/users/me"), 200)
    assert me["notify_props"]["desktop"] == "all" and me["notify_props"]["email"] == "false"
    prefs = expect(ada.get(f"/users/{me['id']}/preferences/display_settings"), 200)
    assert {p["name"]: p["value"] for p in prefs}["use_military_time"] == "true"
    flagged = expect(ada.get(f"/users/{me['id']}/posts/flagged"), 200)
    assert flagged["order"] == []
    channels = expect(ada.get(f"/users/{me['id']}/channels"), 200)
    chats = {c["type"]: c for c in channels if c["type"] in ("D", "G")}
    assert chats["D"]["header"] == "just us"
    dm_posts = _posts(ada, chats["D"]["id"])
    assert [p["message"] for p in dm_posts] == ["psst", "yes?"]
    assert [p["message"] for p in _posts(ada, chats["G"]["id"])] == ["group hello"]
    refused = anon.post("/users/login", {"login_id": "grace", "password": PASSWORD})
    assert refused.status_code == 401


def test_running_the_same_file_again_changes_nothing(site: Site, imported: dict[str, Any]) -> None:
    api = site.admin.api
    _, general = _team_channel(api, "history", "general-talk")
    before = _posts(api, general["id"])
    again = site.roost("import", "mattermost", str(imported["path"]))
    assert again.returncode == 0, again.stderr
    assert "posts_already_there: 8" in again.stdout
    assert "posts:" not in again.stdout
    after = _posts(api, general["id"])
    assert [(p["id"], p["message"]) for p in after] == [(p["id"], p["message"]) for p in before]
    channel = expect(api.get(f"/channels/{general['id']}"), 200)
    assert channel["total_msg_count"] == 4


def test_an_interrupted_run_is_resumed_by_running_again(site: Site, tmp_path: Path) -> None:
    """The first part of a file (as if the run stopped there), then the whole file: the
    second run adds only what is missing."""
    head = [
        line("version", 1),
        line("team", {"name": "resumed", "display_name": "Resumed", "type": "O"}),
        line("channel", {"team": "resumed", "name": "log", "display_name": "Log", "type": "O"}),
        line(
            "user",
            {
                "username": "resumer",
                "email": "resumer@example.com",
                "teams": [{"name": "resumed", "channels": [{"name": "log"}]}],
            },
        ),
    ]
    posts = [
        line(
            "post",
            {
                "team": "resumed",
                "channel": "log",
                "user": "resumer",
                "message": f"entry {i}",
                "create_at": T0 + i,
            },
        )
        for i in range(10)
    ]
    first = site.roost("import", "mattermost", str(zip_of(tmp_path / "a.zip", head + posts[:4])))
    assert first.returncode == 0, first.stderr
    whole = site.roost("import", "mattermost", str(zip_of(tmp_path / "b.zip", head + posts)))
    assert whole.returncode == 0, whole.stderr
    assert "posts: 6" in whole.stdout and "posts_already_there: 4" in whole.stdout
    _, log = _team_channel(site.admin.api, "resumed", "log")
    assert [p["message"] for p in _posts(site.admin.api, log["id"])] == [
        f"entry {i}" for i in range(10)
    ]
    assert log["total_msg_count"] == 10


def test_a_bare_jsonl_file_with_attachments_beside_it(site: Site, tmp_path: Path) -> None:
    (tmp_path / "files").mkdir()
    (tmp_path / "files" / "dot.png").write_bytes(png(2, 2))
    path = tmp_path / "plain.jsonl"
    path.write_bytes(
        b"".join(
            [
                line("version", 1),
                line("team", {"name": "plain", "display_name": "Plain", "type": "O"}),
                line(
                    "user",
                    {
                        "username": "plainuser",
                        "email": "plain@example.com",
                        "teams": [{"name": "plain"}],
                    },
                ),
                line(
                    "post",
                    {
                        "team": "plain",
                        "channel": "town-square",
                        "user": "plainuser",
                        "message": "with a dot",
                        "create_at": T0,
                        "attachments": [{"path": "files/dot.png"}],
                    },
                ),
            ]
        )
    )
    done = site.roost("import", "mattermost", str(path))
    assert done.returncode == 0, done.stderr
    _, town = _team_channel(site.admin.api, "plain", "town-square")
    (only,) = _posts(site.admin.api, town["id"])
    assert site.admin.api.get(f"/files/{only['file_ids'][0]}").content == png(2, 2)
