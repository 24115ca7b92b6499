"""``/posts``, ``/channels/{id}/posts`` and friends: posts, threads, pins."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict
from starlette.responses import Response
from starlette.routing import Route

from roost.api.http.request import MAX_PER_PAGE, Req, endpoint
from roost.api.http.responses import json_response, ok_response
from roost.app.kernel import errors
from roost.app.posts.lists import ChannelPostsQuery, ThreadQuery
from roost.app.posts.posts import PostDraft, PostPatch

MAX_POST_IDS = 1000
DEFAULT_PER_PAGE = 60


class NewPost(BaseModel):
    model_config = ConfigDict(extra="ignore")
    channel_id: str = ""
    message: str | None = None
    root_id: str | None = None
    file_ids: list[str] | None = None
    props: dict[str, Any] | None = None
    type: str | None = None
    pending_post_id: str | None = None
    create_at: int = 0
    metadata: dict[str, Any] | None = None


class Patch(BaseModel):
    model_config = ConfigDict(extra="ignore")
    message: str | None = None
    is_pinned: bool | None = None
    file_ids: list[str] | None = None
    props: dict[str, Any] | None = None


def _flag(req: Req, name: str) -> bool:
    """Mattermost's lenient boolean query flags: anything but true/1 is false."""
    return req.raw.query_params.get(name, "").lower() in ("true", "1")


def _int(req: Req, name: str) -> int:
    raw = req.raw.query_params.get(name, "")
    if raw == "":
        return 0
    try:
        return int(raw)
    except ValueError:
        raise errors.invalid_param(name) from None


async def create_post(req: Req) -> Response:
    actor = await req.actor()
    body = await req.model(NewPost)
    draft = PostDraft(
        channel_id=body.channel_id,
        message=body.message or "",
        root_id=body.root_id or "",
        file_ids=body.file_ids or [],
        props=body.props or {},
        type=body.type or "",
        pending_post_id=body.pending_post_id or "",
        create_at=body.create_at,
        priority=(body.metadata or {}).get("priority"),
    )
    set_online = req.raw.query_params.get("set_online", "true").lower() not in ("false", "0")
    post = await req.services.posts.do_create_post(actor, draft, set_online)
    return json_response(post.to_dict(), status=201)


async def create_ephemeral(req: Req) -> Response:
    actor = await req.actor()
    body = await req.json_object()
    user_id = body.get("user_id")
    post = body.get("post")
    if not isinstance(user_id, str) or not user_id:
        raise errors.invalid_param("user_id")
    if not isinstance(post, dict):
        raise errors.invalid_param("post")
    created = await req.services.posts.do_create_ephemeral(actor, user_id, post)
    return json_response(created.to_dict(), status=201)


async def get_post(req: Req) -> Response:
    actor = await req.actor()
    post = await req.services.post_lists.get_post(actor, req.path_id("post_id"))
    return json_response(post.to_dict())


async def posts_by_ids(req: Req) -> Response:
    actor = await req.actor()
    ids = await req.id_list("post_ids", MAX_POST_IDS)
    found = await req.services.post_lists.get_many(actor, ids)
    return json_response([p.to_dict() for p in found])


async def update_post(req: Req) -> Response:
    actor = await req.actor()
    post_id = req.path_id("post_id")
    post = await req.services.posts.do_update_post(actor, post_id, await req.json_object())
    return json_response(post.to_dict())


async def patch_post(req: Req) -> Response:
    actor = await req.actor()
    post_id = req.path_id("post_id")
    body = await req.model(Patch)
    patch = PostPatch(
        message=body.message, is_pinned=body.is_pinned, file_ids=body.file_ids, props=body.props
    )
    post = await req.services.posts.do_patch_post(actor, post_id, patch)
    return json_response(post.to_dict())


async def delete_post(req: Req) -> Response:
    actor = await req.actor()
    await req.services.posts.do_delete_post(actor, req.path_id("post_id"))
    return ok_response()


async def pin_post(req: Req) -> Response:
    actor = await req.actor()
    await req.services.posts.do_set_pinned(actor, req.path_id("post_id"), True)
    return ok_response()


async def unpin_post(req: Req) -> Response:
    actor = await req.actor()
    await req.services.posts.do_set_pinned(actor, req.path_id("post_id"), False)
    return ok_response()


async def channel_posts(req: Req) -> Response:
    actor = await req.actor()
    channel_id = req.path_id("channel_id")
    query = ChannelPostsQuery(
        since=_int(req, "since"),
        after=req.query_id("after"),
        before=req.query_id("before"),
        page=req.query_int("page", 0, 0, 1_000_000),
        per_page=req.query_int("per_page", DEFAULT_PER_PAGE, 0, MAX_PER_PAGE),
        skip_threads=_flag(req, "skipFetchThreads"),
        collapsed=_flag(req, "collapsedThreads"),
        collapsed_extended=_flag(req, "collapsedThreadsExtended"),
        if_none_match=req.raw.headers.get("if-none-match", ""),
    )
    found = await req.services.post_lists.channel_posts(actor, channel_id, query)
    headers = {"Etag": found.etag} if found.etag else None
    if found.posts is None:
        return Response(status_code=304, headers=headers)
    return json_response(found.posts.to_dict(), headers=headers)


async def post_thread(req: Req) -> Response:
    actor = await req.actor()
    post_id = req.path_id("post_id")
    per_page = _int(req, "perPage")
    from_post = req.query_id("fromPost")
    query = ThreadQuery(
        per_page=per_page,
        from_post=from_post,
        from_create_at=_int(req, "fromCreateAt"),
        direction=req.query_str("direction", max_len=8),
        skip_threads=_flag(req, "skipFetchThreads"),
        collapsed=_flag(req, "collapsedThreads"),
    )
    found = await req.services.post_lists.thread(actor, post_id, query)
    return json_response(found.to_dict())


async def pinned_posts(req: Req) -> Response:
    actor = await req.actor()
    found = await req.services.post_lists.pinned(actor, req.path_id("channel_id"))
    return json_response(found.to_dict())


async def unread_posts(req: Req) -> Response:
    actor = await req.actor()
    user_id = await req.user_id_param()
    channel_id = req.path_id("channel_id")
    found = await req.services.post_lists.around_unread(
        actor,
        user_id,
        channel_id,
        limit_before=req.query_int("limit_before", DEFAULT_PER_PAGE, 0, MAX_PER_PAGE),
        limit_after=req.query_int("limit_after", DEFAULT_PER_PAGE, 0, MAX_PER_PAGE),
        skip_threads=_flag(req, "skipFetchThreads"),
        collapsed=_flag(req, "collapsedThreads"),
    )
    return json_response(found.to_dict())


def routes() -> list[Route]:
    r = Route
    return [
        r("/posts", endpoint(create_post), methods=["POST"]),
        r("/posts/ephemeral", endpoint(create_ephemeral), methods=["POST"]),
        r("/posts/ids", endpoint(posts_by_ids), methods=["POST"]),
        r("/posts/{post_id}", endpoint(get_post), methods=["GET"]),
        r("/posts/{post_id}", endpoint(update_post), methods=["PUT"]),
        r("/posts/{post_id}", endpoint(delete_post), methods=["DELETE"]),
        r("/posts/{post_id}/patch", endpoint(patch_post), methods=["PUT"]),
        r("/posts/{post_id}/pin", endpoint(pin_post), methods=["POST"]),
        r("/posts/{post_id}/unpin", endpoint(unpin_post), methods=["POST"]),
        r("/posts/{post_id}/thread", endpoint(post_thread), methods=["GET"]),
        r("/channels/{channel_id}/posts", endpoint(channel_posts), methods=["GET"]),
        r("/channels/{channel_id}/pinned", endpoint(pinned_posts), methods=["GET"]),
        r(
            "/users/{user_id}/channels/{channel_id}/posts/unread",
            endpoint(unread_posts),
            methods=["GET"],
        ),
    ]
