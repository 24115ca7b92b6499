"""Signing in with the directory's password against a real OpenLDAP (slapd) over
LDAPS and StartTLS, the attribute mapping, the user filter, LDAP injection, and the
sync that updates and deactivates users."""

from __future__ import annotations

import httpx
import pytest

from tests.sso.conftest import BIND_PASSWORD, LdapDeployment, ldap_env
from tests.sso.slapd import BASE_DN
from tests.support.client import Api, create_user, expect
from tests.support.databases import database
from tests.support.server import running_server


def _login(base: str, login_id: str, password: str, **extra: object) -> httpx.Response:
    body = {"login_id": login_id, "password": password, **extra}
    return httpx.post(f"{base}/api/v4/users/login", json=body, timeout=15)


def test_the_login_page_knows_ldap(ldap: LdapDeployment) -> None:
    config = httpx.get(f"{ldap.base}/api/v4/config/client?format=old", timeout=10).json()
    assert config["EnableLdap"] == "true"
    assert config["LdapLoginFieldName"] == "Corp username"
    assert config["LdapFirstNameAttributeSet"] == "true"
    assert BIND_PASSWORD not in str(config)


def test_a_first_ldap_login_creates_the_account_with_its_attributes(ldap: LdapDeployment) -> None:
    ldap.directory.add_person(
        "hmurray",
        "directory-pw-1",
        givenName="Helen",
        sn="Murray",
        displayName="Nell",
        title="Engineer",
        mail="Helen.Murray@corp.example",
    )
    first = _login(ldap.base, "hmurray", "directory-pw-1")
    assert first.status_code == 200, first.text
    user = first.json()
    assert (user["username"], user["email"]) == ("hmurray", "helen.murray@corp.example")
    assert (user["first_name"], user["last_name"], user["nickname"], user["position"]) == (
        "Helen",
        "Murray",
        "Nell",
        "Engineer",
    )
    assert user["auth_service"] == "ldap"
    again = _login(ldap.base, "hmurray", "directory-pw-1")
    assert again.status_code == 200 and again.json()["id"] == user["id"]
    wrong = _login(ldap.base, "hmurray", "not-it")
    assert wrong.status_code == 401
    assert wrong.json()["id"] == "api.user.login.invalid_credentials_email_username"


def test_who_the_filter_leaves_out_cannot_sign_in(ldap: LdapDeployment) -> None:
    ldap.directory.add_person("outsider", "outsider-pw", employeeType="contractor")
    assert _login(ldap.base, "outsider", "outsider-pw").status_code == 401


@pytest.mark.parametrize(
    "login_id", ["*", "inj*", "injected)(uid=*", "*)(|(uid=*", "injected\\2a", "x)(employeeType=*"]
)
def test_ldap_injection_in_the_login_finds_nobody(ldap: LdapDeployment, login_id: str) -> None:
    # Whatever the login says, only the person of that exact login may bind.
    if not _has(ldap, "injected"):
        ldap.directory.add_person("injected", "injected-pw")
    answer = _login(ldap.base, login_id, "injected-pw")
    assert answer.status_code == 401
    assert answer.json()["id"] == "api.user.login.invalid_credentials_email_username"


def _has(ldap: LdapDeployment, uid: str) -> bool:
    with ldap.directory.admin() as conn:
        return bool(conn.search(f"uid={uid},ou=people,{BASE_DN}", "(objectClass=*)"))


def test_an_empty_password_is_never_an_anonymous_bind(ldap: LdapDeployment) -> None:
    ldap.directory.add_person("nopass", "nopass-pw")
    assert _login(ldap.base, "nopass", "").status_code in (400, 401)


def test_a_local_account_is_not_taken_over_by_the_directory(ldap: LdapDeployment) -> None:
    local = create_user(ldap.base, username="samesies", email="samesies@example.com")
    ldap.directory.add_person("samesies", "directory-samesies")
    # The directory's password does not open the local account...
    assert _login(ldap.base, "samesies", "directory-samesies").status_code == 401
    # ...not even when asking for LDAP only: the account exists and is not LDAP's.
    refused = _login(ldap.base, "samesies", "directory-samesies", ldap_only=True)
    assert refused.status_code == 400
    assert refused.json()["id"] == "api.user.create_oauth_user.already_attached.app_error"
    assert expect(local.api.get("/users/me"), 200)["auth_service"] == ""


def test_the_sync_updates_and_deactivates(ldap: LdapDeployment) -> None:
    ldap.directory.add_person("mover", "mover-pw", givenName="Old", title="Intern")
    ldap.directory.add_person("leaver", "leaver-pw")
    mover = _login(ldap.base, "mover", "mover-pw")
    leaver = _login(ldap.base, "leaver", "leaver-pw")
    assert mover.status_code == leaver.status_code == 200
    leaver_api = Api(ldap.base, leaver.headers["Token"])
    ldap.directory.change("mover", givenName="New", title="Lead")
    ldap.directory.remove("leaver")

    user = create_user(ldap.base)
    assert user.api.post("/ldap/sync").status_code == 403
    result = expect(ldap.admin.api.post("/ldap/sync"), 200)
    assert result["status"] == "OK" and result["deactivated"] >= 1 and result["updated"] >= 1

    profile = expect(ldap.admin.api.get(f"/users/{mover.json()['id']}"), 200)
    assert (profile["first_name"], profile["position"]) == ("New", "Lead")
    gone = expect(ldap.admin.api.get(f"/users/{leaver.json()['id']}"), 200)
    assert gone["delete_at"] > 0
    # Their sessions ended, and the directory's password no longer works.
    assert leaver_api.get("/users/me").status_code == 401
    assert _login(ldap.base, "leaver", "leaver-pw").status_code == 401
    leaver_api.close()


def test_the_connection_test(ldap: LdapDeployment) -> None:
    assert expect(ldap.admin.api.post("/ldap/test"), 200)["status"] == "OK"


def test_starttls(ldap: LdapDeployment, backend: str) -> None:
    """A second server on the same directory, over StartTLS (the CA checked)."""
    env = ldap_env(ldap.directory, "STARTTLS")
    data_dir = ldap.data_dir / "starttls"
    data_dir.mkdir()
    ldap.directory.add_person("tls-user", "tls-pw")
    with database(backend, data_dir) as url, running_server(url, data_dir, env) as base:
        admin = create_user(base, username="admin0")
        assert expect(admin.api.post("/ldap/test"), 200)["status"] == "OK"
        signed_in = _login(base, "tls-user", "tls-pw")
        assert signed_in.status_code == 200, signed_in.text
        assert signed_in.json()["auth_service"] == "ldap"
        assert _login(base, "tls-user", "wrong").status_code == 401
        admin.api.close()
