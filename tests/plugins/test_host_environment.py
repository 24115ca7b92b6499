"""Isolated plugins cannot read the server's environment (issue 19.4): the host starts
with an allow-listed environment, and cannot read ``/proc/<pid>/environ`` of the server
(its parent) or of whatever started the server (its grandparent). Tests run as root, so
this proves the host dropped to ``ROOST_PLUGIN_HOST_USER`` (nobody); as another user
the server makes its own ``/proc`` entries unreadable (``PR_SET_DUMPABLE``)."""

from __future__ import annotations

import os

import httpx

from roost.plugin_runtime.host_client import HOST_ENVIRONMENT
from tests.plugins.bundles import running
from tests.plugins.conftest import OPERATOR_TOKEN
from tests.support.client import LoggedIn

SNOOP = """
import json, os
from roost.plugin import HttpRequest, HttpResponse, Plugin


def read(path):
    try:
        with open(path, "rb") as f:
            return {"ok": True, "text": f.read().decode("latin-1")}
    except OSError as exc:
        return {"ok": False, "error": type(exc).__name__}


def parent_of(pid):
    with open(f"/proc/{pid}/stat") as f:
        return int(f.read().rsplit(")", 1)[1].split()[1])


class Plugin(Plugin):
    async def serve_http(self, request: HttpRequest) -> HttpResponse:
        parent = os.getppid()
        grandparent = parent_of(parent)
        found = {
            "uid": os.getuid(),
            "environ": dict(os.environ),
            "self": read("/proc/self/environ"),
            "parent": read(f"/proc/{parent}/environ"),
            "grandparent": read(f"/proc/{grandparent}/environ"),
            "parent_cmdline": read(f"/proc/{parent}/cmdline"),
        }
        return HttpResponse(body=json.dumps(found).encode())
"""


def test_an_isolated_plugin_cannot_read_the_servers_environment(
    plugin_server: str, plugin_admin: LoggedIn
) -> None:
    with running(plugin_admin, "test.snoop", SNOOP):
        answer = httpx.get(f"{plugin_server}/plugins/test.snoop/")
    assert answer.status_code == 200, answer.text
    found = answer.json()
    assert OPERATOR_TOKEN not in answer.text
    assert set(found["environ"]) <= set(HOST_ENVIRONMENT), found["environ"]
    assert found["self"]["ok"]  # reads work; the parent's do not
    assert found["parent"] == {"ok": False, "error": "PermissionError"}
    if os.geteuid() == 0:
        # The host is not root: nothing it can read is another process's environment.
        assert found["uid"] != 0
        assert found["grandparent"] == {"ok": False, "error": "PermissionError"}
