"""Plugin changes, Roost's only configuration an admin changes over the API, are in the
audit log; a plugin's setting values (which may be secrets) are not."""

from __future__ import annotations

from typing import Any

from tests.plugins.bundles import bundle, upload
from tests.support.client import LoggedIn, expect

NOOP = """
from roost.plugin import Plugin

class Plugin(Plugin):
    pass
"""


def test_plugin_changes_are_recorded(plugin_admin: LoggedIn) -> None:
    api = plugin_admin.api
    expect(upload(plugin_admin, bundle("test.audited", NOOP)), 201)
    expect(api.post("/plugins/test.audited/enable"), 200)
    expect(api.post("/plugins/test.audited/disable"), 200)
    expect(api.delete("/plugins/test.audited"), 200)
    expect(api.put("/plugins/roost.polls/settings", {"max_options": 5}), 200)
    expect(api.put("/plugins/roost.polls/settings", {}), 200)
    found: list[dict[str, Any]] = expect(
        api.get(f"/users/{plugin_admin.id}/audits", params={"per_page": 20}), 200
    )
    recent = [(r["action"], r["extra_info"]) for r in found[:6]]
    assert recent == [
        ("updateConfig", "plugin_id=roost.polls settings=[]"),
        ("updateConfig", "plugin_id=roost.polls settings=['max_options']"),
        ("removePlugin", "plugin_id=test.audited"),
        ("disablePlugin", "plugin_id=test.audited"),
        ("enablePlugin", "plugin_id=test.audited"),
        ("uploadPlugin", "plugin_id=test.audited trusted=False"),
    ]
    assert all(r["ip_address"] == "127.0.0.1" for r in found[:6])
    # The setting's key, not its value.
    assert "5" not in recent[1][1]
