"""Idle keep-alive connections outlive the common client and proxy idle timeouts."""

from __future__ import annotations

import http.client
import time
from urllib.parse import urlsplit

from tests.support.client import LoggedIn


def test_an_idle_connection_is_still_open_after_uvicorns_default_timeout(
    admin: LoggedIn,
) -> None:
    parts = urlsplit(admin.api.base)
    conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=10)
    try:
        conn.request("GET", "/api/v4/system/ping")
        assert conn.getresponse().read()
        sock = conn.sock
        # uvicorn alone would close the connection after 5 idle seconds.
        time.sleep(6)
        conn.request("GET", "/api/v4/system/ping")
        response = conn.getresponse()
        assert response.status == 200 and response.read()
        assert conn.sock is sock  # the same connection, not a silent reconnect
    finally:
        conn.close()
