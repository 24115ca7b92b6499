"""Signing in as a person does, in Debian's Chromium, from Roost's own login page: the
"Sign in with ..." buttons of the OpenID Connect and SAML providers and their pages,
the directory's password for LDAP, then the web client signed in."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.sync_api import Page, expect, sync_playwright

from tests.sso.conftest import LdapDeployment, SamlDeployment, SsoDeployment
from tests.web.browser import CHROMIUM, CHROMIUM_ARGS, TIMEOUT_MS


def test_a_person_signs_in_through_the_provider_in_chromium(sso: SsoDeployment) -> None:
    assert Path(CHROMIUM).exists(), "run scripts/setup-browser (Debian's chromium)"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context()
            context.set_default_timeout(TIMEOUT_MS)
            page = context.new_page()
            page.goto(f"{sso.base}/login")
            # The buttons the server's client config turns on, with their own texts.
            sso_nav = page.get_by_role("navigation", name="Single sign-on")
            # The buttons come with the client config, after the page: wait for them.
            expect(sso_nav.get_by_role("link", name="Sign in with GitLab")).to_be_visible()
            sso_nav.get_by_role("link", name="Sign in with Company login").click()
            page.wait_for_url(lambda url: url.startswith(sso.provider.issuer))
            # The provider's own sign-in page, then its consent page.
            assert page.url.startswith(sso.provider.issuer)
            page.fill("input[name=login]", "gina")
            page.fill("input[name=password]", "any password")
            page.click("button[type=submit]")
            page.wait_for_load_state()
            if page.url.startswith(sso.provider.issuer):
                page.click("button[type=submit]")
            page.wait_for_url(f"{sso.base}/**")
            cookies = {c["name"]: c for c in context.cookies(sso.base)}
            assert cookies["MMAUTHTOKEN"]["httpOnly"]
            assert "MMOAUTH" not in cookies  # spent with the sign-in
            # The web client's own calls now run as gina (cookie + CSRF header).
            me = page.evaluate(
                """async () => {
                    const r = await fetch('/api/v4/users/me',
                        {headers: {'X-Requested-With': 'XMLHttpRequest'}});
                    return [r.status, await r.json()];
                }"""
            )
            assert me[0] == 200
            assert (me[1]["username"], me[1]["auth_service"]) == ("gina", "openid")
            # And the web client itself shows gina signed in (no login form).
            page.goto(f"{sso.base}/")
            page.wait_for_selector("input[name=login_id]", state="detached")
            context.close()
        finally:
            browser.close()


def _signed_in_as(page: Page, base: str) -> Any:
    """The web client's own call for who is signed in (cookie + CSRF header)."""
    page.wait_for_url(lambda url: url.startswith(base))
    return page.evaluate(
        """async () => {
            const r = await fetch('/api/v4/users/me',
                {headers: {'X-Requested-With': 'XMLHttpRequest'}});
            return [r.status, await r.json()];
        }"""
    )


def test_a_person_signs_in_with_the_directory_password_in_chromium(ldap: LdapDeployment) -> None:
    ldap.directory.add_person("pbrowser", "directory-pw-7", givenName="Pia", sn="Browser")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.set_default_timeout(TIMEOUT_MS)
            page.goto(f"{ldap.base}/login")
            # The login field says what the directory calls it.
            field = page.get_by_label("Corp username, email or username")
            field.fill("pbrowser")
            page.get_by_label("Password").fill("directory-pw-7")
            page.get_by_role("button", name="Log in").click()
            page.wait_for_selector("input[name=login_id]", state="detached")
            status, me = _signed_in_as(page, ldap.base)
            assert status == 200
            assert (me["username"], me["auth_service"], me["first_name"]) == (
                "pbrowser",
                "ldap",
                "Pia",
            )
        finally:
            browser.close()


def test_a_person_signs_in_through_the_saml_provider_in_chromium(saml: SamlDeployment) -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.set_default_timeout(TIMEOUT_MS)
            page.goto(f"{saml.base}/login")
            sso_nav = page.get_by_role("navigation", name="Single sign-on")
            sso_nav.get_by_role("link", name="Sign in with Corp SSO").click()
            # The provider's page, then its form posting the assertion back to Roost.
            page.wait_for_url(lambda url: url.startswith(saml.idp.base))
            page.fill("input[name=login]", "tess")
            page.fill("input[name=password]", "any")
            page.click("button[type=submit]")
            status, me = _signed_in_as(page, saml.base)
            assert status == 200
            assert (me["username"], me["auth_service"]) == ("tess", "saml")
            page.wait_for_selector("input[name=login_id]", state="detached")
        finally:
            browser.close()
