"""Cross-site WebSocket hijacking (issue 19.5): a page on a sibling tenant's host is
the same site, so the browser sends a tenant's session cookie with the upgrade that
page asks for. The cookie counts only when the upgrade's ``Origin`` is the tenant's own
site; token clients (header or ``authentication_challenge``) and clients that send no
``Origin`` (native apps, drivers) are unaffected."""

from __future__ import annotations

import pytest
from websockets.exceptions import InvalidStatus

from tests.support.chat import channel_with, team_with
from tests.support.client import PASSWORD, Api, LoggedIn, create_user, expect, unique
from tests.support.posting import post
from tests.support.ws import WsClient
from tests.tenants.conftest import Deployment, host_of, new_tenant


def cookie_of(user: LoggedIn, d: Deployment, host: str) -> str:
    """The session cookie a browser holds after logging in on ``host``."""
    api = Api(d.base, host=host)
    login = api.post(
        "/users/login",
        {"login_id": user.username, "password": PASSWORD},
        headers={"X-Requested-With": "XMLHttpRequest"},  # as the web client logs in
    )
    expect(login, 200)
    set_cookie = [v for v in login.headers.get_list("set-cookie") if v.startswith("MMAUTHTOKEN=")]
    return set_cookie[0].split(";", 1)[0]


def test_a_sibling_tenants_page_cannot_read_a_private_post(deployment: Deployment) -> None:
    d = deployment
    victim, sibling = new_tenant(d), new_tenant(d)
    host, evil_host = host_of(victim), host_of(sibling)
    port = d.base.rsplit(":", 1)[1]
    alice = create_user(d.base, host=host)
    team = team_with(alice)
    secret = channel_with(alice, team["id"], type="P")
    cookie = cookie_of(alice, d, host)

    # The attacker's page on the sibling tenant: the browser sends alice's cookie.
    with pytest.raises(InvalidStatus) as refused:
        WsClient(
            d.base,
            "",
            authenticate=False,
            host=host,
            headers={"Cookie": cookie, "Origin": f"http://{evil_host}:{port}"},
        )
    assert refused.value.response.status_code == 403
    for origin in ("null", f"http://{host}.evil.example:{port}", f"http://{host}"):
        with pytest.raises(InvalidStatus):
            WsClient(
                d.base,
                "",
                authenticate=False,
                host=host,
                headers={"Cookie": cookie, "Origin": origin},
            )

    # The tenant's own page, and a client sending no Origin: the cookie authenticates.
    for headers in (
        {"Cookie": cookie, "Origin": f"http://{host}:{port}"},
        {"Cookie": cookie},
    ):
        with WsClient(d.base, "", authenticate=False, host=host, headers=headers) as ws:
            ws.wait_for("hello")
            text = unique("private ")
            post(alice, secret["id"], text)
            got = ws.wait_for("posted")
            assert text in got["data"]["post"]

    # Tokens are not sent by browsers on their own: header and challenge still work
    # whatever the Origin says.
    foreign = {"Origin": f"http://{evil_host}:{port}"}
    with WsClient(
        d.base,
        "",
        authenticate=False,
        host=host,
        headers={**foreign, "Authorization": f"Bearer {alice.token}"},
    ) as ws:
        assert ws.wait_for("hello")["broadcast"]["user_id"] == alice.id
    with WsClient(d.base, alice.token, host=host, headers=foreign) as ws:
        assert ws.wait_for("hello")["broadcast"]["user_id"] == alice.id
