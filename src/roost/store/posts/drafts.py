"""SQL for drafts."""

from __future__ import annotations

from sqlalchemy import delete, or_, select
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from roost.model.draft import Draft
from roost.store.db import codec
from roost.store.db.dialect import upsert
from roost.store.tables import channels, drafts


def _draft(row: RowMapping) -> Draft:
    return Draft(
        user_id=row["user_id"],
        channel_id=row["channel_id"],
        root_id=row["root_id"],
        message=row["message"],
        props=codec.load_dict(row["props"]),
        file_ids=codec.load_list(row["file_ids"]),
        create_at=row["create_at"],
        update_at=row["update_at"],
    )


async def get_draft(
    conn: AsyncConnection, tenant_id: str, user_id: str, channel_id: str, root_id: str
) -> Draft | None:
    stmt = select(drafts).where(
        drafts.c.tenant_id == tenant_id,
        drafts.c.user_id == user_id,
        drafts.c.channel_id == channel_id,
        drafts.c.root_id == root_id,
    )
    row = (await conn.execute(stmt)).mappings().first()
    return _draft(row) if row else None


async def save_draft(conn: AsyncConnection, tenant_id: str, draft: Draft) -> None:
    row = {
        "tenant_id": tenant_id,
        "user_id": draft.user_id,
        "channel_id": draft.channel_id,
        "root_id": draft.root_id,
        "message": draft.message,
        "props": codec.dump(draft.props),
        "file_ids": codec.dump(draft.file_ids),
        "create_at": draft.create_at,
        "update_at": draft.update_at,
    }
    await upsert(
        conn,
        drafts,
        [row],
        key=["tenant_id", "user_id", "channel_id", "root_id"],
        update=["message", "props", "file_ids", "update_at"],
    )


async def delete_draft(
    conn: AsyncConnection, tenant_id: str, user_id: str, channel_id: str, root_id: str
) -> bool:
    result = await conn.execute(
        delete(drafts).where(
            drafts.c.tenant_id == tenant_id,
            drafts.c.user_id == user_id,
            drafts.c.channel_id == channel_id,
            drafts.c.root_id == root_id,
        )
    )
    return bool(result.rowcount)


async def list_team_drafts(
    conn: AsyncConnection, tenant_id: str, user_id: str, team_id: str, limit: int
) -> list[Draft]:
    """The user's drafts in the team's channels and in their direct/group channels."""
    stmt = (
        select(drafts)
        .join(
            channels,
            (channels.c.tenant_id == drafts.c.tenant_id) & (channels.c.id == drafts.c.channel_id),
        )
        .where(
            drafts.c.tenant_id == tenant_id,
            drafts.c.user_id == user_id,
            channels.c.delete_at == 0,
            or_(channels.c.team_id == team_id, channels.c.team_id == ""),
        )
        .order_by(drafts.c.update_at.desc())
        .limit(limit)
    )
    return [_draft(r) for r in (await conn.execute(stmt)).mappings()]
