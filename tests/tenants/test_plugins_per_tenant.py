"""Plugins run for the default tenant only so far; everything of theirs stays there.

Another tenant keeps its own plugin settings and key-value data, sees no plugin state,
commands or HTTP routes of the default tenant's plugins, and may not enable a plugin
(it would never run)."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.plugins.bundles import eventually
from tests.support.chat import channel_with, team_with
from tests.support.client import PASSWORD, Api, LoggedIn, create_user, expect, unique
from tests.tenants.conftest import BASE_DOMAIN, Deployment, host_of, new_tenant


def default_tenant_admin(d: Deployment) -> LoggedIn:
    """A system admin of the default tenant, made with the CLI (other tests may have
    made its first user already)."""
    username = unique("padmin")
    env = dict(os.environ, ROOST_DATABASE_URL=d.database_url, ROOST_DATA_DIR=str(d.data_dir))
    args = ["user", "create", "--email", f"{username}@example.com", "--username", username]
    subprocess.run(
        [sys.executable, "-m", "roost.cli", *args, "--password", PASSWORD, "--system-admin"],
        env=env,
        check=True,
        capture_output=True,
        timeout=60,
    )
    api = Api(d.base, host=BASE_DOMAIN)
    login = api.post("/users/login", {"login_id": username, "password": PASSWORD})
    raw = expect(login, 200)
    token = login.headers["Token"]
    return LoggedIn(raw["id"], username, raw["email"], token, Api(d.base, token, BASE_DOMAIN), raw)


def test_plugins_stay_with_the_default_tenant(deployment: Deployment) -> None:
    home = default_tenant_admin(deployment)
    other_tenant = new_tenant(deployment)
    other = create_user(deployment.base, host=host_of(other_tenant))
    settings = {"max_options": 3}
    expect(home.api.put("/plugins/roost.polls/settings", settings), 200)
    expect(home.api.post("/plugins/roost.polls/enable"), 200)
    try:

        def home_state() -> int:
            rows = expect(home.api.get("/plugins/statuses"), 200)
            return next((r["state"] for r in rows if r["plugin_id"] == "roost.polls"), -1)

        assert eventually(lambda: home_state() == 2)
        # Settings are the tenant's own.
        theirs = expect(other.api.get("/plugins/roost.polls/settings"), 200)
        assert theirs["max_options"] != 3
        # No state, no enabling, no commands, no HTTP routes of the default tenant's.
        assert expect(other.api.get("/plugins/statuses"), 200) == []
        refused = expect(other.api.post("/plugins/roost.polls/enable"), 501)
        assert refused["id"] == "app.plugin.tenant.app_error"
        team = team_with(other)
        channel = channel_with(other, team["id"])
        listed = expect(other.api.get(f"/teams/{team['id']}/commands/autocomplete"), 200)
        assert "poll" not in {c["trigger"] for c in listed}
        body = {"channel_id": channel["id"], "team_id": team["id"], "command": '/poll "Q" a b'}
        assert other.api.post("/commands/execute", body).status_code == 404
        routed = Api(deployment.base, host=host_of(other_tenant)).get("/plugins/roost.polls/x")
        assert routed.status_code == 404
    finally:
        expect(home.api.post("/plugins/roost.polls/disable"), 200)
        expect(home.api.put("/plugins/roost.polls/settings", {}), 200)
