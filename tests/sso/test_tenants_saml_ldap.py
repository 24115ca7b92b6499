"""A tenant's own LDAP directory and SAML identity provider, set through the operator
API: its people sign in on its own site only, through its settings; other tenants keep
theirs (the deployment's directory is the default tenant's)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.sso.conftest import BIND_DN, BIND_PASSWORD, ldap_env
from tests.sso.saml_idp import (
    IdentityProvider,
    identity_provider,
    idp_answer,
    key_pair,
    saml_sign_in,
)
from tests.sso.slapd import BASE_DN, PEOPLE, Slapd, slapd
from tests.sso.test_tenants import BASE_DOMAIN, Loopback
from tests.support.client import Api, create_user, expect, unique
from tests.support.databases import database
from tests.support.server import admin_url, running_server

OPERATOR_TOKEN = "operator-" + "d" * 40
INVALID = "api.sso.provider_settings.invalid.app_error"
MASK = "********"


@dataclass
class Deployment:
    base: str
    port: int
    directory: Slapd
    data_dir: Path

    def operator(self) -> httpx.Client:
        return httpx.Client(
            base_url=f"{admin_url(self.base)}/operator/v1",
            headers={"Authorization": f"Bearer {OPERATOR_TOKEN}"},
            timeout=15,
        )

    def host(self, tenant: dict[str, Any]) -> str:
        return f"{tenant['name']}.{BASE_DOMAIN}:{self.port}"

    def site(self, tenant: dict[str, Any]) -> str:
        return f"http://{self.host(tenant)}"

    def new_tenant(self) -> dict[str, Any]:
        name = unique("d").replace("_", "-").lower()[:40]
        body = {"name": name, "open_signup": True}
        with self.operator() as op:
            created: dict[str, Any] = expect(op.post("/tenants", json=body), 201)
        return created


@pytest.fixture(scope="module")
def deployment(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    """Tenants on one server; the deployment's LDAP (the default tenant's) admits the
    slapd's ``employeeType=chat`` people."""
    data_dir: Path = tmp_path_factory.mktemp(f"roost-sso-dirs-{backend}")
    with slapd(data_dir) as directory, database(backend, data_dir) as url:
        env = {
            **ldap_env(directory, "TLS"),
            "ROOST_TENANT_BASE_DOMAIN": BASE_DOMAIN,
            "ROOST_OPERATOR_TOKEN": OPERATOR_TOKEN,
            "ROOST_TENANT_REFRESH_SECONDS": "1",
        }
        with running_server(url, data_dir, env) as base:
            yield Deployment(base, int(base.rsplit(":", 1)[1]), directory, data_dir)


def _login(api: Api, login_id: str, password: str) -> httpx.Response:
    return api.post("/users/login", {"login_id": login_id, "password": password})


def _acme_directory(directory: Slapd) -> dict[str, Any]:
    """Tenant ACME's directory: the same slapd, its own people (``employeeType=acme``),
    over plain LDAP, with its own login field and attribute mapping."""
    return {
        "Enable": True,
        "EnableSync": True,
        "LdapServer": "127.0.0.1",
        "LdapPort": directory.ldap_port,
        "ConnectionSecurity": "",
        "BaseDN": PEOPLE,
        "BindUsername": BIND_DN,
        "BindPassword": BIND_PASSWORD,
        "UserFilter": "(employeeType=acme)",
        "IdAttribute": "uid",
        "LoginIdAttribute": "uid",
        "UsernameAttribute": "uid",
        "EmailAttribute": "mail",
        "FirstNameAttribute": "givenName",
        "PositionAttribute": "title",
        "LoginFieldName": "ACME login",
        "SyncIntervalMinutes": 30,
    }


def test_a_tenant_signs_in_through_its_own_directory(deployment: Deployment) -> None:
    people = deployment.directory
    tag = unique("").lower()[:6]
    acme_person, corp_person, leaver = f"acme{tag}", f"corp{tag}", f"leaver{tag}"
    people.add_person(acme_person, "acme-pw-1", employeeType="acme", givenName="Ada", title="CTO")
    people.add_person(leaver, "leaver-pw-1", employeeType="acme")
    people.add_person(corp_person, "corp-pw-1", employeeType="chat")
    acme, other = deployment.new_tenant(), deployment.new_tenant()
    path = f"/tenants/{acme['id']}/sso/ldap"
    settings = _acme_directory(people)
    with deployment.operator() as op:
        saved = expect(op.put(path, json=settings), 200)
        assert saved["BindPassword"] == MASK and saved["BaseDN"] == PEOPLE
        assert saved["LdapPort"] == people.ldap_port
        # The masked password sent back keeps the stored one (the sign-ins below).
        expect(op.put(path, json={**settings, "BindPassword": MASK}), 200)
        shown = op.get(path)
        assert shown.status_code == 200 and BIND_PASSWORD not in shown.text

    admin = create_user(deployment.base, host=deployment.host(acme), username="acmeadmin")
    on_acme = Api(deployment.base, host=deployment.host(acme))
    config = expect(on_acme.get("/config/client?format=old"), 200)
    assert (config["EnableLdap"], config["LdapLoginFieldName"]) == ("true", "ACME login")
    assert config["LdapFirstNameAttributeSet"] == "true"
    assert config["LdapNicknameAttributeSet"] == "false"  # not mapped by ACME
    assert BIND_PASSWORD not in str(config)

    signed_in = expect(_login(on_acme, acme_person, "acme-pw-1"), 200)
    assert (signed_in["username"], signed_in["auth_service"]) == (acme_person, "ldap")
    assert (signed_in["first_name"], signed_in["position"]) == ("Ada", "CTO")
    assert expect(_login(on_acme, leaver, "leaver-pw-1"), 200)["auth_service"] == "ldap"
    # The default tenant's people are not ACME's, whatever their password.
    assert _login(on_acme, corp_person, "corp-pw-1").status_code == 401

    # Another tenant has no directory: no LDAP field, nobody of ACME's signs in.
    on_other = Api(deployment.base, host=deployment.host(other))
    assert expect(on_other.get("/config/client?format=old"), 200)["EnableLdap"] == "false"
    assert _login(on_other, acme_person, "acme-pw-1").status_code == 401
    # The default tenant uses the deployment's directory: its people, not ACME's.
    on_default = Api(deployment.base, host=f"{BASE_DOMAIN}:{deployment.port}")
    assert expect(_login(on_default, corp_person, "corp-pw-1"), 200)["auth_service"] == "ldap"
    assert _login(on_default, acme_person, "acme-pw-1").status_code == 401

    # The tenant's admin tests and syncs the tenant's directory.
    assert expect(admin.api.post("/ldap/test"), 200)["status"] == "OK"
    people.change(acme_person, title="CEO")
    people.change(leaver, employeeType="contractor")
    synced = expect(admin.api.post("/ldap/sync"), 200)
    assert (synced["checked"], synced["updated"], synced["deactivated"]) == (2, 1, 1)
    assert _login(on_acme, leaver, "leaver-pw-1").status_code == 401
    again = expect(_login(on_acme, acme_person, "acme-pw-1"), 200)
    assert again["position"] == "CEO"
    # The default tenant's LDAP user was not touched by ACME's sync.
    assert expect(_login(on_default, corp_person, "corp-pw-1"), 200)["delete_at"] == 0

    # A wrong bind password is the tenant's problem only: the test says so.
    with deployment.operator() as op:
        expect(op.put(path, json={**settings, "BindPassword": "wrong"}), 200)
    refused = admin.api.post("/ldap/test")
    assert refused.status_code == 500
    assert refused.json()["id"] == "ent.ldap.do_login.bind_admin_user.app_error"

    # Removed: the tenant has no directory again.
    with deployment.operator() as op:
        expect(op.delete(path), 200)
        assert op.get(path).status_code == 404
    # ACME's LDAP users now have no way in.
    assert _login(on_acme, acme_person, "acme-pw-1").status_code == 401
    assert expect(on_acme.get("/config/client?format=old"), 200)["EnableLdap"] == "false"
    assert admin.api.post("/ldap/sync").status_code == 501
    for api in (on_acme, on_other, on_default):
        api.close()


@pytest.fixture(scope="module")
def idp(deployment: Deployment) -> Iterator[IdentityProvider]:
    directory = deployment.data_dir / "tenant-idp"
    directory.mkdir()
    with identity_provider(directory) as running:
        yield running


def test_a_tenant_signs_in_through_its_own_identity_provider(
    deployment: Deployment, idp: IdentityProvider
) -> None:
    acme, other = deployment.new_tenant(), deployment.new_tenant()
    sp_key, sp_cert = key_pair(idp.directory, "sp")  # the IdP encrypts to this one
    private_key = Path(sp_key).read_text()
    path = f"/tenants/{acme['id']}/sso/saml"
    settings = {
        "Enable": True,
        "IdpURL": idp.sso_url,
        "IdpDescriptorURL": idp.entity_id,
        "IdpCertificate": Path(idp.cert_file).read_text(),
        "Encrypt": True,
        "PrivateKey": private_key,
        "PublicCertificate": Path(sp_cert).read_text(),
        "IdAttribute": "uid",
        "FirstNameAttribute": "givenName",
        "LastNameAttribute": "sn",
        "LoginButtonText": "ACME SSO",
    }
    with deployment.operator() as op:
        saved = expect(op.put(path, json=settings), 200)
        assert saved["PrivateKey"] == MASK and saved["EmailAttribute"] == "email"
        expect(op.put(path, json={**settings, "PrivateKey": MASK}), 200)
        shown = op.get(path).text
        assert "PRIVATE KEY" not in shown and "BEGIN CERTIFICATE" in shown

    site = deployment.site(acme)
    with httpx.Client(base_url=site, transport=Loopback(), timeout=15) as browser:
        metadata = browser.get("/api/v4/saml/metadata")
        assert metadata.status_code == 200, metadata.text
        assert f'entityID="{site}/login/sso/saml"' in metadata.text
        assert f'Location="{site}/login/sso/saml"' in metadata.text
        idp.trust(metadata.text)
        config = browser.get("/api/v4/config/client?format=old").json()
        assert (config["EnableSaml"], config["SamlLoginButtonText"]) == ("true", "ACME SSO")

        idp.mode = "normal"
        answer, _ = saml_sign_in(browser, "/login/sso/saml?redirect_to=/town", "sam")
        assert answer.status_code == 302, answer.text
        assert answer.headers["location"].endswith("/town")
        token = answer.cookies["MMAUTHTOKEN"]
        me = expect(
            browser.get("/api/v4/users/me", headers={"Authorization": f"Bearer {token}"}), 200
        )
        assert (me["username"], me["auth_service"], me["first_name"]) == ("sam", "saml", "Sam")

        idp.mode = "encrypted"
        answer, fields = saml_sign_in(browser, "/login/sso/saml", "tess")
        assert answer.status_code == 302, answer.text
        idp.mode = "wrong_key"
        answer, _ = saml_sign_in(browser, "/login/sso/saml", "uma")
        assert answer.status_code == 400
        assert answer.json()["id"] == "ent.saml.do_login.validate.app_error"
        idp.mode = "normal"

        # An answer to ACME's request, posted to another tenant, signs nobody in there.
        acs, fields = idp_answer(browser, "/login/sso/saml", "vic")
        assert acs == f"{site}/login/sso/saml"
    with httpx.Client(
        base_url=deployment.site(other), transport=Loopback(), timeout=15
    ) as elsewhere:
        stolen = elsewhere.post("/login/sso/saml", data=fields)
        assert stolen.status_code == 501 and "MMAUTHTOKEN" not in stolen.cookies
        assert elsewhere.get("/api/v4/saml/metadata").status_code == 501
        config = elsewhere.get("/api/v4/config/client?format=old").json()
        assert (config["EnableSaml"], config["SamlLoginButtonText"]) == ("false", "")
    # Nor on the default tenant (the deployment has no SAML).
    default_site = f"http://{BASE_DOMAIN}:{deployment.port}"
    with httpx.Client(base_url=default_site, transport=Loopback(), timeout=15) as browser:
        assert browser.get("/api/v4/saml/metadata").status_code == 501

    with deployment.operator() as op:
        expect(op.delete(path), 200)
    with httpx.Client(base_url=site, transport=Loopback(), timeout=15) as browser:
        assert browser.get("/login/sso/saml").status_code == 501


CERT_LIKE = "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n"


@pytest.mark.parametrize(
    ("service", "body"),
    [
        ("saml", {"Enable": "yes"}),
        ("saml", {"Unknown": "x"}),
        ("saml", {"AssertionConsumerServiceURL": "https://elsewhere.example/acs"}),
        ("saml", {"IdpCertificate": "not a certificate"}),
        ("saml", {"IdpCertificate": CERT_LIKE}),
        ("saml", {"PrivateKey": "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----"}),
        ("saml", {"IdpURL": "file:///etc/passwd"}),
        ("saml", {"LoginButtonText": "x" * 65}),
        ("saml", {"Enable": True, "IdpURL": "https://idp.example/sso"}),
        ("saml", {"Encrypt": True, "Enable": True, "IdpURL": "https://i.example/sso"}),
        ("ldap", {"LdapPort": "389"}),
        ("ldap", {"LdapPort": 70000}),
        ("ldap", {"LdapPort": True}),
        ("ldap", {"ConnectionSecurity": "SSL"}),
        ("ldap", {"BindPassword": 5}),
        ("ldap", {"TrustedCAFile": "/etc/ssl/private/key.pem"}),
        ("ldap", {"Enable": True, "LdapServer": "ldap.example"}),
        ("ldap", {"SyncIntervalMinutes": 0}),
    ],
)
def test_bad_directory_settings_are_refused(
    deployment: Deployment, service: str, body: dict[str, Any]
) -> None:
    tenant = deployment.new_tenant()
    with deployment.operator() as op:
        answer = op.put(f"/tenants/{tenant['id']}/sso/{service}", json=body)
        assert answer.status_code == 400, answer.text
        assert answer.json()["id"] == INVALID
        assert op.get(f"/tenants/{tenant['id']}/sso/{service}").status_code == 404


def test_the_deployment_directory_is_not_a_tenants(deployment: Deployment) -> None:
    """A tenant's own directory starts blank: nothing of the deployment's (its server,
    bind DN, password or base) shows through."""
    tenant = deployment.new_tenant()
    with deployment.operator() as op:
        shown = expect(op.put(f"/tenants/{tenant['id']}/sso/ldap", json={"Enable": False}), 200)
    assert (shown["LdapServer"], shown["BindUsername"], shown["BindPassword"]) == ("", "", "")
    assert shown["BaseDN"] == "" and BASE_DN not in str(shown)
    assert shown["IdAttribute"] == "uid"  # the field's own default


def test_the_periodic_sync_visits_a_tenants_own_directory(deployment: Deployment) -> None:
    """Every node syncs each tenant's own directory on its own interval (one minute here:
    the sync comes within about two)."""
    people = deployment.directory
    tag = unique("").lower()[:6]
    person = f"tick{tag}"
    people.add_person(person, "tick-pw-1", employeeType=f"tick{tag}", title="Intern")
    tenant = deployment.new_tenant()
    settings = {
        **_acme_directory(people),
        "UserFilter": f"(employeeType=tick{tag})",
        "SyncIntervalMinutes": 1,
    }
    with deployment.operator() as op:
        expect(op.put(f"/tenants/{tenant['id']}/sso/ldap", json=settings), 200)
    admin = create_user(deployment.base, host=deployment.host(tenant), username="tickadmin")
    on_tenant = Api(deployment.base, host=deployment.host(tenant))
    user = expect(_login(on_tenant, person, "tick-pw-1"), 200)
    assert user["position"] == "Intern"
    people.change(person, title="Manager")
    deadline = time.monotonic() + 150
    position = "Intern"
    while time.monotonic() < deadline and position != "Manager":
        time.sleep(2)
        position = expect(admin.api.get(f"/users/{user['id']}"), 200)["position"]
    assert position == "Manager"
    on_tenant.close()
