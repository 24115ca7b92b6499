"""The configuration API (issue 24): Mattermost's ``/config`` over Roost's settings, on a
server of this module's own (changes here must not leak into other tests' servers)."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support.client import Api, LoggedIn, create_user, expect, unique
from tests.support.databases import database
from tests.support.server import admin_url, running_server
from tests.support.ws import WsClient

SALT = "s" * 40
OPERATOR_TOKEN = "o" * 40


@dataclass
class Site:
    base: str
    admin: LoggedIn
    member: LoggedIn

    def operator(self) -> httpx.Client:
        return httpx.Client(
            base_url=f"{admin_url(self.base)}/operator/v1",
            headers={"Authorization": f"Bearer {OPERATOR_TOKEN}"},
            timeout=30,
        )


@pytest.fixture(scope="module")
def site(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    data_dir: Path = tmp_path_factory.mktemp(f"roost-config-{backend}")
    env = {
        "ROOST_ENABLE_PUBLIC_LINK": "true",
        "ROOST_PUBLIC_LINK_SALT": SALT,
        "ROOST_OPERATOR_TOKEN": OPERATOR_TOKEN,
    }
    with database(backend, data_dir) as url, running_server(url, data_dir, env) as base:
        admin = create_user(base, username="admin0")
        member = create_user(base)
        yield Site(base, admin, member)


def patch(user: LoggedIn, doc: dict[str, Any]) -> httpx.Response:
    return user.api.put("/config/patch", doc)


def test_the_config_in_mattermost_shape_with_secrets_masked(site: Site) -> None:
    response = site.admin.api.get("/config")
    config = expect(response, 200)
    assert response.headers["ETag"]
    assert config["TeamSettings"]["SiteName"] == "Roost"
    assert config["ServiceSettings"]["SiteURL"] == site.base
    assert config["PasswordSettings"]["MinimumLength"] == 8
    assert config["FileSettings"]["EnablePublicLink"] is True
    # Secrets: masked, and never anywhere in the answer.
    assert config["FileSettings"]["PublicLinkSalt"] == "********"
    assert config["SqlSettings"]["DataSource"] == "********"
    assert SALT not in response.text
    assert "postgresql://" not in response.text and "sqlite:" not in response.text


def test_non_admins_are_refused(site: Site) -> None:
    member = site.member.api
    refused = [
        member.get("/config"),
        member.put("/config", {"TeamSettings": {"SiteName": "Mine"}}),
        member.put("/config/patch", {"TeamSettings": {"SiteName": "Mine"}}),
        member.post("/config/reload"),
        member.get("/config/environment"),
    ]
    for r in refused:
        assert expect(r, 403)["id"] == "api.context.permissions.app_error"
    assert expect(Api(site.base).get("/config"), 401)
    assert expect(site.admin.api.get("/config"), 200)["TeamSettings"]["SiteName"] != "Mine"


def test_a_patch_applies_at_once_and_clients_hear_of_it(site: Site) -> None:
    name = unique("Site")[:20]
    with WsClient(site.base, site.member.token) as ws:
        ws.wait_for("hello")
        changed = expect(patch(site.admin, {"TeamSettings": {"SiteName": name}}), 200)
        assert changed["TeamSettings"]["SiteName"] == name
        event = ws.wait_for("config_changed")
        assert event["data"]["config"]["SiteName"] == name
    client = expect(Api(site.base).get("/config/client?format=old"), 200)
    assert client["SiteName"] == name
    assert expect(site.admin.api.get("/config"), 200)["TeamSettings"]["SiteName"] == name


def test_changed_rules_are_enforced_without_a_restart(site: Site) -> None:
    admin = site.admin
    try:
        expect(patch(admin, {"PasswordSettings": {"MinimumLength": 12, "Number": True}}), 200)
        weak = {"username": unique("u"), "email": f"{unique('u')}@example.com"}
        short = admin.api.post("/users", {**weak, "password": "abcdefgh1"})
        assert expect(short, 400)["id"].startswith("model.user.is_valid.pwd")
        no_digit = admin.api.post("/users", {**weak, "password": "abcdefghijklmn"})
        assert expect(no_digit, 400)["id"].startswith("model.user.is_valid.pwd")
        expect(admin.api.post("/users", {**weak, "password": "abcdefghijk12"}), 201)
        client = expect(Api(site.base).get("/config/client?format=old"), 200)
        assert client["PasswordMinimumLength"] == "12"
        assert client["PasswordRequireNumber"] == "true"

        expect(patch(admin, {"ServiceSettings": {"MaxPostSize": 20}}), 200)
        team = expect(
            admin.api.post("/teams", {"name": unique("t"), "display_name": "T", "type": "O"}),
            201,
        )
        channels = expect(admin.api.get(f"/teams/{team['id']}/channels"), 200)
        channel_id = channels[0]["id"]
        long = admin.api.post("/posts", {"channel_id": channel_id, "message": "x" * 21})
        assert expect(long, 400)["id"] == "model.post.is_valid.message_length.app_error"
        expect(admin.api.post("/posts", {"channel_id": channel_id, "message": "x" * 20}), 201)
    finally:
        restore = {
            "PasswordSettings": {"MinimumLength": 8, "Number": False},
            "ServiceSettings": {"MaxPostSize": 16383},
        }
        expect(patch(admin, restore), 200)


@pytest.mark.parametrize(
    ("doc", "status", "error_id"),
    [
        ({"PasswordSettings": {"MinimumLength": "long"}}, 400, "password_length"),
        ({"PasswordSettings": {"MinimumLength": 3}}, 400, "password_length"),
        ({"PasswordSettings": {"Lowercase": "yes"}}, 400, "lowercase"),
        ({"TeamSettings": {"SiteName": "x" * 31}}, 400, "sitename_length"),
        ({"ServiceSettings": {"SiteURL": "not a url"}}, 400, "site_url"),
        ({"ServiceSettings": {"SiteURL": "ftp://example.com"}}, 400, "site_url"),
        ({"ServiceSettings": {"NoSuchSetting": 1}}, 400, "unknown_setting"),
        ({"NoSuchSettings": {"X": 1}}, 400, "unknown_setting"),
        ({"TeamSettings": 7}, 400, "invalid"),
        # Deployment-wide: the operator's.
        ({"FileSettings": {"MaxFileSize": 1024}}, 403, "deployment_wide"),
        # Set by the environment (ROOST_LOG_LEVEL).
        ({"LogSettings": {"ConsoleLevel": "debug"}}, 400, "environment"),
    ],
)
def test_bad_changes_are_refused_and_nothing_is_half_applied(
    site: Site, doc: dict[str, Any], status: int, error_id: str
) -> None:
    before = expect(site.admin.api.get("/config"), 200)
    # A good change before the bad one: neither is applied.
    service = doc.get("ServiceSettings", {})
    mixed = {"ServiceSettings": {"EnableCommands": False, **service}}
    mixed.update({k: v for k, v in doc.items() if k != "ServiceSettings"})
    refused = expect(patch(site.admin, mixed), status)
    assert error_id in refused["id"]
    assert refused["status_code"] == status
    assert expect(site.admin.api.get("/config"), 200) == before


def test_the_environment_wins_and_says_so(site: Site) -> None:
    env = expect(site.admin.api.get("/config/environment"), 200)
    assert env["ServiceSettings"]["SiteURL"] is True
    assert env["LogSettings"]["ConsoleLevel"] is True
    assert env["FileSettings"]["PublicLinkSalt"] is True
    assert "SiteName" not in env.get("TeamSettings", {})
    # The whole document sent back unchanged (as mmctl does) is accepted.
    whole = expect(site.admin.api.get("/config"), 200)
    expect(site.admin.api.put("/config", whole), 200)


def test_concurrent_patches_keep_each_others_keys(site: Site) -> None:
    keys = [
        ("ServiceSettings", "EnablePostUsernameOverride", True),
        ("ServiceSettings", "EnablePostIconOverride", True),
        ("TeamSettings", "EnableUserDeactivation", True),
        ("PasswordSettings", "Lowercase", True),
        ("PasswordSettings", "Uppercase", True),
        ("PasswordSettings", "Symbol", True),
        ("ServiceSettings", "SessionIdleTimeoutInMinutes", 600),
        ("ServiceSettings", "SessionLengthMobileInHours", 100),
    ]

    def one(key: tuple[str, str, Any]) -> int:
        api = Api(site.base, site.admin.token)
        try:
            return api.put("/config/patch", {key[0]: {key[1]: key[2]}}).status_code
        finally:
            api.close()

    try:
        with ThreadPoolExecutor(len(keys)) as pool:
            assert list(pool.map(one, keys)) == [200] * len(keys)
        config = expect(site.admin.api.get("/config"), 200)
        for group, name, value in keys:
            assert config[group][name] == value, (group, name)
    finally:
        restore: dict[str, dict[str, Any]] = {}
        defaults = {"SessionIdleTimeoutInMinutes": 43200, "SessionLengthMobileInHours": 720}
        for group, name, _ in keys:
            restore.setdefault(group, {})[name] = defaults.get(name, False)
        expect(patch(site.admin, restore), 200)


def test_a_whole_put_from_a_stale_read_is_refused(site: Site) -> None:
    read = site.admin.api.get("/config")
    etag = read.headers["ETag"]
    config = expect(read, 200)
    expect(patch(site.admin, {"ServiceSettings": {"EnableCommands": False}}), 200)
    try:
        config["TeamSettings"]["EnableUserDeactivation"] = True
        stale = site.admin.api.put("/config", config, headers={"If-Match": etag})
        assert expect(stale, 409)["id"] == "api.config.update_config.conflict.app_error"
        fresh = site.admin.api.get("/config")
        config = expect(fresh, 200)
        config["TeamSettings"]["EnableUserDeactivation"] = True
        ok = site.admin.api.put("/config", config, headers={"If-Match": fresh.headers["ETag"]})
        assert expect(ok, 200)["TeamSettings"]["EnableUserDeactivation"] is True
        assert expect(ok, 200)["ServiceSettings"]["EnableCommands"] is False
    finally:
        restore = {
            "ServiceSettings": {"EnableCommands": True},
            "TeamSettings": {"EnableUserDeactivation": False},
        }
        expect(patch(site.admin, restore), 200)


def test_reload_reads_the_stored_configuration(site: Site) -> None:
    before = expect(site.admin.api.get("/config"), 200)
    assert expect(site.admin.api.post("/config/reload"), 200)["status"] == "OK"
    assert expect(site.admin.api.get("/config"), 200) == before


def test_the_operator_changes_the_deployments_part(site: Site) -> None:
    with site.operator() as op:
        got = expect(op.get("/config"), 200)
        assert got["config"]["FileSettings"]["PublicLinkSalt"] == "********"
        assert SALT not in op.get("/config").text
        assert expect(op.put("/config/patch", json={"ServiceSettings": {"SiteURL": "x"}}), 400)[
            "id"
        ] == ("model.config.is_valid.site_url.app_error")
        env_set = op.put("/config/patch", json={"FileSettings": {"PublicLinkSalt": "t" * 40}})
        assert expect(env_set, 400)["id"] == "api.config.update_config.environment.app_error"
        # The masked secret sent back is "unchanged", not a new salt.
        masked = {"FileSettings": {"PublicLinkSalt": "********", "MaxFileSize": 2048}}
        changed = expect(op.put("/config/patch", json=masked), 200)
        assert changed["restart_required"] == ["FileSettings.MaxFileSize"]
        assert changed["config"]["FileSettings"]["MaxFileSize"] == 2048
        # Tenant-scoped settings: the deployment's value is every tenant's default.
        default = expect(op.put("/config/patch", json={"PasswordSettings": {"Symbol": True}}), 200)
        assert default["restart_required"] == []
        try:
            client = expect(Api(site.base).get("/config/client?format=old"), 200)
            assert client["PasswordRequireSymbol"] == "true"
            # The tenant's own choice wins over the deployment's default.
            expect(patch(site.admin, {"PasswordSettings": {"Symbol": False}}), 200)
            client = expect(Api(site.base).get("/config/client?format=old"), 200)
            assert client["PasswordRequireSymbol"] == "false"
        finally:
            expect(op.put("/config/patch", json={"PasswordSettings": {"Symbol": False}}), 200)
            expect(op.put("/config/patch", json={"FileSettings": {"MaxFileSize": 104857600}}), 200)
        assert expect(op.put("/config/patch", json=[1]), 400)
    # Without the operator's token: refused.
    no_token = httpx.get(f"{admin_url(site.base)}/operator/v1/config", timeout=10)
    assert no_token.status_code == 401
    # Not on the public listener.
    assert httpx.get(f"{site.base}/operator/v1/config", timeout=10).status_code == 404
