"""Each organisation its own identity provider: a tenant's provider set through the
operator API, its users signed in on its own site, other tenants unaffected."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.sso.oidc_provider import OidcProvider, sign_in
from tests.support.client import expect, unique
from tests.support.databases import database
from tests.support.server import admin_url, running_server

BASE_DOMAIN = "sso.test"
OPERATOR_TOKEN = "operator-" + "t" * 40
SECRET = "tenant-client-secret"


class Loopback(httpx.HTTPTransport):
    """Sends the tenants' made-up host names to the server on 127.0.0.1 (the Host
    header and the cookies stay the tenant's)."""

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if not request.url.host.endswith(BASE_DOMAIN):
            return super().handle_request(request)
        # A copy goes out: the client keeps the original's URL for its cookies.
        sent = httpx.Request(
            request.method,
            request.url.copy_with(host="127.0.0.1"),
            headers=request.headers,
            stream=request.stream,
            extensions=request.extensions,
        )
        return super().handle_request(sent)


@dataclass
class Deployment:
    base: str
    port: int

    def operator(self) -> httpx.Client:
        return httpx.Client(
            base_url=f"{admin_url(self.base)}/operator/v1",
            headers={"Authorization": f"Bearer {OPERATOR_TOKEN}"},
            timeout=15,
        )

    def site(self, tenant: dict[str, Any]) -> str:
        return f"http://{tenant['name']}.{BASE_DOMAIN}:{self.port}"

    def new_tenant(self) -> dict[str, Any]:
        name = unique("t").replace("_", "-").lower()[:40]
        with self.operator() as op:
            created: dict[str, Any] = expect(op.post("/tenants", json={"name": name}), 201)
        return created


@pytest.fixture(scope="module")
def deployment(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    data_dir: Path = tmp_path_factory.mktemp(f"roost-sso-tenants-{backend}")
    env = {
        "ROOST_TENANT_BASE_DOMAIN": BASE_DOMAIN,
        "ROOST_OPERATOR_TOKEN": OPERATOR_TOKEN,
        "ROOST_TENANT_REFRESH_SECONDS": "1",
    }
    with database(backend, data_dir) as url, running_server(url, data_dir, env) as base:
        yield Deployment(base, int(base.rsplit(":", 1)[1]))


def _browser(site: str) -> httpx.Client:
    return httpx.Client(base_url=site, transport=Loopback(), timeout=15)


def test_a_tenant_signs_in_through_its_own_provider(
    deployment: Deployment, provider: OidcProvider, backend: str
) -> None:
    acme, other = deployment.new_tenant(), deployment.new_tenant()
    client_id = f"acme-{backend}-{acme['id']}"
    site = deployment.site(acme)
    provider.register(client_id, SECRET, [f"{site}/signup/openid/complete"])
    settings = {
        "Enable": True,
        "Id": client_id,
        "Secret": SECRET,
        "DiscoveryEndpoint": provider.discovery,
        "ButtonText": "ACME login",
    }
    path = f"/tenants/{acme['id']}/sso/openid"
    with deployment.operator() as op:
        saved = expect(op.put(path, json=settings), 200)
        assert saved["Secret"] == "********" and saved["Id"] == client_id
        # The masked secret sent back keeps the stored one.
        expect(op.put(path, json={**settings, "Secret": "********"}), 200)
        assert SECRET not in op.get(path).text

    with _browser(site) as browser:
        config = browser.get("/api/v4/config/client?format=old").json()
        assert config["EnableSignUpWithOpenId"] == "true"
        assert config["OpenIdButtonText"] == "ACME login"
        page = sign_in(browser, "/oauth/openid/login", "alice")
        token = browser.cookies.get("MMAUTHTOKEN")
        assert token, f"{page.status_code} {page.text[:300]}"
        me = expect(
            browser.get("/api/v4/users/me", headers={"Authorization": f"Bearer {token}"}), 200
        )
    assert (me["username"], me["auth_service"]) == ("alice", "openid")

    # Another tenant has no provider (the deployment sets none): no button, no sign-in,
    # and the token means nothing there.
    with _browser(deployment.site(other)) as browser:
        config = browser.get("/api/v4/config/client?format=old").json()
        assert config["EnableSignUpWithOpenId"] == "false"
        refused = browser.get("/oauth/openid/login")
        assert refused.status_code == 501
        assert refused.json()["id"] == "api.user.authorize_oauth_user.unsupported.app_error"
        stranger = browser.get("/api/v4/users/me", headers={"Authorization": f"Bearer {token}"})
        assert stranger.status_code == 401

    # Removed: the tenant is back to the defaults (none here).
    with deployment.operator() as op:
        expect(op.delete(path), 200)
        assert op.get(path).status_code == 404
    with _browser(site) as browser:
        assert browser.get("/oauth/openid/login").status_code == 501


@pytest.mark.parametrize(
    "body",
    [
        {"Enable": "yes"},
        {"Secret": 7},
        {"Unknown": "x"},
        {"DiscoveryEndpoint": "file:///etc/passwd"},
        {"ButtonColor": "red; x"},
        {"Id": "x" * 600},
    ],
)
def test_bad_provider_settings_are_refused(deployment: Deployment, body: dict[str, Any]) -> None:
    tenant = deployment.new_tenant()
    with deployment.operator() as op:
        answer = op.put(f"/tenants/{tenant['id']}/sso/openid", json=body)
        assert answer.status_code == 400
        assert answer.json()["id"] == "api.sso.provider_settings.invalid.app_error"
        assert op.get(f"/tenants/{tenant['id']}/sso/openid").status_code == 404


def test_the_operator_api_needs_the_operator(deployment: Deployment) -> None:
    tenant = deployment.new_tenant()
    answer = httpx.put(
        f"{admin_url(deployment.base)}/operator/v1/tenants/{tenant['id']}/sso/openid",
        json={"Enable": True},
        headers={"Authorization": "Bearer wrong"},
        timeout=10,
    )
    assert answer.status_code == 401
