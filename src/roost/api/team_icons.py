"""``/teams/{id}/image``: team icons, read, uploaded (multipart field ``image``) and
removed (app/channels/team_icons.py)."""

from __future__ import annotations

from starlette.responses import Response
from starlette.routing import Route

from roost.api.http.request import Req, endpoint
from roost.api.http.responses import ok_response
from roost.api.picture_upload import read_picture
from roost.app.channels.errors import team_icon_too_large
from roost.app.kernel.images import MAX_PICTURE_BYTES

# As Mattermost: a day in private caches, revalidated by the icon's time as its ETag.
CACHE = "max-age=86400, private"


async def team_icon(req: Req) -> Response:
    actor = await req.actor()
    team, png = await req.services.team_icons.png(actor, req.path_id("team_id"))
    etag = str(team.last_team_icon_update)
    headers = {"Cache-Control": CACHE, "ETag": etag}
    if req.raw.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    return Response(png, media_type="image/png", headers=headers)


async def set_team_icon(req: Req) -> Response:
    actor = await req.actor()
    team_id = req.path_id("team_id")
    # Refused before a byte of the picture is read, as Mattermost checks first.
    await req.services.team_icons.check_manager(actor, team_id)
    data = await read_picture(
        req, lambda: team_icon_too_large(f"more than {MAX_PICTURE_BYTES} bytes")
    )
    await req.services.team_icons.do_set(actor, team_id, data)
    return ok_response()


async def remove_team_icon(req: Req) -> Response:
    actor = await req.actor()
    await req.services.team_icons.do_remove(actor, req.path_id("team_id"))
    return ok_response()


def routes() -> list[Route]:
    return [
        Route("/teams/{team_id}/image", endpoint(team_icon), methods=["GET"]),
        Route("/teams/{team_id}/image", endpoint(set_team_icon), methods=["POST"]),
        Route("/teams/{team_id}/image", endpoint(remove_team_icon), methods=["DELETE"]),
    ]
