"""Single sign-on's pure checks: the ID token (forged, foreign or stale ones refused),
the redirects a sign-in may end on, and the identity read from a provider's claims."""

from __future__ import annotations

import asyncio
import base64
import json
import time
from typing import Any

import pytest
from joserfc import jwt
from joserfc.jwk import KeySet, OctKey, RSAKey

from roost.app.accounts.sso.identity import clean_username, identity_from
from roost.app.accounts.sso.oidc import Endpoints, OidcClient
from roost.app.accounts.sso.providers import Provider
from roost.app.accounts.sso.redirects import check_mobile_redirect, check_web_redirect
from roost.app.kernel.errors import AppError

ISSUER = "https://idp.example"
JWKS = f"{ISSUER}/jwks"
CLIENT = "roost"
NONCE = "n-0123456789"
KEY = RSAKey.generate_key(2048, parameters={"kid": "k1"})
OTHER_KEY = RSAKey.generate_key(2048, parameters={"kid": "k1"})
PROVIDER = Provider("openid", True, CLIENT, "secret", "openid email")
ENDPOINTS = Endpoints(f"{ISSUER}/auth", f"{ISSUER}/token", f"{ISSUER}/me", ISSUER, JWKS)


def _claims(**changes: Any) -> dict[str, Any]:
    now = int(time.time())
    claims = {"iss": ISSUER, "sub": "u1", "aud": CLIENT, "iat": now, "exp": now + 300}
    claims["nonce"] = NONCE
    claims.update(changes)
    return {k: v for k, v in claims.items() if v is not None}


def _token(key: Any = KEY, alg: str = "RS256", **changes: Any) -> str:
    return jwt.encode({"alg": alg, "kid": "k1"}, _claims(**changes), key)


def _verify(token: str, nonce: str = NONCE) -> dict[str, Any]:
    client = OidcClient(5)
    # The provider's published keys, as a fetch would have cached them.
    keys = KeySet.import_key_set({"keys": [KEY.as_dict(private=False)]})
    client._keys[JWKS] = (time.monotonic() + 3600, keys)
    return asyncio.run(client.verify_id_token(PROVIDER, ENDPOINTS, token, nonce))


def _refused(token: str, nonce: str = NONCE) -> str:
    with pytest.raises(AppError) as refused:
        _verify(token, nonce)
    assert refused.value.error_id == "api.user.authorize_oauth_user.bad_token.app_error"
    assert refused.value.status == 401
    return refused.value.detailed


def test_a_good_id_token_gives_its_claims() -> None:
    assert _verify(_token())["sub"] == "u1"


def test_a_token_for_another_audience_is_refused() -> None:
    assert "audience" in _refused(_token(aud="someone-else"))
    # Several audiences: this client must be the authorized party.
    assert "party" in _refused(_token(aud=[CLIENT, "other"], azp="other"))


def test_a_token_from_another_issuer_is_refused() -> None:
    assert "iss" in _refused(_token(iss="https://evil.example"))


def test_an_expired_token_is_refused() -> None:
    past = int(time.time()) - 3600
    assert "exp" in _refused(_token(iat=past - 300, exp=past))


def test_a_token_with_another_nonce_is_refused() -> None:
    assert "nonce" in _refused(_token(), nonce="the-one-this-browser-got")
    assert "nonce" in _refused(_token(nonce=None))


def test_a_token_signed_by_another_key_is_refused() -> None:
    assert "signature" in _refused(_token(key=OTHER_KEY))


def test_unsigned_and_hmac_tokens_are_refused() -> None:
    header = base64.urlsafe_b64encode(json.dumps({"alg": "none"}).encode()).rstrip(b"=")
    body = base64.urlsafe_b64encode(json.dumps(_claims()).encode()).rstrip(b"=")
    assert _refused(f"{header.decode()}.{body.decode()}.")
    # HS256 keyed with the public key's text: the classic confusion attack.
    secret = OctKey.import_key(json.dumps(KEY.as_dict(private=False)).encode())
    assert "signature" in _refused(_token(key=secret, alg="HS256"))
    assert "unreadable" in _refused("not-a-jwt")


@pytest.mark.parametrize(
    "target",
    ["https://evil.example/", "//evil.example/x", "javascript:alert(1)", "\\\\evil", "x/y"],
)
def test_a_web_sign_in_never_leaves_the_site(target: str) -> None:
    with pytest.raises(AppError) as refused:
        check_web_redirect(target, "https://chat.example.com")
    assert refused.value.error_id == "api.invalid_redirect_url"


def test_a_web_sign_in_may_end_on_any_page_of_the_site() -> None:
    site = "https://chat.example.com"
    assert check_web_redirect("/team/channels/town", site) == "/team/channels/town"
    assert check_web_redirect(f"{site}/x", site) == f"{site}/x"


@pytest.mark.parametrize(
    "target",
    ["mmauth://evil", "mmauth://callback/x", "mmauth://callback?x=1", "https://callback"],
)
def test_the_mobile_app_gets_its_own_callback_only(target: str) -> None:
    with pytest.raises(AppError) as refused:
        check_mobile_redirect(target, ("mmauth://", "mmauthbeta://"))
    assert refused.value.error_id == "api.invalid_custom_url_scheme"
    assert check_mobile_redirect("mmauthbeta://callback", ("mmauth://", "mmauthbeta://"))


def test_usernames_from_providers_are_made_valid() -> None:
    assert clean_username("Jane.Doe") == "jane.doe"
    assert clean_username("J Doe!") == "j-doe"
    assert clean_username("42") == "u42"
    assert clean_username("all") == "all-user"
    assert len(clean_username("x" * 200)) == 64


def test_identities_per_service() -> None:
    gitlab = identity_from("gitlab", "GitLab", {"id": 17, "username": "jd", "email": "J@x.io"})
    assert (gitlab.auth_data, gitlab.username, gitlab.email) == ("17", "jd", "j@x.io")
    entra = {"sub": "pairwise", "oid": "object-id", "preferred_username": "jd@corp.example"}
    office = identity_from("office365", "Office 365", entra)
    assert (office.auth_data, office.email, office.username) == (
        "object-id",
        "jd@corp.example",
        "jd",
    )
    with pytest.raises(AppError):
        identity_from("openid", "OpenID", {"sub": "x"})  # no email
