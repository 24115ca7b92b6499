"""Everyday-messaging routes: ``POST /opengraph`` (link previews), the scheduled posts
(``/posts/schedule``, ``/posts/scheduled/team/{team_id}``), post reminders,
acknowledgements, channel privacy and a team's new invite id."""

from __future__ import annotations

from starlette.responses import Response
from starlette.routing import Route

from roost.api import (
    messaging_bookmarks,
    messaging_dialogs,
    messaging_groups,
    messaging_guests,
)
from roost.api.http.request import Req, endpoint
from roost.api.http.responses import json_response, ok_response


async def opengraph(req: Req) -> Response:
    actor = await req.actor()
    body = await req.json_object()
    data = await req.services.messaging.link_previews.opengraph(actor, body.get("url"))
    return json_response(data)


async def create_scheduled(req: Req) -> Response:
    actor = await req.actor()
    body = await req.json_object()
    created = await req.services.messaging.scheduled_posts.do_create(actor, body)
    return json_response(created.to_dict(), status=201)


async def update_scheduled(req: Req) -> Response:
    actor = await req.actor()
    scheduled_id = req.path_id("scheduled_post_id")
    body = await req.json_object()
    saved = await req.services.messaging.scheduled_posts.do_update(actor, scheduled_id, body)
    # 201, as Mattermost answers an update (and a delete) of a scheduled post.
    return json_response(saved.to_dict(), status=201)


async def delete_scheduled(req: Req) -> Response:
    actor = await req.actor()
    scheduled_id = req.path_id("scheduled_post_id")
    gone = await req.services.messaging.scheduled_posts.do_delete(actor, scheduled_id)
    return json_response(gone.to_dict(), status=201)


async def team_scheduled(req: Req) -> Response:
    actor = await req.actor()
    team_id = req.path_id("team_id")
    include_direct = req.query_bool("includeDirectChannels")
    found = await req.services.messaging.scheduled_posts.for_team(actor, team_id, include_direct)
    return json_response({k: [sp.to_dict() for sp in v] for k, v in found.items()})


async def set_reminder(req: Req) -> Response:
    actor = await req.actor()
    user_id = await req.user_id_param()
    post_id = req.path_id("post_id")
    body = await req.json_object()
    await req.services.messaging.reminders.do_set(actor, user_id, post_id, body)
    return ok_response()


async def acknowledge(req: Req) -> Response:
    actor = await req.actor()
    user_id = await req.user_id_param()
    ack = await req.services.messaging.acknowledgements.do_ack(
        actor, user_id, req.path_id("post_id")
    )
    return json_response(ack)


async def unacknowledge(req: Req) -> Response:
    actor = await req.actor()
    user_id = await req.user_id_param()
    await req.services.messaging.acknowledgements.do_unack(actor, user_id, req.path_id("post_id"))
    return ok_response()


async def channel_privacy(req: Req) -> Response:
    actor = await req.actor()
    body = await req.json_object()
    channel = await req.services.messaging.channel_privacy.do_convert(
        actor, req.path_id("channel_id"), body.get("privacy")
    )
    return json_response(channel.to_dict())


async def regenerate_invite_id(req: Req) -> Response:
    actor = await req.actor()
    team = await req.services.teams.do_regenerate_invite_id(actor, req.path_id("team_id"))
    return json_response(team.to_dict())


def routes() -> list[Route]:
    r = Route
    return [
        r("/opengraph", endpoint(opengraph), methods=["POST"]),
        r("/posts/schedule", endpoint(create_scheduled), methods=["POST"]),
        r("/posts/schedule/{scheduled_post_id}", endpoint(update_scheduled), methods=["PUT"]),
        r("/posts/schedule/{scheduled_post_id}", endpoint(delete_scheduled), methods=["DELETE"]),
        r("/posts/scheduled/team/{team_id}", endpoint(team_scheduled), methods=["GET"]),
        r(
            "/users/{user_id}/posts/{post_id}/reminder",
            endpoint(set_reminder),
            methods=["POST"],
        ),
        r("/users/{user_id}/posts/{post_id}/ack", endpoint(acknowledge), methods=["POST"]),
        r("/users/{user_id}/posts/{post_id}/ack", endpoint(unacknowledge), methods=["DELETE"]),
        r("/channels/{channel_id}/privacy", endpoint(channel_privacy), methods=["PUT"]),
        r(
            "/teams/{team_id}/regenerate_invite_id",
            endpoint(regenerate_invite_id),
            methods=["POST"],
        ),
        *messaging_bookmarks.routes(),
        *messaging_groups.routes(),
        *messaging_dialogs.routes(),
        *messaging_guests.routes(),
    ]
