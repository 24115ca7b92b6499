"""``/users/{user_id}/teams/{team_id}/threads``: a user's collapsed reply threads."""

from __future__ import annotations

from starlette.responses import Response
from starlette.routing import Route

from roost.api.http.request import MAX_PER_PAGE, Req, endpoint
from roost.api.http.responses import json_response, ok_response
from roost.app.kernel import errors
from roost.app.posts.threads import DEFAULT_PER_PAGE, ThreadListQuery

PREFIX = "/users/{user_id}/teams/{team_id}/threads"
# Times in the path and query are int64 milliseconds.
MAX_MS = 2**63 - 1


async def list_threads(req: Req) -> Response:
    actor = await req.actor()
    user_id = await req.user_id_param()
    per_page = req.query_int("per_page", DEFAULT_PER_PAGE, 0, MAX_PER_PAGE) or DEFAULT_PER_PAGE
    query = ThreadListQuery(
        per_page=per_page,
        page=req.query_int("page", 0, 0, 1_000_000),
        before=req.query_id("before"),
        after=req.query_id("after"),
        since=req.query_int("since", 0, 0, MAX_MS),
        extended=req.query_bool("extended"),
        deleted=req.query_bool("deleted"),
        unread=req.query_bool("unread"),
        totals_only=req.query_bool("totalsOnly"),
        threads_only=req.query_bool("threadsOnly"),
    )
    result = await req.services.threads.user_threads(actor, user_id, req.path_id("team_id"), query)
    return json_response(result)


async def mention_counts(req: Req) -> Response:
    actor = await req.actor()
    user_id = await req.user_id_param()
    counts = await req.services.threads.mention_counts(actor, user_id, req.path_id("team_id"))
    return json_response(counts)


async def get_thread(req: Req) -> Response:
    actor = await req.actor()
    user_id = await req.user_id_param()
    thread = await req.services.threads.get(
        actor,
        user_id,
        req.path_id("team_id"),
        req.path_id("thread_id"),
        req.query_bool("extended"),
    )
    return json_response(thread)


async def mark_all_read(req: Req) -> Response:
    actor = await req.actor()
    user_id = await req.user_id_param()
    await req.services.threads.do_mark_all_read(actor, user_id, req.path_id("team_id"))
    return ok_response()


def _timestamp(req: Req) -> int:
    raw = req.path_str("timestamp", 20)
    if not raw.isdigit() or int(raw) > MAX_MS:
        raise errors.invalid_url_param("timestamp")
    return int(raw)


async def mark_read(req: Req) -> Response:
    actor = await req.actor()
    user_id = await req.user_id_param()
    thread = await req.services.threads.do_mark_read(
        actor, user_id, req.path_id("team_id"), req.path_id("thread_id"), _timestamp(req)
    )
    return json_response(thread)


async def set_unread(req: Req) -> Response:
    actor = await req.actor()
    user_id = await req.user_id_param()
    thread = await req.services.threads.do_set_unread(
        actor,
        user_id,
        req.path_id("team_id"),
        req.path_id("thread_id"),
        req.path_id("post_id"),
    )
    return json_response(thread)


async def follow(req: Req) -> Response:
    actor = await req.actor()
    user_id = await req.user_id_param()
    following = req.raw.method == "PUT"
    await req.services.threads.do_follow(
        actor, user_id, req.path_id("team_id"), req.path_id("thread_id"), following
    )
    return ok_response()


def routes() -> list[Route]:
    r = Route
    return [
        r(PREFIX, endpoint(list_threads), methods=["GET"]),
        r(f"{PREFIX}/read", endpoint(mark_all_read), methods=["PUT"]),
        # Before {thread_id}, which would take "mention_counts" for an id.
        r(f"{PREFIX}/mention_counts", endpoint(mention_counts), methods=["GET"]),
        r(f"{PREFIX}/{{thread_id}}", endpoint(get_thread), methods=["GET"]),
        r(f"{PREFIX}/{{thread_id}}/read/{{timestamp}}", endpoint(mark_read), methods=["PUT"]),
        r(
            f"{PREFIX}/{{thread_id}}/set_unread/{{post_id}}",
            endpoint(set_unread),
            methods=["POST"],
        ),
        r(f"{PREFIX}/{{thread_id}}/following", endpoint(follow), methods=["PUT", "DELETE"]),
    ]
