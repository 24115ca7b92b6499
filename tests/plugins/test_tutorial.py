"""docs/plugins.md's tutorial plugin, built from the page itself, does what it says."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import httpx

from tests.plugins.bundles import eventually, tar_gz, upload, wait_state
from tests.support.client import LoggedIn, expect
from tests.support.posting import make_room, post

DOC = Path(__file__).resolve().parents[2] / "docs" / "plugins.md"


def _blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", DOC.read_text(), re.DOTALL)


def test_the_tutorial_plugin(
    plugin_server: str, plugin_admin: LoggedIn, make_plugin_user: Callable[..., LoggedIn]
) -> None:
    manifest, source = _blocks("json")[0], _blocks("python")[0]
    data = tar_gz({"plugin.json": manifest, "server/__init__.py": source}, top="caps-guard/")
    expect(upload(plugin_admin, data), 201)
    expect(plugin_admin.api.post("/plugins/example.caps-guard/enable"), 200)
    try:
        wait_state(plugin_admin, "example.caps-guard")
        room = make_room(make_plugin_user)
        shout = {"channel_id": room.channel_id, "message": "HELLO EVERYONE"}
        error = expect(room.alice.api.post("/posts", shout), 400)
        assert error["message"] == "Post rejected by plugin. Please don't shout."
        assert post(room.alice, room.channel_id, "HI ALL")["message"] == "HI ALL"  # too short
        headers = {"Authorization": f"Bearer {room.alice.token}"}
        count = httpx.get(f"{plugin_server}/plugins/example.caps-guard/", headers=headers)
        assert count.json() == {"shouts": 1}
        assert httpx.get(f"{plugin_server}/plugins/example.caps-guard/").status_code == 401

        expect(
            plugin_admin.api.put("/plugins/example.caps-guard/settings", {"min_letters": 4}), 200
        )
        assert eventually(
            lambda: (
                room.alice.api.post(
                    "/posts", {"channel_id": room.channel_id, "message": "HI ALL"}
                ).status_code
                == 400
            )
        )
    finally:
        expect(plugin_admin.api.delete("/plugins/example.caps-guard"), 200)
