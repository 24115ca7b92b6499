"""`roost backup` while the server runs, then `roost restore` into an empty data
directory: the restored server shows the same users, posts and files. (SQLite and the
local file store: the embedded default; PostgreSQL has pg_dump, docs/backup.md.)"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from tests.imports.conftest import Site
from tests.support.chat import channel_with, team_with
from tests.support.client import PASSWORD, Api, create_user, expect
from tests.support.databases import database
from tests.support.files import png, upload_one
from tests.support.posting import post
from tests.support.server import running_server


def _view(api: Api, channel_id: str) -> list[tuple[str, str, list[str]]]:
    page = expect(api.get(f"/channels/{channel_id}/posts", params={"per_page": 200}), 200)
    return [
        (page["posts"][i]["id"], page["posts"][i]["message"], page["posts"][i]["file_ids"])
        for i in page["order"]
    ]


def test_backup_while_serving_then_restore(tmp_path: Path) -> None:
    source_dir, target_dir = tmp_path / "source", tmp_path / "target"
    source_dir.mkdir()
    target_dir.mkdir()
    archive = tmp_path / "roost-backup.tar.gz"
    with database("sqlite", source_dir) as url, running_server(url, source_dir) as base:
        admin = create_user(base, username="backupadmin")
        alice = create_user(base)
        team = team_with(admin, alice)
        channel = channel_with(admin, team["id"], alice)
        picture = png(4, 4)
        info = upload_one(alice, channel["id"], "pic.png", picture)
        post(alice, channel["id"], "with a picture", file_ids=[info["id"]])
        for i in range(20):
            post(admin, channel["id"], f"before {i}")
        # Posts keep arriving while the backup runs.
        stop = threading.Event()

        def keep_posting() -> None:
            n = 0
            while not stop.is_set() and n < 100:
                post(admin, channel["id"], f"during {n}")
                n += 1

        writer = threading.Thread(target=keep_posting)
        writer.start()
        try:
            site = Site(base, url, source_dir, admin)
            done = site.roost("backup", str(archive))
        finally:
            stop.set()
            writer.join(30)
        assert done.returncode == 0, done.stderr
        assert "backed up" in done.stdout

    target_url = f"sqlite:///{(target_dir / 'roost.db').resolve()}"
    restored = Site("", target_url, target_dir, admin).roost("restore", str(archive))
    assert restored.returncode == 0, restored.stderr
    again = Site("", target_url, target_dir, admin).roost("restore", str(archive))
    assert again.returncode != 0 and "--force" in again.stderr

    with running_server(target_url, target_dir) as base:
        login = Api(base).post("/users/login", {"login_id": alice.username, "password": PASSWORD})
        assert login.status_code == 200, login.text
        api = Api(base, login.headers["Token"])
        after = _view(api, channel["id"])
        messages = [m for _, m, _ in after]
        assert "with a picture" in messages
        assert all(f"before {i}" in messages for i in range(20))
        # The snapshot is consistent: the channel's counters match the posts it holds
        # (but the joins' and adds' system posts, which count as no message).
        channel_view: dict[str, Any] = expect(api.get(f"/channels/{channel['id']}"), 200)
        joins = [m for m in messages if m.endswith(" joined the channel.")]
        joins += [m for m in messages if " added to the channel by " in m]
        assert channel_view["total_msg_count"] == len(after) - len(joins)
        (with_file,) = [files for _, m, files in after if m == "with a picture"]
        assert api.get(f"/files/{with_file[0]}").content == picture
