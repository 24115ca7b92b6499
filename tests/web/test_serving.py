"""Roost serves the web client: the page at / and at every client-side route, hashed
assets with a long cache, and never the page where the server's own paths are."""

from __future__ import annotations

import re

import httpx
import pytest

from tests.support.server import admin_url

PAGE_PATHS = [
    "/",
    "/login",
    "/signup_user_complete",
    "/select_team",
    "/myteam/channels/town-square",
    "/myteam/messages/@someone",
    "/myteam/threads/abc",
]
SERVER_PATHS = [
    "/api/v4/no-such-route",
    "/api/v5/users",
    "/api",
    "/plugins/com.example/x",
    "/hooks/abc",
    "/metrics/extra",
    "/files/abc",
    "/static/missing.js",
    "/static/%2e%2e/index.html",
]


def assets(base: str) -> list[str]:
    page = httpx.get(base + "/").text
    return re.findall(r'(?:src|href)="(/static/[^"]+)"', page)


@pytest.mark.parametrize("path", PAGE_PATHS)
def test_client_routes_get_the_page(server: str, path: str) -> None:
    response = httpx.get(server + path)
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.headers["cache-control"] == "no-cache"
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["x-frame-options"] == "SAMEORIGIN"
    assert '<div id="app">' in response.text


@pytest.mark.parametrize("path", SERVER_PATHS)
def test_server_paths_are_never_shadowed_by_the_page(server: str, path: str) -> None:
    response = httpx.get(server + path)
    assert response.status_code == 404
    # Mattermost's error JSON, whichever part of the server answers (a plugin path
    # names the missing plugin), never the page.
    assert response.headers["content-type"] == "application/json"
    assert response.json()["id"] in (
        "api.context.404.app_error",
        "api.plugin.serve_http.not_found.app_error",
    )


def test_other_methods_on_unknown_paths_are_404(server: str) -> None:
    response = httpx.post(server + "/myteam/channels/x", json={})
    assert response.status_code == 404
    assert response.json()["status_code"] == 404


def test_server_routes_still_answer(server: str) -> None:
    assert httpx.get(server + "/api/v4/system/ping").json()["status"] == "OK"
    metrics = httpx.get(admin_url(server) + "/metrics")
    assert metrics.status_code == 200 and metrics.headers["content-type"].startswith("text/plain")
    # On the public listener: Mattermost's 404 JSON, never the page.
    public = httpx.get(server + "/metrics")
    assert public.status_code == 404 and public.json()["id"] == "api.context.404.app_error"


def test_assets_are_cached_for_a_year_and_sent_gzipped_when_accepted(server: str) -> None:
    names = assets(server)
    assert any(n.endswith(".js") for n in names) and any(n.endswith(".css") for n in names)
    for name in names:
        plain = httpx.get(server + name, headers={"Accept-Encoding": "identity"})
        assert plain.status_code == 200
        assert plain.headers["cache-control"] == "public, max-age=31536000, immutable"
        assert "content-encoding" not in plain.headers
        expected_type = "text/javascript" if name.endswith(".js") else "text/css"
        assert plain.headers["content-type"].startswith(expected_type)
        packed = httpx.get(server + name, headers={"Accept-Encoding": "gzip"})
        assert packed.headers["content-encoding"] == "gzip"
        assert packed.content == plain.content  # httpx decodes gzip
        assert int(packed.headers["content-length"]) < len(plain.content)
