"""Search: posts (in a team or everywhere), a team's files, and every channel (admins)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict
from starlette.responses import Response
from starlette.routing import Route

from roost.api.http.request import MAX_PER_PAGE, Req, endpoint
from roost.api.http.responses import json_response
from roost.app.posts.search import DEFAULT_PER_PAGE, ChannelSearch, SearchRequest

# Mattermost's time_zone_offset is in seconds; a day either way of UTC is plenty.
MAX_OFFSET_SECONDS = 86_400


class SearchBody(BaseModel):
    model_config = ConfigDict(extra="ignore")
    terms: str
    is_or_search: bool = False
    time_zone_offset: int = 0
    include_deleted_channels: bool = False
    page: int = 0
    per_page: int = DEFAULT_PER_PAGE


async def _request(req: Req) -> SearchRequest:
    body = await req.model(SearchBody)
    return SearchRequest(
        terms=body.terms,
        is_or_search=body.is_or_search,
        time_zone_offset=max(-MAX_OFFSET_SECONDS, min(MAX_OFFSET_SECONDS, body.time_zone_offset)),
        include_deleted_channels=body.include_deleted_channels,
        page=body.page,
        per_page=body.per_page,
    )


async def _search(req: Req, team_id: str | None) -> Response:
    actor = await req.actor()
    request = await _request(req)
    result = await req.services.search.search_posts(actor, team_id, request)
    return json_response(result.to_dict())


async def search_team_files(req: Req) -> Response:
    actor = await req.actor()
    request = await _request(req)
    found = await req.services.search.search_files(actor, req.path_id("team_id"), request)
    return json_response(found)


async def search_team_posts(req: Req) -> Response:
    return await _search(req, req.path_id("team_id"))


async def search_all_posts(req: Req) -> Response:
    return await _search(req, None)


class ChannelSearchBody(BaseModel):
    model_config = ConfigDict(extra="ignore")
    term: str = ""
    public: bool = False
    private: bool = False
    include_deleted: bool = False
    deleted: bool = False
    team_ids: list[str] = []
    page: int | None = None
    per_page: int | None = None


async def search_all_channels(req: Req) -> Response:
    """Mattermost answers a list, or ``{channels, total_count}`` when paged."""
    actor = await req.actor()
    body = await req.model(ChannelSearchBody)
    paged = body.page is not None and body.per_page is not None
    query = ChannelSearch(
        term=body.term,
        public=body.public,
        private=body.private,
        include_deleted=body.include_deleted or body.deleted,
        team_ids=body.team_ids[:MAX_PER_PAGE],
        page=max(0, body.page or 0),
        per_page=min(MAX_PER_PAGE, max(1, body.per_page or DEFAULT_PER_PAGE)) if paged else 100,
    )
    found, total = await req.services.search.search_all_channels(actor, query)
    if paged:
        return json_response({"channels": found, "total_count": total})
    return json_response(found)


def routes() -> list[Route]:
    r = Route
    return [
        r("/teams/{team_id}/posts/search", endpoint(search_team_posts), methods=["POST"]),
        r("/posts/search", endpoint(search_all_posts), methods=["POST"]),
        r("/teams/{team_id}/files/search", endpoint(search_team_files), methods=["POST"]),
        r("/channels/search", endpoint(search_all_channels), methods=["POST"]),
    ]
