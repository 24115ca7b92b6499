"""Notifications: the mobile app's acknowledgement of a push, the admin's test email, the
notification outbox as admins see it (Roost's own ``/notifications/outbox``), and the
account emails: password reset, email verification, team invitations."""

from __future__ import annotations

from starlette.responses import Response
from starlette.routing import Route

from roost.api.http.request import Req, endpoint
from roost.api.http.responses import json_response, ok_response
from roost.app.kernel import errors


async def ack(req: Req) -> Response:
    actor = await req.actor()
    body = await req.json_object()
    return json_response(await req.services.notifications.do_ack(actor, body))


async def test_email(req: Req) -> Response:
    """Mattermost posts a whole config to test; Roost tests the server's own email
    settings, sending to the calling admin's address."""
    actor = await req.actor()
    await req.json_object()  # the config Mattermost's console sends; read, not used
    user = await req.services.users.get(actor.tenant_id, actor.user_id)
    await req.services.notifications.do_test_email(actor, user.email)
    return ok_response()


async def outbox(req: Req) -> Response:
    actor = await req.actor()
    page = req.query_int("page", 0, 0, 10_000)
    per_page = req.query_int("per_page", 60, 1, 200)
    return json_response(await req.services.notifications.outbox_status(actor, page, per_page))


async def send_password_reset(req: Req) -> Response:
    body = await req.json_object()
    await req.services.notifications.accounts.do_send_password_reset(
        req.tenant_id, body.get("email", "")
    )
    return ok_response()


async def reset_password(req: Req) -> Response:
    body = await req.json_object()
    await req.services.notifications.accounts.do_reset_password(
        req.tenant_id, body.get("token", ""), body.get("new_password", "")
    )
    return ok_response()


async def send_verification(req: Req) -> Response:
    body = await req.json_object()
    await req.services.notifications.accounts.do_send_verification(
        req.tenant_id, body.get("email", "")
    )
    return ok_response()


async def verify_email(req: Req) -> Response:
    body = await req.json_object()
    await req.services.notifications.accounts.do_verify_email(req.tenant_id, body.get("token", ""))
    return ok_response()


async def verify_member_email(req: Req) -> Response:
    actor = await req.actor()
    user = await req.services.notifications.accounts.do_verify_member(actor, req.path_id("user_id"))
    return json_response(user.to_dict())


async def invite_by_email(req: Req) -> Response:
    actor = await req.actor()
    addresses = await req.json()
    if not isinstance(addresses, list):
        raise errors.invalid_body_param("emails")
    await req.services.notifications.accounts.do_invite_by_email(
        actor, req.path_id("team_id"), addresses
    )
    return ok_response()


async def invite_guests(req: Req) -> Response:
    actor = await req.actor()
    await req.services.notifications.guest_invites.do_invite(
        actor, req.path_id("team_id"), await req.json_object()
    )
    return ok_response()


def routes() -> list[Route]:
    return [
        Route("/users/password/reset/send", endpoint(send_password_reset), methods=["POST"]),
        Route("/users/password/reset", endpoint(reset_password), methods=["POST"]),
        Route("/users/email/verify/send", endpoint(send_verification), methods=["POST"]),
        Route("/users/email/verify", endpoint(verify_email), methods=["POST"]),
        Route(
            "/users/{user_id}/email/verify/member",
            endpoint(verify_member_email),
            methods=["POST"],
        ),
        Route("/teams/{team_id}/invite/email", endpoint(invite_by_email), methods=["POST"]),
        Route("/teams/{team_id}/invite-guests/email", endpoint(invite_guests), methods=["POST"]),
        Route("/notifications/ack", endpoint(ack), methods=["POST"]),
        Route("/notifications/outbox", endpoint(outbox), methods=["GET"]),
        Route("/email/test", endpoint(test_email), methods=["POST"]),
    ]
