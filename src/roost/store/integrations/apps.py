"""SQL for installed HTTP apps and their event subscriptions."""

from __future__ import annotations

from sqlalchemy import ColumnElement, delete, insert, select
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from roost.model.app import InstalledApp, Subscription
from roost.store.db import codec
from roost.store.tables import app_subscriptions, apps


def _app(row: RowMapping) -> InstalledApp:
    return InstalledApp(
        tenant_id=row["tenant_id"],
        app_id=row["app_id"],
        manifest=codec.load_dict(row["manifest"]),
        root_url=row["root_url"],
        use_jwt=bool(row["use_jwt"]),
        secret=row["secret"],
        bot_user_id=row["bot_user_id"],
        bot_token_id=row["bot_token_id"],
        bot_token=row["bot_token"],
        installed_by=row["installed_by"],
        create_at=row["create_at"],
        update_at=row["update_at"],
    )


async def insert_app(conn: AsyncConnection, app: InstalledApp) -> None:
    await conn.execute(
        insert(apps).values(
            tenant_id=app.tenant_id,
            app_id=app.app_id,
            manifest=codec.dump(app.manifest),
            root_url=app.root_url,
            use_jwt=app.use_jwt,
            secret=app.secret,
            bot_user_id=app.bot_user_id,
            bot_token_id=app.bot_token_id,
            bot_token=app.bot_token,
            installed_by=app.installed_by,
            create_at=app.create_at,
            update_at=app.update_at,
        )
    )


async def get_app(conn: AsyncConnection, tenant_id: str, app_id: str) -> InstalledApp | None:
    a = apps.c
    row = (
        (await conn.execute(select(apps).where(a.tenant_id == tenant_id, a.app_id == app_id)))
        .mappings()
        .first()
    )
    return _app(row) if row else None


async def list_apps(conn: AsyncConnection, tenant_id: str) -> list[InstalledApp]:
    a = apps.c
    stmt = select(apps).where(a.tenant_id == tenant_id).order_by(a.app_id)
    return [_app(r) for r in (await conn.execute(stmt)).mappings()]


async def delete_app(conn: AsyncConnection, tenant_id: str, app_id: str) -> None:
    a, s = apps.c, app_subscriptions.c
    await conn.execute(
        delete(app_subscriptions).where(s.tenant_id == tenant_id, s.app_id == app_id)
    )
    await conn.execute(delete(apps).where(a.tenant_id == tenant_id, a.app_id == app_id))


def _subscription(row: RowMapping) -> Subscription:
    return Subscription(
        tenant_id=row["tenant_id"],
        app_id=row["app_id"],
        subject=row["subject"],
        call=codec.load_dict(row["call"]),
        team_id=row["team_id"],
        channel_id=row["channel_id"],
        create_at=row["create_at"],
    )


def _same(sub: Subscription) -> tuple[ColumnElement[bool], ...]:
    s = app_subscriptions.c
    return (
        s.tenant_id == sub.tenant_id,
        s.app_id == sub.app_id,
        s.subject == sub.subject,
        s.team_id == sub.team_id,
        s.channel_id == sub.channel_id,
    )


async def put_subscription(conn: AsyncConnection, sub: Subscription) -> None:
    """Insert, or replace the call of the same subscription."""
    await conn.execute(delete(app_subscriptions).where(*_same(sub)))
    await conn.execute(
        insert(app_subscriptions).values(
            tenant_id=sub.tenant_id,
            app_id=sub.app_id,
            subject=sub.subject,
            team_id=sub.team_id,
            channel_id=sub.channel_id,
            call=codec.dump(sub.call),
            create_at=sub.create_at,
        )
    )


async def delete_subscription(conn: AsyncConnection, sub: Subscription) -> bool:
    result = await conn.execute(delete(app_subscriptions).where(*_same(sub)))
    return bool(result.rowcount)


async def list_subscriptions(
    conn: AsyncConnection, tenant_id: str, app_id: str = ""
) -> list[Subscription]:
    s = app_subscriptions.c
    stmt = select(app_subscriptions).where(s.tenant_id == tenant_id)
    if app_id:
        stmt = stmt.where(s.app_id == app_id)
    stmt = stmt.order_by(s.app_id, s.subject, s.team_id, s.channel_id)
    return [_subscription(r) for r in (await conn.execute(stmt)).mappings()]


async def any_post_subscription(conn: AsyncConnection) -> bool:
    """Whether any app of any tenant subscribes to new posts (a node-wide shortcut)."""
    c = app_subscriptions.c
    found = await conn.execute(select(c.app_id).where(c.subject == "post_created").limit(1))
    return found.first() is not None
