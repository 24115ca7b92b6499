"""A real OpenID Connect provider (npm ``oidc-provider``, tests/sso/oidc) as a process on
a free loopback port, and a person signing in through its pages over HTTP."""

from __future__ import annotations

import json
import re
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from html import unescape
from pathlib import Path
from typing import Any

import httpx

from tests.support.server import free_port

HERE = Path(__file__).parent / "oidc"
NPM_TIMEOUT_SECONDS = 300
START_TIMEOUT_SECONDS = 20.0

# The people the provider knows (its development pages take any password).
ACCOUNTS: dict[str, dict[str, Any]] = {
    "alice": {
        "email": "alice@example.com",
        "email_verified": True,
        "name": "Alice Liddell",
        "given_name": "Alice",
        "family_name": "Liddell",
        "preferred_username": "alice",
        "nickname": "ally",
    },
    "bob": {
        "email": "bob@example.com",
        "email_verified": True,
        "given_name": "Bob",
        "family_name": "Builder",
        "preferred_username": "bob@example.com",
    },
    # Someone whose email an existing password account already has.
    "carol": {
        "email": "carol@example.com",
        "email_verified": True,
        "preferred_username": "carol",
    },
    # For the switch from password to SSO (the same email as a password account).
    "dave": {"email": "dave@example.com", "email_verified": True, "preferred_username": "dave"},
    "erin": {"email": "erin@example.com", "email_verified": True, "preferred_username": "erin"},
    "frank": {"email": "frank@example.com", "email_verified": True, "preferred_username": "frank"},
    "gina": {"email": "gina@example.com", "email_verified": True, "preferred_username": "gina"},
    "ivan": {"email": "ivan@example.com", "email_verified": True, "preferred_username": "ivan"},
    "noemail": {"preferred_username": "noemail"},
}


def ensure_installed() -> None:
    """``npm ci`` once (pinned in package-lock.json); quick when already there."""
    stamp = HERE / "node_modules" / ".roost-installed"
    lock = HERE / "package-lock.json"
    if stamp.exists() and stamp.stat().st_mtime >= lock.stat().st_mtime:
        return
    subprocess.run(
        ["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"],
        cwd=HERE,
        check=True,
        timeout=NPM_TIMEOUT_SECONDS,
        stdout=subprocess.DEVNULL,
    )
    stamp.touch()


@dataclass
class OidcProvider:
    issuer: str
    proc: subprocess.Popen[bytes]

    @property
    def discovery(self) -> str:
        return f"{self.issuer}/.well-known/openid-configuration"

    def register(self, client_id: str, secret: str, redirect_uris: list[str]) -> None:
        response = httpx.post(
            f"{self.issuer}/__test/clients",
            json={"client_id": client_id, "client_secret": secret, "redirect_uris": redirect_uris},
            timeout=5,
        )
        assert response.status_code == 204, response.text


@contextmanager
def oidc_provider(workdir: Path) -> Iterator[OidcProvider]:
    ensure_installed()
    accounts = workdir / "oidc-accounts.json"
    accounts.write_text(json.dumps(ACCOUNTS))
    port = free_port()
    with open(workdir / f"oidc-{port}.log", "wb") as log:
        # The child keeps its own copy of the descriptor.
        proc = subprocess.Popen(
            ["node", str(HERE / "provider.mjs"), str(port), str(accounts)],
            stdin=subprocess.PIPE,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    provider = OidcProvider(f"http://127.0.0.1:{port}", proc)
    try:
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while True:
            if proc.poll() is not None:
                raise RuntimeError((workdir / f"oidc-{port}.log").read_text())
            try:
                if httpx.get(provider.discovery, timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("the OIDC provider did not start")
            time.sleep(0.1)
        yield provider
    finally:
        # It exits when its standard input closes; killed if it does not.
        assert proc.stdin is not None
        proc.stdin.close()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


_FORM = re.compile(r'<form[^>]*action="([^"]+)"[^>]*>(.*?)</form>', re.S)
_HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')


class Callback(Exception):
    """The provider sent the browser back to Roost (not followed)."""

    def __init__(self, url: httpx.URL) -> None:
        super().__init__(str(url))
        self.url = url


def follow(
    client: httpx.Client, response: httpx.Response, stop_at_callback: bool
) -> httpx.Response:
    """Follow redirects by hand: stop at a non-web address (the mobile app's scheme),
    or, when asked, at Roost's callback (raised as ``Callback``)."""
    for _ in range(20):
        if not response.is_redirect:
            return response
        url = response.url.join(response.headers["location"])
        if url.scheme not in ("http", "https"):
            return response
        if stop_at_callback and url.path.endswith("/complete"):
            raise Callback(url)
        response = client.get(url)
    raise AssertionError("too many redirects")


def _submit(
    client: httpx.Client, page: httpx.Response, extra: dict[str, str], stop: bool
) -> httpx.Response:
    found = _FORM.search(page.text)
    assert found, f"no form on {page.url}: {page.status_code} {page.text[:300]}"
    action, inner = unescape(found.group(1)), found.group(2)
    data = {name: unescape(value) for name, value in _HIDDEN.findall(inner)}
    data.update(extra)
    return follow(client, client.post(page.url.join(action), data=data), stop)


def _through_provider(client: httpx.Client, start: str, login: str, stop: bool) -> httpx.Response:
    page = follow(client, client.get(start), stop)
    page = _submit(client, page, {"login": login, "password": "any"}, stop)
    if 'value="consent"' in page.text:
        page = _submit(client, page, {}, stop)
    return page


def sign_in(client: httpx.Client, start: str, login: str) -> httpx.Response:
    """What a person does: open Roost's sign-in link, type their login at the provider,
    agree to share their profile; returns Roost's last answer (redirects followed on
    the web; a redirect to the mobile app's scheme is returned as it is)."""
    return _through_provider(client, start, login, stop=False)


def provider_callback(client: httpx.Client, start: str, login: str) -> httpx.URL:
    """The address the provider sends the browser back to, not yet opened: for tests
    that replay or tamper with it."""
    try:
        page = _through_provider(client, start, login, stop=True)
    except Callback as back:
        return back.url
    raise AssertionError(f"the provider never sent the browser back: {page.status_code}")
