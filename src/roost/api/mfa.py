"""MFA routes, as Mattermost's: whether a login needs a code, generating a secret, and
turning MFA on or off. Generating and updating work without MFA even where it is
enforced: they are how a user sets it up."""

from __future__ import annotations

from starlette.responses import Response
from starlette.routing import Route

from roost.api.http.request import Req, endpoint
from roost.api.http.responses import json_response, ok_response
from roost.app.kernel import errors

MAX_LOGIN_ID = 128
MAX_CODE = 16


async def check_mfa(req: Req) -> Response:
    body = await req.json_object()
    login_id = body.get("login_id")
    if not isinstance(login_id, str) or not login_id or len(login_id) > MAX_LOGIN_ID:
        raise errors.invalid_param("login_id")
    required = await req.services.mfa.mfa_required(req.tenant_id, login_id)
    return json_response({"mfa_required": required})


async def generate_secret(req: Req) -> Response:
    actor = await req.actor(mfa_exempt=True)
    secret = await req.services.mfa.do_generate_secret(actor, await req.user_id_param())
    # The secret is in this answer only: no cache may keep it.
    return json_response(
        secret,
        headers={"Cache-Control": "no-cache, no-store", "Pragma": "no-cache", "Expires": "0"},
    )


async def update_mfa(req: Req) -> Response:
    actor = await req.actor(mfa_exempt=True)
    user_id = await req.user_id_param()
    body = await req.json_object()
    activate = body.get("activate")
    if not isinstance(activate, bool):
        raise errors.invalid_param("activate")
    code = ""
    if activate:
        code_value = body.get("code")
        if not isinstance(code_value, str) or not code_value or len(code_value) > MAX_CODE:
            raise errors.invalid_param("code")
        code = code_value
    await req.services.mfa.do_update(actor, user_id, activate, code)
    req.services.audit.record(actor, "updateUserMfa", f"user_id={user_id} activate={activate}")
    return ok_response()


def routes() -> list[Route]:
    r = Route
    return [
        r("/users/mfa", endpoint(check_mfa), methods=["POST"]),
        r("/users/{user_id}/mfa", endpoint(update_mfa), methods=["PUT"]),
        r("/users/{user_id}/mfa/generate", endpoint(generate_secret), methods=["POST"]),
    ]
