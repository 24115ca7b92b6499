"""Full-text search of posts: a GIN index on ``to_tsvector('english', message)`` on
PostgreSQL, an FTS5 table kept by triggers on SQLite (migration 0006). Both are kept
current by the database itself on create, edit and delete, so no write path changes.

Every term reaches SQL as a bound parameter; FTS5's query language is built here
with each term quoted, so no input can change the query's structure.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson
from sqlalchemy import and_, column, func, literal_column, not_, or_, select, table
from sqlalchemy.dialects.postgresql import TSQUERY
from sqlalchemy.ext.asyncio import AsyncConnection

from roost.model.post import Post
from roost.model.search import ParsedSearch
from roost.store.posts.posts import fetch_posts, post_select
from roost.store.tables import posts

c = posts.c
# The text search configuration: it must match the index expression literally (a bound
# parameter would keep the planner from using the index).
_CONFIG: Any = literal_column("'english'")


@dataclass(slots=True)
class PostSearch:
    tenant_id: str
    parsed: ParsedSearch
    channel_ids: Sequence[str]
    user_ids: Sequence[str] = field(default_factory=tuple)
    excluded_user_ids: Sequence[str] = field(default_factory=tuple)
    is_or: bool = False
    offset: int = 0
    limit: int = 60


def _vector() -> Any:
    return func.to_tsvector(_CONFIG, c.message)


def _hashtag_match(tag: str) -> Any:
    # Hashtags are stored space-separated; compare whole tags, case-insensitively.
    escaped = tag.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return (" " + func.lower(c.hashtags) + " ").like(f"% {escaped} %", escape="\\")


def _postgres_text(q: ParsedSearch, is_or: bool) -> Any:
    queries: list[Any] = []
    queries += [func.plainto_tsquery(_CONFIG, w) for w in q.words]
    queries += [func.phraseto_tsquery(_CONFIG, p) for p in q.phrases]
    queries += [func.to_tsquery(_CONFIG, p[:-1] + ":*") for p in q.prefixes]
    queries += [func.plainto_tsquery(_CONFIG, t[1:]) for t in q.hashtags]
    combined = queries[0]
    for more in queries[1:]:
        combined = combined.op("||" if is_or else "&&", return_type=TSQUERY)(more)
    cond = _vector().op("@@")(combined)
    tags = [_hashtag_match(t) for t in q.hashtags]
    if tags:
        cond = and_(cond, or_(*tags) if is_or else and_(*tags))
    for word in q.excluded_words:
        cond = and_(cond, not_(_vector().op("@@")(func.plainto_tsquery(_CONFIG, word))))
    for phrase in q.excluded_phrases:
        cond = and_(cond, not_(_vector().op("@@")(func.phraseto_tsquery(_CONFIG, phrase))))
    return cond


def _fts5_string(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def fts5_query(q: ParsedSearch, is_or: bool) -> str:
    """FTS5 MATCH text with every term quoted (so none is read as an operator)."""
    terms = [_fts5_string(w) for w in q.words]
    terms += [_fts5_string(p) for p in q.phrases]
    terms += [_fts5_string(p[:-1]) + " *" for p in q.prefixes]
    terms += [_fts5_string(t[1:]) for t in q.hashtags]
    query = "(" + (" OR " if is_or else " AND ").join(terms) + ")"
    for excluded in [*q.excluded_words, *q.excluded_phrases]:
        query += " NOT " + _fts5_string(excluded)
    return query


def _sqlite_text(q: ParsedSearch, is_or: bool) -> Any:
    fts = table("posts_fts", column("rowid"))
    matching: Any = select(fts.c.rowid).where(
        literal_column("posts_fts").op("MATCH")(fts5_query(q, is_or))
    )
    cond: Any = literal_column("posts.rowid").in_(matching)
    tags = [_hashtag_match(t) for t in q.hashtags]
    if tags:
        cond = and_(cond, or_(*tags) if is_or else and_(*tags))
    return cond


# Text searches look at recent posts first when a word is common. The text index finds
# every post with the word (tens of thousands in a large workspace) and fetching them
# all to sort is what makes such a search slow; limited to a recent window, the channel
# index and the text index intersect before any post is fetched. The window is sized
# from the planner's estimate of how many posts match and widened (x4) while it holds
# fewer matches than the page needs, so results stay exact: the newest matches are
# always inside the window.
HOUR_MS = 3_600_000
# Below this many estimated matches (in all channels), fetching them all is cheap.
DIRECT_BELOW = 2_000
# SQLite has no estimate: fixed windows.
SQLITE_WINDOWS_MS = (HOUR_MS, 8 * HOUR_MS, 64 * HOUR_MS, 512 * HOUR_MS, 4096 * HOUR_MS)


@dataclass(slots=True)
class Scope:
    """How much history the searched channels hold: their posts, and since when."""

    posts: int
    since: int


async def search_posts(
    conn: AsyncConnection, search: PostSearch, now: int, scope: Scope
) -> list[Post]:
    """Live, non-system posts in the given channels matching the search, newest first
    (``search.limit`` of them after ``search.offset``)."""
    if not search.channel_ids:
        return []
    q = search.parsed
    wanted = search.offset + search.limit
    top = q.before_ms or now
    for lower in await _windows(conn, search, wanted, top, scope):
        if lower <= q.after_ms:
            break
        found = await _search(conn, search, wanted, lower)
        if len(found) >= wanted:
            return found[search.offset :]
    found = await _search(conn, search, wanted, q.after_ms)
    return found[search.offset :]


async def _windows(
    conn: AsyncConnection, search: PostSearch, wanted: int, top: int, scope: Scope
) -> list[int]:
    """The lower create_at bounds to try before searching everything."""
    if not search.parsed.has_text:
        return []
    if conn.dialect.name != "postgresql":
        return [top - w for w in SQLITE_WINDOWS_MS]
    matches = await _estimated_matches(conn, search)
    if matches is None or matches < DIRECT_BELOW:
        return []
    total = max(1, await _estimated_posts(conn))
    in_scope = matches * scope.posts / total
    span = max(HOUR_MS, top - scope.since)
    if in_scope <= 0:
        return []
    window = max(HOUR_MS, int(3 * wanted / in_scope * span))
    bounds = []
    # A window over most of the history costs more than no window (the channel index
    # would hand over nearly every post): stop at a quarter.
    while window <= span // 4:
        bounds.append(top - window)
        window *= 4
    return bounds


async def _estimated_matches(conn: AsyncConnection, search: PostSearch) -> float | None:
    """The planner's estimate of posts matching the text, in every channel: one EXPLAIN,
    which reads the text index's statistics, not the posts."""
    stmt: Any = (
        select(literal_column("1"))
        .select_from(posts)
        .where(_postgres_text(search.parsed, search.is_or))
    )
    compiled = stmt.compile(dialect=conn.dialect)
    if compiled.positiontup is None:
        return None
    params = tuple(compiled.params[name] for name in compiled.positiontup)
    raw = (await conn.exec_driver_sql("EXPLAIN (FORMAT JSON) " + str(compiled), params)).scalar()
    plan = raw if isinstance(raw, list) else orjson.loads(str(raw))
    return float(plan[0]["Plan"]["Plan Rows"])


async def _estimated_posts(conn: AsyncConnection) -> float:
    raw = (
        await conn.exec_driver_sql("SELECT reltuples FROM pg_class WHERE relname = 'posts'")
    ).scalar()
    return float(raw or 0)


async def _search(
    conn: AsyncConnection, search: PostSearch, limit: int, after_ms: int
) -> list[Post]:
    q = search.parsed
    stmt = post_select().where(
        c.channel_id.in_(list(search.channel_ids)),
        c.delete_at == 0,
        not_(c.type.like("system\\_%", escape="\\")),
    )
    if q.has_text:
        text = (
            _postgres_text(q, search.is_or)
            if conn.dialect.name == "postgresql"
            else _sqlite_text(q, search.is_or)
        )
        stmt = stmt.where(text)
    if search.user_ids:
        stmt = stmt.where(c.user_id.in_(list(search.user_ids)))
    if search.excluded_user_ids:
        stmt = stmt.where(c.user_id.not_in(list(search.excluded_user_ids)))
    if after_ms:
        stmt = stmt.where(c.create_at > after_ms)
    if q.before_ms:
        stmt = stmt.where(c.create_at < q.before_ms)
    stmt = stmt.order_by(c.create_at.desc(), c.id.desc()).limit(limit)
    return await fetch_posts(conn, stmt, {"p_tenant": search.tenant_id})
