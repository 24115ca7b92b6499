"""Parsing the two bodies that set a team or channel member's admin flag."""

from __future__ import annotations

from roost.api.http.request import Req
from roost.app.kernel import errors


async def admin_from_roles(req: Req, scope: str) -> bool:
    """``{"roles": "<scope>_user[ <scope>_admin]"}`` -> whether the member is an admin."""
    roles = (await req.json_object()).get("roles")
    if not isinstance(roles, str):
        raise errors.invalid_body_param("roles")
    wanted = set(roles.split())
    user_role, admin_role = f"{scope}_user", f"{scope}_admin"
    if user_role not in wanted or not wanted <= {user_role, admin_role}:
        raise errors.invalid_body_param("roles")
    return admin_role in wanted


async def admin_from_scheme_roles(req: Req) -> bool:
    """``{"scheme_user": true, "scheme_admin": bool}`` -> the admin flag."""
    body = await req.json_object()
    admin = body.get("scheme_admin")
    if not isinstance(admin, bool) or body.get("scheme_user", True) is not True:
        raise errors.invalid_body_param("scheme_admin")
    return admin
