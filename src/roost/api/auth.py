"""Finding the caller's token, in Mattermost's lookup order, and the CSRF rule."""

from __future__ import annotations

import hmac

from starlette.requests import HTTPConnection

from roost.app.accounts.auth import Auth
from roost.app.kernel import errors
from roost.app.kernel.context import Actor
from roost.model.user import Session

AUTH_COOKIE = "MMAUTHTOKEN"
USER_COOKIE = "MMUSERID"
CSRF_COOKIE = "MMCSRF"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def find_token(conn: HTTPConnection) -> tuple[str, bool]:
    """The bearer token and whether it came from the cookie (which CSRF rules cover)."""
    cookie = conn.cookies.get(AUTH_COOKIE)
    if cookie:
        return cookie, True
    header = conn.headers.get("authorization", "")
    if header:
        scheme, _, value = header.partition(" ")
        if scheme.lower() in ("bearer", "token") and value.strip():
            return value.strip(), False
    query = conn.query_params.get("access_token")
    if query:
        return query, False
    return "", False


def _csrf_ok(conn: HTTPConnection, expected: str) -> bool:
    if conn.headers.get("x-requested-with", "") == "XMLHttpRequest":
        return True
    sent = conn.headers.get("x-csrf-token", "")
    return bool(expected) and hmac.compare_digest(sent, expected)


async def authenticate(conn: HTTPConnection, auth: Auth, tenant_id: str) -> Actor:
    return (await authenticate_session(conn, auth, tenant_id))[0]


async def authenticate_session(
    conn: HTTPConnection, auth: Auth, tenant_id: str
) -> tuple[Actor, Session]:
    """The caller, and the session it stands for (a WebSocket lives no longer)."""
    token, from_cookie = find_token(conn)
    if not token:
        raise errors.unauthorized()
    session = await auth.session_for_token(tenant_id, token)
    if session is None:
        raise errors.unauthorized()
    method = conn.scope.get("method", "GET")
    if from_cookie and method not in SAFE_METHODS and not _csrf_ok(conn, session.csrf_token):
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
