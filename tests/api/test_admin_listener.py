"""``/metrics`` and ``/operator/v1`` off the public listener (issue 19.8): the admin
listener (``ROOST_ADMIN_LISTEN``, loopback by default) serves them and nothing else;
the public one answers 404 for them unless ``ROOST_ADMIN_PATHS_ON_PUBLIC``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support.server import admin_url, running_server

OPERATOR = {"Authorization": "Bearer " + "o" * 40}


@pytest.fixture(scope="module")
def operated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """A server with an operator token: (public URL, admin URL)."""
    data_dir: Path = tmp_path_factory.mktemp("roost-admin-listener")
    url = f"sqlite:///{data_dir / 'roost.db'}"
    env = {"ROOST_OPERATOR_TOKEN": "o" * 40}
    with running_server(url, data_dir, env) as base:
        yield base, admin_url(base)


def test_node_paths_are_only_on_the_admin_listener(operated: tuple[str, str]) -> None:
    public, admin = operated
    assert public != admin
    for path in ("/metrics", "/operator/v1/tenants"):
        refused = httpx.get(public + path, headers=OPERATOR)
        assert refused.status_code == 404
        assert refused.json()["id"] == "api.context.404.app_error"
    scrape = httpx.get(admin + "/metrics")
    assert scrape.status_code == 200 and "roost_http_requests_total" in scrape.text
    tenants = httpx.get(admin + "/operator/v1/tenants", headers=OPERATOR)
    assert tenants.status_code == 200 and tenants.json()["total_count"] >= 1
    assert httpx.get(admin + "/operator/v1/tenants").status_code == 401


def test_the_admin_listener_serves_nothing_else(operated: tuple[str, str]) -> None:
    public, admin = operated
    for path in ("/api/v4/system/ping", "/api/v4/users/me", "/", "/login", "/static/x.js"):
        refused = httpx.get(admin + path)
        assert refused.status_code == 404, path
        assert refused.json()["id"] == "api.context.404.app_error"
    assert httpx.get(public + "/api/v4/system/ping").status_code == 200


def test_the_old_behaviour_is_a_setting(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'roost.db'}"
    env = {"ROOST_ADMIN_PATHS_ON_PUBLIC": "true", "ROOST_ADMIN_LISTEN": "off"}
    with running_server(url, tmp_path, env) as base:
        assert httpx.get(base + "/metrics").status_code == 200
    # Off, and not on the public listener: nowhere.
    with running_server(url, tmp_path, {"ROOST_ADMIN_LISTEN": "off"}) as base:
        assert httpx.get(base + "/metrics").status_code == 404
