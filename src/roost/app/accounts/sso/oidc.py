"""Talking to an OAuth 2 / OpenID Connect provider: its discovery document and keys
(cached), the authorization URL (PKCE S256, state, nonce), the code exchange, the ID
token's checks (signature against the provider's JWKS, issuer, audience, expiry,
nonce) and the user-info call. Authlib makes the PKCE challenge and the random values,
joserfc verifies the JWT; aiohttp carries the calls, each bounded in time and size."""

from __future__ import annotations

import time
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import aiohttp
import orjson
from authlib.common.security import generate_token
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from joserfc import jws, jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from roost.app.accounts.sso.errors import (
    bad_id_token,
    provider_bad_response,
    provider_unreachable,
)
from roost.app.accounts.sso.providers import Provider

# Discovery documents and keys change rarely; a key id not in the cached set makes
# one fresh fetch (the provider rotated its keys).
METADATA_TTL_SECONDS = 3600.0
MAX_RESPONSE_BYTES = 1 << 20
# The signature algorithms accepted on ID tokens (never "none", never HMAC with a
# public value): what OpenID Connect providers sign with.
ID_TOKEN_ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384")
CLOCK_LEEWAY_SECONDS = 60
# Milliseconds this request spent waiting for the provider, when the caller counts them
# (the sign-in pages report Roost's own time apart from the provider's: Server-Timing).
provider_ms: ContextVar[list[float] | None] = ContextVar("sso_provider_ms", default=None)


@dataclass(frozen=True, slots=True)
class Endpoints:
    authorization: str
    token: str
    userinfo: str
    issuer: str = ""
    jwks_uri: str = ""


@dataclass(frozen=True, slots=True)
class Started:
    """A sign-in about to go to the provider: where to send the browser, and what to
    keep until it comes back (the verifier and nonce never leave the server)."""

    url: str
    state: str
    code_verifier: str
    nonce: str


class OidcClient:
    def __init__(self, timeout_seconds: float) -> None:
        self._timeout = aiohttp.ClientTimeout(total=timeout_seconds)
        self._session: aiohttp.ClientSession | None = None
        self._metadata: dict[str, tuple[float, dict[str, Any]]] = {}
        self._keys: dict[str, tuple[float, KeySet]] = {}

    def _http(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=self._timeout)
        return self._session

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()

    async def _call(
        self, provider: Provider, method: str, url: str, **kwargs: Any
    ) -> tuple[int, Any]:
        """(status, JSON body) of one call to the provider; unreachable, slow or not
        JSON is the provider's error."""
        try:
            async with self._http().request(method, url, **kwargs) as response:
                body = await response.content.read(MAX_RESPONSE_BYTES + 1)
                status = response.status
        except (TimeoutError, aiohttp.ClientError, ValueError) as exc:
            raise provider_unreachable(provider.label, f"{type(exc).__name__}") from None
        if len(body) > MAX_RESPONSE_BYTES:
            raise provider_bad_response(provider.label, "response too large")
        try:
            return status, orjson.loads(body)
        except orjson.JSONDecodeError:
            raise provider_bad_response(provider.label, f"status {status}, not JSON") from None

    async def endpoints(self, provider: Provider) -> Endpoints:
        url = provider.discovery_url()
        if not url:
            return Endpoints(
                provider.auth_endpoint, provider.token_endpoint, provider.user_api_endpoint
            )
        meta = await self._discovery(provider, url)
        return Endpoints(
            provider.auth_endpoint or str(meta.get("authorization_endpoint", "")),
            provider.token_endpoint or str(meta.get("token_endpoint", "")),
            provider.user_api_endpoint or str(meta.get("userinfo_endpoint", "")),
            str(meta.get("issuer", "")),
            str(meta.get("jwks_uri", "")),
        )

    async def _discovery(self, provider: Provider, url: str) -> dict[str, Any]:
        cached = self._metadata.get(url)
        if cached is not None and cached[0] > time.monotonic():
            return cached[1]
        status, meta = await self._call(provider, "GET", url)
        if status != 200 or not isinstance(meta, dict) or not meta.get("authorization_endpoint"):
            raise provider_bad_response(provider.label, f"discovery: status {status}")
        self._metadata[url] = (time.monotonic() + METADATA_TTL_SECONDS, meta)
        return meta

    def start(self, provider: Provider, endpoints: Endpoints, redirect_uri: str) -> Started:
        state = generate_token(43)
        verifier = generate_token(64)
        nonce = generate_token(32) if provider.is_oidc else ""
        query = {
            "response_type": "code",
            "client_id": provider.client_id,
            "redirect_uri": redirect_uri,
            "state": state,
            "code_challenge": create_s256_code_challenge(verifier),
            "code_challenge_method": "S256",
        }
        if provider.scope:
            query["scope"] = provider.scope
        if nonce:
            query["nonce"] = nonce
        separator = "&" if "?" in endpoints.authorization else "?"
        return Started(
            f"{endpoints.authorization}{separator}{urlencode(query)}", state, verifier, nonce
        )

    async def exchange(
        self,
        provider: Provider,
        endpoints: Endpoints,
        code: str,
        redirect_uri: str,
        code_verifier: str,
    ) -> dict[str, Any]:
        """The provider's token response for the code (PKCE's verifier proves this server
        started the sign-in)."""
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "client_id": provider.client_id,
            "client_secret": provider.secret,
            "code_verifier": code_verifier,
        }
        status, body = await self._call(
            provider, "POST", endpoints.token, data=form, headers={"Accept": "application/json"}
        )
        if status != 200 or not isinstance(body, dict):
            error = body.get("error", "") if isinstance(body, dict) else ""
            raise provider_bad_response(provider.label, f"token: status {status} {error}")
        if str(body.get("token_type", "")).lower() != "bearer" or not body.get("access_token"):
            raise provider_bad_response(provider.label, "token: no bearer access token")
        return body

    async def verify_id_token(
        self, provider: Provider, endpoints: Endpoints, id_token: str, nonce: str
    ) -> dict[str, Any]:
        """The ID token's claims once its signature, issuer, audience, times and nonce
        are right; anything else is refused."""
        if not endpoints.jwks_uri:
            raise bad_id_token("the provider publishes no keys")
        try:
            header = jws.extract_compact(id_token.encode()).headers()
        except (JoseError, ValueError) as exc:
            raise bad_id_token(f"unreadable: {type(exc).__name__}") from None
        keys = await self._key_set(provider, endpoints.jwks_uri, str(header.get("kid", "")))
        try:
            token = jwt.decode(id_token, keys, algorithms=list(ID_TOKEN_ALGORITHMS))
        except (JoseError, ValueError) as exc:
            raise bad_id_token(f"signature: {type(exc).__name__}") from None
        claims = dict(token.claims)
        issuer = endpoints.issuer
        if "{tenantid}" in issuer:
            # Microsoft's multi-tenant document names each directory's issuer by its id.
            issuer = issuer.replace("{tenantid}", str(claims.get("tid", "")))
        registry = jwt.JWTClaimsRegistry(
            leeway=CLOCK_LEEWAY_SECONDS,
            iss={"essential": True, "value": issuer},
            sub={"essential": True},
            exp={"essential": True},
            nonce={"essential": True, "value": nonce},
        )
        try:
            registry.validate(claims)
        except JoseError as exc:
            raise bad_id_token(f"claims: {exc.description or exc.error}") from None
        audience = claims.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if provider.client_id not in audiences:
            raise bad_id_token("claims: audience")
        if len(audiences) > 1 and claims.get("azp") != provider.client_id:
            raise bad_id_token("claims: authorized party")
        return claims

    async def _key_set(self, provider: Provider, uri: str, kid: str) -> KeySet:
        cached = self._keys.get(uri)
        now = time.monotonic()
        if cached is not None and cached[0] > now:
            known = {k.kid for k in cached[1].keys}
            if not kid or kid in known:
                return cached[1]
        status, body = await self._call(provider, "GET", uri)
        if status != 200 or not isinstance(body, dict):
            raise provider_bad_response(provider.label, f"keys: status {status}")
        try:
            keys = KeySet.import_key_set(body)  # type: ignore[arg-type]
        except (JoseError, ValueError, TypeError) as exc:
            raise provider_bad_response(provider.label, f"keys: {type(exc).__name__}") from None
        self._keys[uri] = (now + METADATA_TTL_SECONDS, keys)
        return keys

    async def user_info(
        self, provider: Provider, endpoints: Endpoints, access_token: str
    ) -> dict[str, Any]:
        status, body = await self._call(
            provider,
            "GET",
            endpoints.userinfo,
            headers={"Authorization": f"Bearer {access_token}", "Accept": "application/json"},
        )
        if status != 200 or not isinstance(body, dict):
            raise provider_bad_response(provider.label, f"user info: status {status}")
        return body
