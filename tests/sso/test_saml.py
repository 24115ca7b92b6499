"""SAML 2.0 against a real identity provider built on pysaml2: service-provider
metadata, signed and encrypted assertions, attribute mapping, and the attacks
(unsigned, another key, expired, XML signature wrapping, replay)."""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from tests.sso.conftest import SamlDeployment
from tests.sso.saml_idp import (
    idp_answer,
    saml_sign_in,
)
from tests.support.client import Api, expect

REFUSED = "ent.saml.do_login.validate.app_error"


@pytest.fixture
def browser(saml: SamlDeployment) -> Iterator[httpx.Client]:
    saml.idp.mode = "normal"
    with httpx.Client(base_url=saml.base, timeout=15) as client:
        yield client
    saml.idp.mode = "normal"


def test_metadata_and_the_login_button(saml: SamlDeployment) -> None:
    xml = httpx.get(f"{saml.base}/api/v4/saml/metadata", timeout=10).text
    assert f'entityID="{saml.base}/login/sso/saml"' in xml
    assert f'Location="{saml.base}/login/sso/saml"' in xml
    assert "X509Certificate" in xml  # the key assertions may be encrypted to
    config = httpx.get(f"{saml.base}/api/v4/config/client?format=old", timeout=10).json()
    assert config["EnableSaml"] == "true"
    assert config["SamlLoginButtonText"] == "Corp SSO"


def _me(saml: SamlDeployment, token: str) -> dict[str, object]:
    api = Api(saml.base, token)
    try:
        me: dict[str, object] = expect(api.get("/users/me"), 200)
    finally:
        api.close()
    return me


def test_a_signed_assertion_signs_the_person_in(
    saml: SamlDeployment, browser: httpx.Client
) -> None:
    answer, _ = saml_sign_in(browser, "/login/sso/saml?redirect_to=/town", "sam")
    assert answer.status_code == 302, answer.text
    assert answer.headers["location"].endswith("/town")
    me = _me(saml, answer.cookies["MMAUTHTOKEN"])
    assert (me["username"], me["email"], me["auth_service"]) == ("sam", "sam@corp.example", "saml")
    assert (me["first_name"], me["last_name"]) == ("Sam", "Spade")
    again, _ = saml_sign_in(browser, "/login/sso/saml", "sam")
    assert _me(saml, again.cookies["MMAUTHTOKEN"])["id"] == me["id"]


def test_an_encrypted_assertion_is_read(saml: SamlDeployment, browser: httpx.Client) -> None:
    saml.idp.mode = "encrypted"
    answer, fields = saml_sign_in(browser, "/login/sso/saml", "tess")
    assert "EncryptedAssertion" in base64.b64decode(fields["SAMLResponse"]).decode()
    assert answer.status_code == 302, answer.text
    assert _me(saml, answer.cookies["MMAUTHTOKEN"])["username"] == "tess"


@pytest.mark.parametrize("mode", ["unsigned", "wrong_key", "expired"])
def test_bad_assertions_are_refused(saml: SamlDeployment, browser: httpx.Client, mode: str) -> None:
    saml.idp.mode = mode
    answer, _ = saml_sign_in(browser, "/login/sso/saml", "uma")
    assert answer.status_code == 400, answer.text
    assert answer.json()["id"] == REFUSED
    assert "MMAUTHTOKEN" not in answer.cookies


def test_a_response_is_used_once(saml: SamlDeployment, browser: httpx.Client) -> None:
    acs, fields = idp_answer(browser, "/login/sso/saml", "vic")
    first = browser.post(acs, data=fields)
    assert first.status_code == 302
    replayed = browser.post(acs, data=fields)
    assert replayed.status_code == 400
    assert replayed.json()["id"] == "api.user.authorize_oauth_user.invalid_state.app_error"
    # Without its RelayState (an unsolicited answer): refused as well.
    alone = browser.post(acs, data={"SAMLResponse": fields["SAMLResponse"]})
    assert alone.status_code == 400


def _wrapped(encoded: str) -> str:
    """XML signature wrapping: a forged, unsigned assertion for mallory placed before
    vic's signed one (the signature still verifies over the original)."""
    xml = base64.b64decode(encoded).decode()
    found = re.search(r"<(\w+):Assertion\b.*?</\1:Assertion>", xml, re.S)
    assert found, xml[:400]
    signed = found.group(0)
    forged = re.sub(r"<(\w+):Signature\b.*?</\1:Signature>", "", signed, flags=re.S)
    assert forged != signed
    forged = forged.replace("vic-0004", "mallory-0005").replace("vic@", "mallory@")
    forged = re.sub(r'ID="[^"]+"', 'ID="forged-assertion"', forged, count=1)
    return base64.b64encode(xml.replace(signed, forged + signed).encode()).decode()


def _tampered(encoded: str) -> str:
    """The signed assertion itself changed (another person's email): the digest breaks."""
    xml = base64.b64decode(encoded).decode().replace("vic@corp.example", "mallory@corp.example")
    return base64.b64encode(xml.encode()).decode()


@pytest.mark.parametrize("attack", [_wrapped, _tampered])
def test_xml_signature_wrapping_signs_nobody_in(
    saml: SamlDeployment, browser: httpx.Client, attack: object
) -> None:
    acs, fields = idp_answer(browser, "/login/sso/saml", "vic")
    assert callable(attack)
    forged = {**fields, "SAMLResponse": attack(fields["SAMLResponse"])}
    answer = browser.post(acs, data=forged)
    assert answer.status_code == 400, answer.text
    assert answer.json()["id"] == REFUSED
    assert "MMAUTHTOKEN" not in answer.cookies
    found = expect(saml.admin.api.post("/users/usernames", ["mallory"]), 200)
    assert found == []


def test_refusals_are_in_the_audit_log(saml: SamlDeployment, browser: httpx.Client) -> None:
    saml.idp.mode = "unsigned"
    saml_sign_in(browser, "/login/sso/saml", "uma")
    audits = expect(saml.admin.api.get("/audits?per_page=200"), 200)
    assert any(
        a["action"] == "completeOAuth"
        and "service=saml" in a["extra_info"]
        and REFUSED in a["extra_info"]
        for a in audits
    )


def test_the_mobile_app_signs_in_through_saml(saml: SamlDeployment, browser: httpx.Client) -> None:
    start = "/login/sso/saml?action=mobile&redirect_to=mmauth://callback"
    answer, _ = saml_sign_in(browser, start, "sam")
    assert answer.status_code == 200, answer.text
    found = re.search(r"href='(mmauth://callback\?[^']+)'", answer.text)
    assert found, answer.text
    query = parse_qs(urlsplit(found.group(1).replace("&amp;", "&")).query)
    assert query["srv"] == [saml.base]
    assert _me(saml, query["MMAUTHTOKEN"][0])["username"] == "sam"
    bad = browser.get("/login/sso/saml?action=mobile&redirect_to=evil://callback")
    assert bad.status_code == 400
    assert bad.json()["id"] == "api.invalid_custom_url_scheme"
