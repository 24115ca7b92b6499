"""``/ldap/groups``: the directory's groups and their links to Roost groups (system
admins), as Mattermost's."""

from __future__ import annotations

from starlette.responses import Response
from starlette.routing import Route

from roost.api.http.request import Req, endpoint
from roost.api.http.responses import json_response, ok_response
from roost.app.messaging.ldap_groups import REMOTE_ID_MAX


async def list_groups(req: Req) -> Response:
    actor = await req.actor()
    offset, per_page = req.paging()
    page = offset // per_page if per_page else 0
    q = req.query_str("q", max_len=128)
    is_linked = req.query_bool("is_linked") if req.raw.query_params.get("is_linked") else None
    found = await req.services.messaging.ldap_groups.list(actor, q, page, per_page, is_linked)
    return json_response(found)


async def link(req: Req) -> Response:
    """201 with the group when it is made now; 200 when it was linked already or is
    linked again."""
    actor = await req.actor()
    remote_id = req.path_str("remote_id", max_len=REMOTE_ID_MAX)
    group, created = await req.services.messaging.ldap_groups.do_link(actor, remote_id)
    return json_response(group.to_dict(), status=201 if created else 200)


async def unlink(req: Req) -> Response:
    actor = await req.actor()
    remote_id = req.path_str("remote_id", max_len=REMOTE_ID_MAX)
    await req.services.messaging.ldap_groups.do_unlink(actor, remote_id)
    return ok_response()


def routes() -> list[Route]:
    return [
        Route("/ldap/groups", endpoint(list_groups), methods=["GET"]),
        Route("/ldap/groups/{remote_id}/link", endpoint(link), methods=["POST"]),
        Route("/ldap/groups/{remote_id}/link", endpoint(unlink), methods=["DELETE"]),
    ]
