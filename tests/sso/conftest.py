"""A real OpenID Connect provider and a Roost server that signs people in through it
(one of each per backend), shared by the single sign-on tests."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.sso.oidc_provider import OidcProvider, oidc_provider
from tests.sso.saml_idp import IdentityProvider, identity_provider, key_pair
from tests.sso.slapd import BASE_DN, Slapd, slapd
from tests.support.client import LoggedIn, create_user
from tests.support.databases import database
from tests.support.server import admin_url, free_port, running_server

OPERATOR_TOKEN = "operator-" + "s" * 40
BASE_DOMAIN = "sso.test"
SECRET = "roost-client-secret-not-for-logs"
# Every OAuth service Roost runs against the one provider (its presets' discovery
# addresses overridden), each a client of its own.
SERVICES = ("openid", "gitlab", "google")


@dataclass
class SsoDeployment:
    base: str
    provider: OidcProvider
    data_dir: Path
    admin: LoggedIn  # the first account (a password one): the system admin

    def operator(self) -> httpx.Client:
        return httpx.Client(
            base_url=f"{admin_url(self.base)}/operator/v1",
            headers={"Authorization": f"Bearer {OPERATOR_TOKEN}"},
            timeout=15,
        )


@pytest.fixture(scope="session")
def provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OidcProvider]:
    with oidc_provider(tmp_path_factory.mktemp("oidc")) as running:
        yield running


def sso_env(provider: OidcProvider, tag: str) -> dict[str, str]:
    dead = f"http://127.0.0.1:{free_port()}/.well-known/openid-configuration"
    return {
        "ROOST_OPENID_ENABLE": "true",
        "ROOST_OPENID_ID": f"roost-openid-{tag}",
        "ROOST_OPENID_SECRET": SECRET,
        "ROOST_OPENID_DISCOVERY_ENDPOINT": provider.discovery,
        "ROOST_OPENID_BUTTON_TEXT": "Company login",
        "ROOST_OPENID_BUTTON_COLOR": "#145DBF",
        # GitLab speaking OpenID Connect: the discovery document is found at its site.
        "ROOST_GITLAB_ENABLE": "true",
        "ROOST_GITLAB_ID": f"roost-gitlab-{tag}",
        "ROOST_GITLAB_SECRET": SECRET,
        "ROOST_GITLAB_SCOPE": "openid profile email",
        "ROOST_GITLAB_AUTH_ENDPOINT": f"{provider.issuer}/auth",
        "ROOST_GITLAB_BUTTON_TEXT": "GitLab",
        # Google's preset, pointed here instead of Google.
        "ROOST_GOOGLE_ENABLE": "true",
        "ROOST_GOOGLE_ID": f"roost-google-{tag}",
        "ROOST_GOOGLE_SECRET": SECRET,
        "ROOST_GOOGLE_DISCOVERY_ENDPOINT": provider.discovery,
        # An Office 365 whose provider is down (nothing listens there).
        "ROOST_OFFICE365_ENABLE": "true",
        "ROOST_OFFICE365_ID": "roost-o365",
        "ROOST_OFFICE365_SECRET": SECRET,
        "ROOST_OFFICE365_DISCOVERY_ENDPOINT": dead,
        "ROOST_SSO_PROVIDER_TIMEOUT_SECONDS": "3",
        "ROOST_OPERATOR_TOKEN": OPERATOR_TOKEN,
        "ROOST_LOG_LEVEL": "info",
    }


# One per backend for the OpenID test files (each uses its own people), not one each.
@pytest.fixture(scope="package")
def sso(
    backend: str, provider: OidcProvider, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[SsoDeployment]:
    data_dir: Path = tmp_path_factory.mktemp(f"roost-sso-{backend}")
    with (
        database(backend, data_dir) as url,
        running_server(url, data_dir, sso_env(provider, backend)) as base,
    ):
        for service in SERVICES:
            provider.register(
                f"roost-{service}-{backend}", SECRET, [f"{base}/signup/{service}/complete"]
            )
        admin = create_user(base, username="admin0")
        yield SsoDeployment(base, provider, data_dir, admin)


# The LDAP deployment: a real slapd (LDAPS) and a server signing its people in.
BIND_DN = f"cn=roost,{BASE_DN}"
BIND_PASSWORD = "roost-bind-password"


def ldap_env(directory: Slapd, security: str) -> dict[str, str]:
    return {
        "ROOST_LDAP_ENABLE": "true",
        "ROOST_LDAP_SERVER": "127.0.0.1",
        "ROOST_LDAP_PORT": str(directory.ldaps_port if security == "TLS" else directory.ldap_port),
        "ROOST_LDAP_CONNECTION_SECURITY": security,
        "ROOST_LDAP_TRUSTED_CA_FILE": directory.ca_file,
        "ROOST_LDAP_BASE_DN": BASE_DN,
        "ROOST_LDAP_BIND_USERNAME": BIND_DN,
        "ROOST_LDAP_BIND_PASSWORD": BIND_PASSWORD,
        "ROOST_LDAP_USER_FILTER": "(employeeType=chat)",
        "ROOST_LDAP_FIRST_NAME_ATTRIBUTE": "givenName",
        "ROOST_LDAP_LAST_NAME_ATTRIBUTE": "sn",
        "ROOST_LDAP_NICKNAME_ATTRIBUTE": "displayName",
        "ROOST_LDAP_POSITION_ATTRIBUTE": "title",
        "ROOST_LDAP_LOGIN_FIELD_NAME": "Corp username",
        "ROOST_LDAP_MAX_PAGE_SIZE": "50",
    }


@dataclass
class LdapDeployment:
    base: str
    directory: Slapd
    admin: LoggedIn
    data_dir: Path


@pytest.fixture(scope="module")
def ldap(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LdapDeployment]:
    data_dir: Path = tmp_path_factory.mktemp(f"roost-ldap-{backend}")
    with (
        slapd(data_dir) as directory,
        database(backend, data_dir) as url,
        running_server(url, data_dir, ldap_env(directory, "TLS")) as base,
    ):
        admin = create_user(base, username="admin0")
        yield LdapDeployment(base, directory, admin, data_dir)


# The SAML deployment: a pysaml2 identity provider and a server trusting it.
@dataclass
class SamlDeployment:
    base: str
    idp: IdentityProvider
    admin: LoggedIn


@pytest.fixture(scope="module")
def saml(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SamlDeployment]:
    data_dir = tmp_path_factory.mktemp(f"roost-saml-{backend}")
    with identity_provider(data_dir) as idp, database(backend, data_dir) as url:
        sp_key, sp_cert = key_pair(data_dir, "sp")
        env = {
            "ROOST_SAML_ENABLE": "true",
            "ROOST_SAML_IDP_URL": idp.sso_url,
            "ROOST_SAML_IDP_DESCRIPTOR_URL": idp.entity_id,
            "ROOST_SAML_IDP_CERTIFICATE_FILE": idp.cert_file,
            "ROOST_SAML_PRIVATE_KEY_FILE": sp_key,
            "ROOST_SAML_PUBLIC_CERTIFICATE_FILE": sp_cert,
            "ROOST_SAML_ID_ATTRIBUTE": "uid",
            "ROOST_SAML_FIRST_NAME_ATTRIBUTE": "givenName",
            "ROOST_SAML_LAST_NAME_ATTRIBUTE": "sn",
            "ROOST_SAML_LOGIN_BUTTON_TEXT": "Corp SSO",
        }
        with running_server(url, data_dir, env) as base:
            admin = create_user(base, username="admin0")
            metadata = httpx.get(f"{base}/api/v4/saml/metadata", timeout=15)
            assert metadata.status_code == 200, metadata.text
            idp.trust(metadata.text)
            yield SamlDeployment(base, idp, admin)
