"""Finding the caller's token, in Mattermost's lookup order, and the CSRF rule."""

from __future__ import annotations

import hmac
from urllib.parse import urlsplit

from starlette.requests import HTTPConnection

from roost.api.http.errors import token_in_query
from roost.app.accounts.auth import Auth
from roost.app.kernel import errors
from roost.app.kernel.context import Actor
from roost.model.user import Session

AUTH_COOKIE = "MMAUTHTOKEN"
USER_COOKIE = "MMUSERID"
CSRF_COOKIE = "MMCSRF"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


# Where a token came from: the cookie (CSRF rules cover it), a header, or the query string.
COOKIE, HEADER, QUERY = "cookie", "header", "query"


def find_token(conn: HTTPConnection, allow_cookie: bool = True) -> tuple[str, str]:
    """The bearer token and where it came from, in Mattermost's lookup order."""
    cookie = conn.cookies.get(AUTH_COOKIE) if allow_cookie else None
    if cookie:
        return cookie, COOKIE
    header = conn.headers.get("authorization", "")
    if header:
        scheme, _, value = header.partition(" ")
        if scheme.lower() in ("bearer", "token") and value.strip():
            return value.strip(), HEADER
    query = conn.query_params.get("access_token")
    if query:
        return query, QUERY
    return "", ""


def _csrf_ok(conn: HTTPConnection, expected: str) -> bool:
    if conn.headers.get("x-requested-with", "") == "XMLHttpRequest":
        return True
    sent = conn.headers.get("x-csrf-token", "")
    return bool(expected) and hmac.compare_digest(sent, expected)


def same_origin(conn: HTTPConnection, site_url: str) -> bool:
    """Whether the request's ``Origin`` is the site it was sent to: the host it named,
    or the tenant's site URL. No ``Origin`` at all (native clients, drivers) passes."""
    origin = conn.headers.get("origin")
    if origin is None:
        return True
    parts = urlsplit(origin.strip().lower())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return False  # "null" (sandboxed frames, file: pages) and the like
    if parts.netloc == conn.headers.get("host", "").strip().lower():
        return True
    site = urlsplit(site_url.lower())
    return (parts.scheme, parts.netloc) == (site.scheme, site.netloc)


async def authenticate(conn: HTTPConnection, auth: Auth, tenant_id: str) -> Actor:
    return (await authenticate_session(conn, auth, tenant_id))[0]


async def authenticate_session(
    conn: HTTPConnection, auth: Auth, tenant_id: str, allow_cookie: bool = True
) -> tuple[Actor, Session]:
    """The caller, and the session it stands for (a WebSocket lives no longer)."""
    token, where = find_token(conn, allow_cookie)
    if not token:
        raise errors.unauthorized()
    session = await auth.session_for_token(tenant_id, token)
    if session is None:
        raise errors.unauthorized()
    if where == QUERY:
        # Mattermost takes only OAuth tokens from the query string (URLs end up in logs,
        # histories and Referer headers); Roost issues none, so sessions and personal
        # access tokens are refused there.
        raise token_in_query()
    method = conn.scope.get("method", "GET")
    if where == COOKIE and method not in SAFE_METHODS and not _csrf_ok(conn, session.csrf_token):
        raise errors.unauthorized()
    actor = Actor(
        tenant_id=tenant_id,
        user_id=session.user_id,
        roles=session.roles,
        session_id=session.id,
        connection_id=conn.headers.get("connection-id", ""),
        is_bot=session.is_bot,
        username=session.username,
    )
    return actor, session
