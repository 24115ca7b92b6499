"""``roost plugin ...`` against a running server's database: the server follows."""

from __future__ import annotations

import json
from pathlib import Path

from tests.plugins.bundles import bundle, eventually, status
from tests.support.chat import channel_with, team_with
from tests.support.client import create_user, expect
from tests.support.posting import post
from tests.support.server import running_server
from tests.test_cli import roost

SHOUT = """
from roost.plugin import Plugin, Post

class Plugin(Plugin):
    async def message_will_be_posted(self, post: Post) -> Post:
        post.message = post.message.upper()
        return post
"""


def test_cli_manages_plugins_of_a_running_server(tmp_path: Path) -> None:
    plugin_file = tmp_path / "shout.tar.gz"
    plugin_file.write_bytes(bundle("test.shout", SHOUT, version="2.0.0"))
    out = roost("plugin", "install", str(plugin_file), "--enable", data_dir=tmp_path).stdout
    assert "installed test.shout 2.0.0" in out
    listed = roost("plugin", "list", data_dir=tmp_path).stdout
    assert "test.shout\t2.0.0\tenabled\tisolated\tuploaded" in listed
    assert "roost.polls\t1.0.0\tdisabled\tin-process\tbundled" in listed

    env = {"ROOST_PLUGIN_HEALTH_CHECK_SECONDS": "1"}
    with running_server(f"sqlite:///{tmp_path / 'roost.db'}", tmp_path, env) as base:
        admin = create_user(base, username="admin0")
        team = team_with(admin)
        channel = channel_with(admin, team["id"])
        assert eventually(lambda: status(admin, "test.shout").get("state") == 2)
        assert post(admin, channel["id"], "quiet")["message"] == "QUIET"

        # Without Redis the server re-reads plugin state every health check.
        assert "disabled" in roost("plugin", "disable", "test.shout", data_dir=tmp_path).stdout
        assert eventually(lambda: post(admin, channel["id"], "calm")["message"] == "calm")

        shown = roost(
            "plugin", "settings", "roost.polls", "--set", "max_options=5", data_dir=tmp_path
        )
        assert json.loads(shown.stdout) == {"max_options": 5}
        assert expect(admin.api.get("/plugins/roost.polls/settings"), 200) == {"max_options": 5}
        bad = roost(
            "plugin",
            "settings",
            "roost.polls",
            "--set",
            "max_options=many",
            data_dir=tmp_path,
            check=False,
        )
        assert bad.returncode != 0 and "must be a number" in bad.stderr

        assert "removed" in roost("plugin", "remove", "test.shout", data_dir=tmp_path).stdout
        broken = tmp_path / "broken.tar.gz"
        broken.write_bytes(b"nope")
        failed = roost("plugin", "install", str(broken), data_dir=tmp_path, check=False)
        assert failed.returncode != 0 and "invalid plugin bundle" in failed.stderr
