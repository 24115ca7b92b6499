"""``/users``: sign-up, login, profiles and lookups."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict
from starlette.responses import Response
from starlette.routing import Route

from roost.api.auth import AUTH_COOKIE, CSRF_COOKIE, USER_COOKIE
from roost.api.http.client_gone import ClientGone, client_left, gone_response, until_client_leaves
from roost.api.http.rate_limit import check_login_id
from roost.api.http.request import Req, endpoint
from roost.api.http.responses import json_response, ok_response
from roost.api.sessions import session_props
from roost.app.kernel import errors
from roost.app.kernel.context import Actor
from roost.ids import is_valid_id

MAX_LOOKUP_IDS = 1000
# Mattermost answers the first 50 group channels of a longer list and drops the rest
# unsaid; Roost answers up to this many and refuses more.
MAX_GROUP_CHANNELS = 1000


class NewUser(BaseModel):
    model_config = ConfigDict(extra="ignore")
    username: str
    email: str
    password: str
    first_name: str = ""
    last_name: str = ""
    nickname: str = ""
    position: str = ""
    locale: str = "en"


class Login(BaseModel):
    model_config = ConfigDict(extra="ignore")
    login_id: str = ""
    id: str = ""
    password: str
    token: str | None = None
    device_id: str = ""
    ldap_only: bool | str = False


async def create_user(req: Req) -> Response:
    body = await req.model(NewUser)
    actor = None
    if req.raw.headers.get("authorization") or req.raw.cookies.get(AUTH_COOKIE):
        actor = await req.actor()
    # A team's invite link (emailed by POST /teams/{id}/invite/email): sign up and join.
    team_invite = req.query_str("iid", max_len=64)
    if team_invite:
        await req.services.notifications.accounts.check_team_invite(req.tenant_id, team_invite)
    # ?t= is a guest invitation's token, or else the tenant's first-admin invite.
    token = req.query_str("t", max_len=256)
    guest_invites = req.services.notifications.guest_invites
    guest_invite = await guest_invites.find(req.tenant_id, token) if token else None
    user = await req.services.users.do_create_user(
        req.tenant_id,
        username=body.username,
        email=guest_invite.email if guest_invite else body.email,
        password=body.password,
        first_name=body.first_name,
        last_name=body.last_name,
        nickname=body.nickname,
        position=body.position,
        locale=body.locale,
        actor=actor,
        invite_token="" if guest_invite else token,
        team_invite=bool(team_invite or guest_invite),
        guest=guest_invite is not None,
    )
    if guest_invite is not None:
        await guest_invites.do_accept(req.tenant_id, token, guest_invite, user)
    if team_invite:
        joiner = Actor(req.tenant_id, user.id, user.roles, username=user.username)
        await req.services.teams.do_join_by_invite(joiner, team_invite)
    return json_response(user.to_dict(), status=201)


async def login(req: Req) -> Response:
    body = await req.model(Login)
    services = req.services
    if body.id and not body.login_id:
        user = await services.users.get(req.tenant_id, body.id)
        body.login_id = user.username
    if not body.login_id:
        raise errors.invalid_body_param("login_id")
    await check_login_id(req.raw.app.state.rate_limits, req.tenant_id, body.login_id)
    # The password check waits for a hashing slot: a client that leaves meanwhile gets
    # its check dropped, and no session is made for it. Its turn in the queue is by the
    # client's address as the rate limits see it (the trusted proxy header, if any).
    source = req.raw.app.state.rate_limits.client_address(req.raw.scope)
    try:
        user = await until_client_leaves(
            req.raw,
            services.auth.check_credentials(
                req.tenant_id,
                body.login_id,
                body.password,
                source=source,
                ldap_only=body.ldap_only in (True, "true"),
            ),
        )
    except ClientGone:
        return gone_response()
    await services.mfa.check_login(req.tenant_id, user, body.token)
    if await client_left(req.raw):
        return gone_response()
    props = session_props(req.raw.headers.get("user-agent", ""))
    session, token = await services.auth.do_login(req.tenant_id, user, body.device_id, props)
    response = json_response(user.to_dict(), headers={"Token": token})
    if req.raw.headers.get("x-requested-with") == "XMLHttpRequest":
        max_age = max(0, (session.expires_at - session.create_at) // 1000)
        secure = services.settings.serving.site_url.startswith("https://")
        response.set_cookie(
            AUTH_COOKIE,
            token,
            max_age=max_age,
            path="/",
            httponly=True,
            secure=secure,
            samesite="lax",
        )
        response.set_cookie(
            USER_COOKIE, user.id, max_age=max_age, path="/", secure=secure, samesite="lax"
        )
        response.set_cookie(
            CSRF_COOKIE,
            session.csrf_token,
            max_age=max_age,
            path="/",
            secure=secure,
            samesite="lax",
        )
    return response


async def logout(req: Req) -> Response:
    try:
        actor = await req.actor(mfa_exempt=True)
    except errors.AppError:
        actor = None
    if actor is not None and actor.session_id:
        await req.services.auth.do_logout(actor)
    response = ok_response()
    for name in (AUTH_COOKIE, USER_COOKIE, CSRF_COOKIE):
        response.delete_cookie(name, path="/")
    return response


async def get_user(req: Req) -> Response:
    # Mattermost lets a user without the MFA it enforces read themselves.
    actor = await req.actor(mfa_exempt=req.raw.path_params.get("user_id") == "me")
    user = await req.services.users.get_seen(actor, await req.user_id_param())
    return json_response(req.services.users.profile(actor, user))


async def list_users(req: Req) -> Response:
    actor = await req.actor()
    offset, limit = req.paging()
    filters: dict[str, Any] = {
        "offset": offset,
        "limit": limit,
        "in_team": req.query_id("in_team"),
        "not_in_team": req.query_id("not_in_team"),
        "in_channel": req.query_id("in_channel"),
        "not_in_channel": req.query_id("not_in_channel"),
        "active_only": req.query_bool("active"),
    }
    users = await req.services.users.list_seen(actor, **filters)
    return json_response(req.services.users.profiles(actor, users))


async def users_by_ids(req: Req) -> Response:
    actor = await req.actor()
    ids = await req.id_list("user_ids", MAX_LOOKUP_IDS)
    users = await req.services.users.get_many_seen(actor, ids)
    return json_response(req.services.users.profiles(actor, users))


async def known_users(req: Req) -> Response:
    actor = await req.actor()
    return json_response(await req.services.users.known_user_ids(actor))


async def group_channel_users(req: Req) -> Response:
    actor = await req.actor()
    ids = await req.id_list("channel_ids", MAX_GROUP_CHANNELS)
    if not ids:
        raise errors.invalid_param("channel_ids")
    found = await req.services.users.group_channel_profiles(actor, ids)
    return json_response(
        {cid: req.services.users.profiles(actor, people) for cid, people in found.items()}
    )


async def users_by_usernames(req: Req) -> Response:
    actor = await req.actor()
    names = await req.str_list("usernames", MAX_LOOKUP_IDS, 64)
    users = await req.services.users.get_by_usernames_seen(actor, names)
    return json_response(req.services.users.profiles(actor, users))


async def user_by_username(req: Req) -> Response:
    actor = await req.actor()
    user = await req.services.users.get_by_username(actor.tenant_id, req.path_str("username", 64))
    await req.services.users.check_can_see(actor, user.id)
    return json_response(req.services.users.profile(actor, user))


async def user_by_email(req: Req) -> Response:
    actor = await req.actor()
    req.services.users.check_may_see_emails(actor)
    user = await req.services.users.get_by_email(actor.tenant_id, req.path_str("email", 128))
    await req.services.users.check_can_see(actor, user.id)
    return json_response(req.services.users.profile(actor, user))


async def patch_user(req: Req) -> Response:
    actor = await req.actor()
    user = await req.services.users.do_patch_user(
        actor, await req.user_id_param(), await req.json_object()
    )
    return json_response(req.services.users.profile(actor, user))


async def update_user(req: Req) -> Response:
    actor = await req.actor()
    user_id = await req.user_id_param()
    body = await req.json_object()
    if body.get("id") not in (None, user_id):
        raise errors.invalid_body_param("id")
    user = await req.services.users.do_patch_user(actor, user_id, body, whole=True)
    return json_response(req.services.users.profile(actor, user))


async def update_roles(req: Req) -> Response:
    actor = await req.actor()
    body = await req.json_object()
    roles = body.get("roles")
    if not isinstance(roles, str):
        raise errors.invalid_body_param("roles")
    await req.services.users.do_update_roles(actor, await req.user_id_param(), roles)
    return ok_response()


async def update_active(req: Req) -> Response:
    actor = await req.actor()
    body = await req.json_object()
    active = body.get("active")
    if not isinstance(active, bool):
        raise errors.invalid_body_param("active")
    await req.services.users.do_set_active(actor, await req.user_id_param(), active)
    return ok_response()


async def deactivate_user(req: Req) -> Response:
    actor = await req.actor()
    await req.services.users.do_set_active(actor, await req.user_id_param(), False)
    return ok_response()


async def update_password(req: Req) -> Response:
    actor = await req.actor()
    body = await req.json_object()
    current = body.get("current_password", "")
    new = body.get("new_password")
    if not isinstance(new, str) or not isinstance(current, str):
        raise errors.invalid_body_param("new_password")
    await req.services.users.do_update_password(actor, await req.user_id_param(), current, new)
    return ok_response()


async def autocomplete(req: Req) -> Response:
    actor = await req.actor()
    name = req.query_str("name", max_len=64).lower().lstrip("@")
    team_id = req.query_id("in_team")
    channel_id = req.query_id("in_channel")
    limit = req.query_int("limit", 100, 1, 100)
    users = req.services.users
    if channel_id:
        inside = await users.search(
            actor, name, offset=0, limit=limit, in_channel=channel_id, active_only=True
        )
        outside = await users.search(
            actor,
            name,
            offset=0,
            limit=limit,
            in_team=team_id,
            not_in_channel=channel_id,
            active_only=True,
        )
        return json_response(
            {
                "users": users.profiles(actor, inside),
                "out_of_channel": users.profiles(actor, outside),
            }
        )
    found = await users.search(
        actor, name, offset=0, limit=limit, in_team=team_id, active_only=True
    )
    return json_response({"users": users.profiles(actor, found)})


async def search_users(req: Req) -> Response:
    actor = await req.actor()
    body = await req.json_object()
    term = body.get("term")
    if not isinstance(term, str) or len(term) > 64:
        raise errors.invalid_body_param("term")
    limit = body.get("limit", 100)
    if not isinstance(limit, int) or limit < 1:
        raise errors.invalid_body_param("limit")
    found = await req.services.users.search(
        actor,
        term.lower().lstrip("@"),
        offset=0,
        limit=min(limit, 100),
        in_team=str(body.get("team_id") or ""),
        in_channel=str(body.get("in_channel_id") or ""),
        not_in_channel=str(body.get("not_in_channel_id") or ""),
        active_only=not body.get("allow_inactive", False),
    )
    return json_response(req.services.users.profiles(actor, found))


async def typing(req: Req) -> Response:
    actor = await req.actor()
    body = await req.json_object()
    channel_id = body.get("channel_id")
    parent_id = body.get("parent_id") or ""
    if not isinstance(channel_id, str) or not is_valid_id(channel_id):
        raise errors.invalid_param("channel_id")
    if not isinstance(parent_id, str):
        raise errors.invalid_param("parent_id")
    await req.services.channels.do_user_typing_for(
        actor, await req.user_id_param(), channel_id, parent_id
    )
    return ok_response()


def routes() -> list[Route]:
    r = Route
    return [
        r("/users", endpoint(create_user), methods=["POST"]),
        r("/users", endpoint(list_users), methods=["GET"]),
        r("/users/login", endpoint(login), methods=["POST"]),
        r("/users/logout", endpoint(logout), methods=["POST"]),
        r("/users/ids", endpoint(users_by_ids), methods=["POST"]),
        r("/users/usernames", endpoint(users_by_usernames), methods=["POST"]),
        r("/users/autocomplete", endpoint(autocomplete), methods=["GET"]),
        r("/users/search", endpoint(search_users), methods=["POST"]),
        r("/users/known", endpoint(known_users), methods=["GET"]),
        r("/users/group_channels", endpoint(group_channel_users), methods=["POST"]),
        r("/users/username/{username}", endpoint(user_by_username), methods=["GET"]),
        r("/users/email/{email}", endpoint(user_by_email), methods=["GET"]),
        r("/users/{user_id}", endpoint(get_user), methods=["GET"]),
        r("/users/{user_id}", endpoint(update_user), methods=["PUT"]),
        r("/users/{user_id}", endpoint(deactivate_user), methods=["DELETE"]),
        r("/users/{user_id}/patch", endpoint(patch_user), methods=["PUT"]),
        r("/users/{user_id}/roles", endpoint(update_roles), methods=["PUT"]),
        r("/users/{user_id}/active", endpoint(update_active), methods=["PUT"]),
        r("/users/{user_id}/password", endpoint(update_password), methods=["PUT"]),
        r("/users/{user_id}/typing", endpoint(typing), methods=["POST"]),
    ]
