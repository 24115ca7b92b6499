"""System endpoints and the error format every client depends on."""

from __future__ import annotations

from collections.abc import Iterator

import httpx

from tests.support.client import Api, LoggedIn, expect


def test_ping_is_json_without_charset(anon: Api) -> None:
    r = anon.get("/system/ping")
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/json"
    assert r.json()["status"] == "OK"
    assert len(r.headers["x-request-id"]) == 26
    assert r.headers["x-version-id"].startswith("11.9.0.")


def test_ping_with_server_status_reports_database(anon: Api) -> None:
    body = expect(anon.get("/system/ping", params={"get_server_status": "true"}), 200)
    assert body["database_status"] == "OK"


def test_client_config_old_format_is_flat_strings(anon: Api) -> None:
    config = expect(anon.get("/config/client", params={"format": "old"}), 200)
    assert config["Version"] == "11.9.0"
    assert all(isinstance(v, str) for v in config.values())
    assert config["MaxPostSize"] == "16383"
    r = anon.get("/config/client", params={"format": "new"})
    assert r.status_code == 501


def test_license_client(anon: Api) -> None:
    assert expect(anon.get("/license/client", params={"format": "old"}), 200) == {
        "IsLicensed": "false"
    }


def test_unknown_route_gets_mattermost_404(anon: Api) -> None:
    body = expect(anon.get("/no/such/route"), 404)
    assert set(body) >= {"id", "message", "request_id", "status_code", "detailed_error"}
    assert body["status_code"] == 404


def test_wrong_method_gets_405(anon: Api) -> None:
    body = expect(anon.delete("/system/ping"), 405)
    assert body["id"] == "api.context.405.app_error"


def test_double_slash_paths_are_cleaned(server: str, admin: LoggedIn) -> None:
    r = httpx.get(f"{server}/api/v4//users//me", headers={"Authorization": f"Bearer {admin.token}"})
    assert r.status_code == 200
    assert r.json()["id"] == admin.id


def test_oversized_body_is_413(server: str, admin: LoggedIn) -> None:
    big = b"x" * (11 * 1024 * 1024)
    r = admin.api.http.post("/users/ids", content=big, headers={"Content-Type": "application/json"})
    assert r.status_code == 413
    assert r.json()["status_code"] == 413


def test_oversized_chunked_body_is_413(server: str, admin: LoggedIn) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(11):
            yield b"x" * (1024 * 1024)

    r = admin.api.http.post("/users/ids", content=chunks())
    assert r.status_code == 413


def test_invalid_json_body_is_400(admin: LoggedIn) -> None:
    r = admin.api.http.post(
        "/users/ids", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    body = expect(r, 400)
    assert body["id"] == "api.context.invalid_body_param.app_error"
