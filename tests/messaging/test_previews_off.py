"""With ROOST_ENABLE_LINK_PREVIEWS=false nothing is fetched and POST /opengraph is 501;
permalink previews (their own setting) still work."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.messaging.conftest import MESSAGING_ENV
from tests.messaging.pages import Pages, Reply, og_page, wait_until
from tests.support.chat import make_channel, make_team
from tests.support.client import LoggedIn, create_user, expect
from tests.support.databases import database
from tests.support.posting import post
from tests.support.server import running_server


@pytest.fixture(scope="module")
def off_server(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data_dir: Path = tmp_path_factory.mktemp(f"roost-previews-off-{backend}")
    env = {**MESSAGING_ENV, "ROOST_ENABLE_LINK_PREVIEWS": "false"}
    with database(backend, data_dir) as url, running_server(url, data_dir, env) as base:
        create_user(base, username=f"offadmin{uuid.uuid4().hex[:6]}")
        yield base


def test_nothing_fetched_when_previews_are_off(off_server: str, pages: Pages) -> None:
    user: LoggedIn = create_user(off_server)
    where = f"/off-{uuid.uuid4().hex[:8]}"
    page = pages.serve(where, Reply(body=og_page("Off", "not fetched")))
    r = user.api.post("/opengraph", {"url": page})
    assert r.status_code == 501
    assert r.json()["id"] == "api.post.link_preview_disabled.app_error"
    team = make_team(user)
    channel = make_channel(user, team["id"])
    linked = post(user, channel["id"], page)
    target = post(user, channel["id"], "target")
    permalink = post(user, channel["id"], f"{off_server}/{team['name']}/pl/{target['id']}")

    def permalink_shown() -> bool:
        found = expect(user.api.get(f"/posts/{permalink['id']}"), 200)
        return bool(found["metadata"].get("embeds"))

    # The permalink (posted after the link) has its preview: the link's turn has passed.
    wait_until(permalink_shown, what="permalink preview")
    assert pages.count(where) == 0
    found = expect(user.api.get(f"/posts/{linked['id']}"), 200)
    assert not found["metadata"].get("embeds")
