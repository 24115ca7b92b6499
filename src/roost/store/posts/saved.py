"""SQL for saved (flagged) posts: a user's ``flagged_post`` preferences joined to the
posts they name, kept to the posts the user may still read."""

from __future__ import annotations

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from roost.model.channel import OPEN
from roost.model.post import Post
from roost.store.posts.posts import post_from_row
from roost.store.tables import channel_members, channels, posts, preferences, team_members

FLAGGED_CATEGORY = "flagged_post"


async def flagged_page(
    conn: AsyncConnection,
    tenant_id: str,
    user_id: str,
    *,
    team_id: str,
    channel_id: str,
    offset: int,
    limit: int,
) -> list[Post]:
    """The live posts the user flagged, newest first, in channels they are a member of
    or open channels of a team they are in. ``team_id`` keeps that team's channels and
    the direct and group ones; ``channel_id`` one channel ('' for either: all)."""
    pr, p, ch = preferences.c, posts.c, channels.c
    cm, tm = channel_members.c, team_members.c
    member = exists().where(
        cm.tenant_id == tenant_id, cm.channel_id == ch.id, cm.user_id == user_id
    )
    in_team = exists().where(
        tm.tenant_id == tenant_id,
        tm.team_id == ch.team_id,
        tm.user_id == user_id,
        tm.delete_at == 0,
    )
    stmt = (
        select(posts)
        .select_from(
            preferences.join(posts, and_(p.tenant_id == pr.tenant_id, p.id == pr.name)).join(
                channels, and_(ch.tenant_id == p.tenant_id, ch.id == p.channel_id)
            )
        )
        .where(
            pr.tenant_id == tenant_id,
            pr.user_id == user_id,
            pr.category == FLAGGED_CATEGORY,
            pr.value == "true",
            p.delete_at == 0,
            or_(member, and_(ch.type == OPEN, in_team)),
        )
        .order_by(p.create_at.desc(), p.id.desc())
        .offset(offset)
        .limit(limit)
    )
    if channel_id:
        stmt = stmt.where(p.channel_id == channel_id)
    if team_id:
        stmt = stmt.where(or_(ch.team_id == team_id, ch.team_id == ""))
    return [post_from_row(r) for r in (await conn.execute(stmt)).mappings()]
