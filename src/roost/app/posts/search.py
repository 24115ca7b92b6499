"""Searching posts with Mattermost's syntax, only in channels the searcher is in.

The searcher's channels bound every query (Mattermost searches the channels a user is
a member of, not every public channel); ``in:`` and ``from:`` narrow them before any
text is matched, so the database never considers a channel the user cannot read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from roost.app.channels.channels import team_membership
from roost.app.kernel import errors
from roost.app.kernel.admission import Limiter
from roost.app.kernel.context import Actor
from roost.app.posts.lists import decorate
from roost.app.posts.search_terms import SearchSyntaxError, parse_search
from roost.clock import now_ms
from roost.model.channel import DIRECT, OPEN, PRIVATE, Channel
from roost.model.file import FileInfo
from roost.model.post import Post, PostList
from roost.model.search import ParsedSearch
from roost.store.accounts import users as user_store
from roost.store.channels import channels as channel_store
from roost.store.db.database import Connection as AsyncConnection
from roost.store.db.database import Database
from roost.store.files import files as file_store
from roost.store.files.files import FileSearch
from roost.store.posts import search as search_store
from roost.store.posts.search import PostSearch, Scope

MAX_PER_PAGE = 200
DEFAULT_PER_PAGE = 60
# Deep paging through search results costs the database more with every page.
MAX_PAGE = 100
MAX_CHANNEL_TERM = 64
# Used when the node passes no limiter (settings.admission has the real ones).
DEFAULT_CONCURRENCY = 8
DEFAULT_WAIT_SECONDS = 1.0


@dataclass(slots=True)
class SearchRequest:
    terms: str
    is_or_search: bool = False
    time_zone_offset: int = 0
    include_deleted_channels: bool = False
    page: int = 0
    per_page: int = DEFAULT_PER_PAGE


@dataclass(slots=True)
class ChannelSearch:
    term: str = ""
    public: bool = False
    private: bool = False
    include_deleted: bool = False
    team_ids: list[str] = field(default_factory=list)
    page: int = 0
    per_page: int = DEFAULT_PER_PAGE


@dataclass(slots=True)
class SearchResult:
    posts: PostList
    matches: dict[str, list[str]]

    def to_dict(self) -> dict[str, Any]:
        return {**self.posts.to_dict(), "matches": self.matches}


class Search:
    def __init__(self, db: Database, limiter: Limiter | None = None) -> None:
        self._db = db
        # A search scans many rows: a bounded number at once, each caller in turn, and
        # a 503 with Retry-After beyond the wait budget (roost.app.kernel.admission).
        self._slots = limiter or Limiter("search", DEFAULT_CONCURRENCY, DEFAULT_WAIT_SECONDS)

    async def search_posts(
        self, actor: Actor, team_id: str | None, request: SearchRequest
    ) -> SearchResult:
        """Search the caller's channels (a team's and direct/group ones, or all)."""
        parsed = self._parse(request)
        empty = SearchResult(PostList(), {})
        if not (parsed.has_text or parsed.has_filter):
            return empty
        tenant = actor.tenant_id
        async with self._slots.slot(actor.user_id), self._db.read() as conn:
            scope = await self._scope(conn, actor, team_id, request, parsed)
            if scope is None:
                return empty
            channels, channel_ids, named = scope
            found = await search_store.search_posts(
                conn,
                PostSearch(
                    tenant_id=tenant,
                    parsed=parsed,
                    channel_ids=channel_ids,
                    user_ids=[named[n] for n in parsed.from_users],
                    excluded_user_ids=[named[n] for n in parsed.excluded_users if n in named],
                    is_or=request.is_or_search,
                    offset=request.page * request.per_page,
                    limit=request.per_page + 1,
                ),
                now_ms(),
                _scope(channels, set(channel_ids)),
            )
            page = found[: request.per_page]
            await decorate(conn, tenant, page, actor)
        result = PostList()
        for post in page:
            result.add(post)
        result.has_next = len(found) > request.per_page
        return SearchResult(result, {p.id: _matches(p, parsed) for p in page})

    async def search_files(
        self, actor: Actor, team_id: str, request: SearchRequest
    ) -> dict[str, Any]:
        """Files posted in the caller's channels, by name (``ext:`` narrows by type)."""
        parsed = self._parse(request)
        infos: list[FileInfo] = []
        if parsed.has_text or parsed.has_filter or parsed.extensions:
            async with self._slots.slot(actor.user_id), self._db.read() as conn:
                scope = await self._scope(conn, actor, team_id, request, parsed)
                if scope is not None:
                    _, channel_ids, named = scope
                    words = [*parsed.words, *parsed.phrases]
                    words += [p.rstrip("*") for p in parsed.prefixes]
                    words += [t.lstrip("#") for t in parsed.hashtags]
                    infos = await file_store.search_by_name(
                        conn,
                        FileSearch(
                            tenant_id=actor.tenant_id,
                            channel_ids=channel_ids,
                            words=words,
                            is_or=request.is_or_search,
                            extensions=parsed.extensions,
                            user_ids=[named[n] for n in parsed.from_users],
                            excluded_user_ids=[
                                named[n] for n in parsed.excluded_users if n in named
                            ],
                            after_ms=parsed.after_ms,
                            before_ms=parsed.before_ms,
                            offset=request.page * request.per_page,
                            limit=request.per_page,
                        ),
                    )
        return {
            "order": [i.id for i in infos],
            "file_infos": {i.id: i.to_dict() for i in infos},
            "next_file_info_id": "",
            "prev_file_info_id": "",
            "first_inaccessible_file_time": 0,
        }

    @staticmethod
    def _parse(request: SearchRequest) -> ParsedSearch:
        if not 0 <= request.page <= MAX_PAGE:
            raise errors.invalid_body_param("page")
        if not 0 < request.per_page <= MAX_PER_PAGE:
            raise errors.invalid_body_param("per_page")
        try:
            return parse_search(request.terms, request.time_zone_offset)
        except SearchSyntaxError as exc:
            raise errors.invalid_body_param(str(exc)) from None

    async def _scope(
        self,
        conn: AsyncConnection,
        actor: Actor,
        team_id: str | None,
        request: SearchRequest,
        parsed: ParsedSearch,
    ) -> tuple[list[Channel], list[str], dict[str, str]] | None:
        """The caller's channels, the ids to search after in:/-in:, and the users named
        by from:/in:@; None when from: names nobody (nothing can match)."""
        if (
            team_id is not None
            and not actor.is_system_admin
            and await team_membership(conn, actor, team_id) is None
        ):
            raise errors.forbidden()
        channels = await channel_store.user_channels(
            conn,
            actor.tenant_id,
            actor.user_id,
            team_id,
            include_deleted=request.include_deleted_channels,
        )
        dm_names = [c.lstrip("@") for c in [*parsed.in_channels, *parsed.excluded_channels]]
        named = await self._named_users(
            conn, actor.tenant_id, [*parsed.from_users, *parsed.excluded_users, *dm_names]
        )
        if any(name not in named for name in parsed.from_users):
            return None
        return channels, _narrow(channels, parsed, named), named

    async def search_all_channels(
        self, actor: Actor, query: ChannelSearch
    ) -> tuple[list[dict[str, Any]], int]:
        """Every team's channels by name, for system admins (the system console's list)."""
        if not actor.is_system_admin:
            raise errors.forbidden()
        if len(query.term) > MAX_CHANNEL_TERM:
            raise errors.invalid_body_param("term")
        types = [t for t, wanted in ((OPEN, query.public), (PRIVATE, query.private)) if wanted]
        async with self._slots.slot(actor.user_id), self._db.read() as conn:
            found, total = await channel_store.search_all_channels(
                conn,
                actor.tenant_id,
                query.term.strip(),
                types or [OPEN, PRIVATE],
                include_deleted=query.include_deleted,
                team_ids=query.team_ids,
                offset=query.page * query.per_page,
                limit=query.per_page,
            )
        return [{**channel.to_dict(), **team} for channel, team in found], total

    @staticmethod
    async def _named_users(conn: Any, tenant_id: str, usernames: list[str]) -> dict[str, str]:
        if not usernames:
            return {}
        users = await user_store.get_by_usernames(conn, tenant_id, sorted(set(usernames)))
        return {u.username.lower(): u.id for u in users}


def _narrow(channels: list[Channel], parsed: ParsedSearch, named: dict[str, str]) -> list[str]:
    """The searchable channel ids after ``in:`` and ``-in:``."""

    def names(channel: Channel) -> set[str]:
        found = {channel.name.lower()}
        if channel.type == DIRECT:
            # in:@bob (or in:bob) finds the direct channel with bob.
            for username, user_id in named.items():
                if user_id in channel.name.split("__"):
                    found |= {username, "@" + username}
        return found

    chosen = channels
    if parsed.in_channels:
        wanted = set(parsed.in_channels)
        chosen = [ch for ch in chosen if names(ch) & wanted]
    if parsed.excluded_channels:
        unwanted = set(parsed.excluded_channels)
        chosen = [ch for ch in chosen if not names(ch) & unwanted]
    return [ch.id for ch in chosen]


def _scope(channels: list[Channel], searched: set[str]) -> Scope:
    chosen = [ch for ch in channels if ch.id in searched]
    return Scope(
        posts=sum(ch.total_msg_count for ch in chosen),
        since=min((ch.create_at for ch in chosen), default=0),
    )


def _matches(post: Post, parsed: ParsedSearch) -> list[str]:
    """The searched terms found in the post, for clients to highlight."""
    text = post.message.lower()
    found = []
    for term in parsed.highlights:
        stem = term.rstrip("*").lstrip("#")
        if stem and re.search(r"(?<!\w)" + re.escape(stem), text):
            found.append(term)
    return found or parsed.highlights
