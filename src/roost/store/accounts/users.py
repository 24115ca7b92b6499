"""SQL for users and bots."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, func, or_, select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from roost.model.channel import GROUP
from roost.model.user import DEFAULT_NOTIFY_PROPS, DEFAULT_TIMEZONE, Bot, User
from roost.store.accounts.visibility import visible_to
from roost.store.db import codec
from roost.store.tables import bots, channel_members, channels, team_members, users

# The MFA secret and last step stay out of every user read (store/accounts/mfa.py).
_USER_COLUMNS = [c for c in users.c if c.name not in ("tenant_id", "mfa_secret", "mfa_last_step")]


def _user(row: RowMapping) -> User:
    return User(
        id=row["id"],
        username=row["username"],
        email=row["email"],
        create_at=row["create_at"],
        update_at=row["update_at"],
        delete_at=row["delete_at"],
        password_hash=row["password_hash"],
        email_verified=row["email_verified"],
        nickname=row["nickname"],
        first_name=row["first_name"],
        last_name=row["last_name"],
        position=row["position"],
        roles=row["roles"],
        auth_service=row["auth_service"],
        auth_data=row["auth_data"],
        locale=row["locale"],
        props=codec.load_dict(row["props"]),
        notify_props={**DEFAULT_NOTIFY_PROPS, **codec.load_dict(row["notify_props"])},
        timezone={**DEFAULT_TIMEZONE, **codec.load_dict(row["timezone"])},
        last_password_update=row["last_password_update"],
        last_picture_update=row["last_picture_update"],
        is_bot=row["is_bot"],
        bot_description=row.get("bot_description") or "",
        mfa_active=bool(row.get("mfa_active", False)),
    )


def _user_select(tenant_id: str) -> Select[Any]:
    return (
        select(*_USER_COLUMNS, bots.c.description.label("bot_description"))
        .select_from(
            users.outerjoin(
                bots, (bots.c.tenant_id == users.c.tenant_id) & (bots.c.user_id == users.c.id)
            )
        )
        .where(users.c.tenant_id == tenant_id)
    )


def _user_values(tenant_id: str, user: User) -> dict[str, Any]:
    return {
        "tenant_id": tenant_id,
        "id": user.id,
        "create_at": user.create_at,
        "update_at": user.update_at,
        "delete_at": user.delete_at,
        "username": user.username,
        "email": user.email,
        "password_hash": user.password_hash,
        "email_verified": user.email_verified,
        "nickname": user.nickname,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "position": user.position,
        "roles": user.roles,
        "auth_service": user.auth_service,
        "auth_data": user.auth_data,
        "locale": user.locale,
        "props": codec.dump(user.props),
        "notify_props": codec.dump(user.notify_props),
        "timezone": codec.dump(user.timezone),
        "last_password_update": user.last_password_update,
        "last_picture_update": user.last_picture_update,
        "is_bot": user.is_bot,
    }


async def insert_user(conn: AsyncConnection, tenant_id: str, user: User) -> None:
    await conn.execute(users.insert().values(**_user_values(tenant_id, user)))


async def update_user(conn: AsyncConnection, tenant_id: str, user: User) -> None:
    values = _user_values(tenant_id, user)
    del values["tenant_id"], values["id"]
    await conn.execute(
        update(users).where(users.c.tenant_id == tenant_id, users.c.id == user.id).values(**values)
    )


async def count_users(conn: AsyncConnection, tenant_id: str) -> int:
    result = await conn.execute(
        select(func.count()).select_from(users).where(users.c.tenant_id == tenant_id)
    )
    return int(result.scalar_one())


async def count_people(conn: AsyncConnection, tenant_id: str) -> int:
    """Active users who are not bots: what a tenant's user limit counts."""
    result = await conn.execute(
        select(func.count())
        .select_from(users)
        .where(users.c.tenant_id == tenant_id, users.c.delete_at == 0, ~users.c.is_bot)
    )
    return int(result.scalar_one())


async def system_admin_ids(conn: AsyncConnection, tenant_id: str) -> list[str]:
    """Active users holding the system_admin role (few: roles are a short string)."""
    rows = await conn.execute(
        select(users.c.id, users.c.roles).where(
            users.c.tenant_id == tenant_id,
            users.c.delete_at == 0,
            users.c.roles.like("%system_admin%"),
        )
    )
    return [r.id for r in rows if "system_admin" in str(r.roles).split()]


async def get_user(conn: AsyncConnection, tenant_id: str, user_id: str) -> User | None:
    row = (
        (await conn.execute(_user_select(tenant_id).where(users.c.id == user_id)))
        .mappings()
        .first()
    )
    return _user(row) if row else None


async def get_users(conn: AsyncConnection, tenant_id: str, user_ids: Sequence[str]) -> list[User]:
    if not user_ids:
        return []
    rows = await conn.execute(_user_select(tenant_id).where(users.c.id.in_(list(user_ids))))
    return [_user(r) for r in rows.mappings()]


async def get_by_username(conn: AsyncConnection, tenant_id: str, username: str) -> User | None:
    stmt = _user_select(tenant_id).where(users.c.username == username.lower())
    row = (await conn.execute(stmt)).mappings().first()
    return _user(row) if row else None


async def get_by_usernames(
    conn: AsyncConnection, tenant_id: str, usernames: Sequence[str], viewer: str = ""
) -> list[User]:
    """``viewer``: only the users they may see (store/accounts/visibility.py)."""
    if not usernames:
        return []
    names = [u.lower() for u in usernames]
    stmt = _user_select(tenant_id).where(users.c.username.in_(names))
    if viewer:
        stmt = stmt.where(visible_to(tenant_id, viewer))
    rows = await conn.execute(stmt)
    return [_user(r) for r in rows.mappings()]


async def get_by_email(conn: AsyncConnection, tenant_id: str, email: str) -> User | None:
    stmt = _user_select(tenant_id).where(users.c.email == email.lower())
    row = (await conn.execute(stmt)).mappings().first()
    return _user(row) if row else None


async def list_users(
    conn: AsyncConnection,
    tenant_id: str,
    *,
    offset: int,
    limit: int,
    in_team: str = "",
    not_in_team: str = "",
    in_channel: str = "",
    not_in_channel: str = "",
    active_only: bool = False,
    term: str = "",
    match_email: bool = True,
    match_full_name: bool = True,
    viewer: str = "",
) -> list[User]:
    """``match_email`` / ``match_full_name`` off: the term is not compared with fields
    the caller may not see (so results cannot reveal them). ``viewer``: only the users
    they may see (store/accounts/visibility.py)."""
    stmt = _user_select(tenant_id)
    if viewer:
        stmt = stmt.where(visible_to(tenant_id, viewer))
    if in_team:
        stmt = stmt.where(
            users.c.id.in_(
                select(team_members.c.user_id).where(
                    team_members.c.tenant_id == tenant_id,
                    team_members.c.team_id == in_team,
                    team_members.c.delete_at == 0,
                )
            )
        )
    if not_in_team:
        stmt = stmt.where(
            users.c.id.not_in(
                select(team_members.c.user_id).where(
                    team_members.c.tenant_id == tenant_id,
                    team_members.c.team_id == not_in_team,
                    team_members.c.delete_at == 0,
                )
            )
        )
    if in_channel:
        stmt = stmt.where(
            users.c.id.in_(
                select(channel_members.c.user_id).where(
                    channel_members.c.tenant_id == tenant_id,
                    channel_members.c.channel_id == in_channel,
                )
            )
        )
    if not_in_channel:
        stmt = stmt.where(
            users.c.id.not_in(
                select(channel_members.c.user_id).where(
                    channel_members.c.tenant_id == tenant_id,
                    channel_members.c.channel_id == not_in_channel,
                )
            )
        )
    if active_only:
        stmt = stmt.where(users.c.delete_at == 0)
    if term:
        like = f"{_escape_like(term.lower())}%"
        matches = [
            users.c.username.like(like, escape="\\"),
            func.lower(users.c.nickname).like(like, escape="\\"),
        ]
        if match_full_name:
            matches.append(func.lower(users.c.first_name).like(like, escape="\\"))
            matches.append(func.lower(users.c.last_name).like(like, escape="\\"))
        if match_email:
            matches.append(users.c.email.like(like, escape="\\"))
        stmt = stmt.where(or_(*matches))
    stmt = stmt.order_by(users.c.username).offset(offset).limit(limit)
    rows = await conn.execute(stmt)
    return [_user(r) for r in rows.mappings()]


def _escape_like(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


async def insert_bot(conn: AsyncConnection, tenant_id: str, bot: Bot) -> None:
    await conn.execute(
        bots.insert().values(
            tenant_id=tenant_id,
            user_id=bot.user_id,
            owner_id=bot.owner_id,
            description=bot.description,
            create_at=bot.create_at,
            update_at=bot.update_at,
            delete_at=bot.delete_at,
        )
    )


def _bot_select(tenant_id: str) -> Select[Any]:
    return (
        select(
            bots.c.user_id,
            bots.c.owner_id,
            bots.c.description,
            bots.c.create_at,
            bots.c.update_at,
            bots.c.delete_at,
            users.c.username,
            users.c.first_name,
        )
        .select_from(
            bots.join(
                users, (users.c.tenant_id == bots.c.tenant_id) & (users.c.id == bots.c.user_id)
            )
        )
        .where(bots.c.tenant_id == tenant_id)
    )


def _bot(row: RowMapping) -> Bot:
    return Bot(
        user_id=row["user_id"],
        username=row["username"],
        display_name=row["first_name"],
        description=row["description"],
        owner_id=row["owner_id"],
        create_at=row["create_at"],
        update_at=row["update_at"],
        delete_at=row["delete_at"],
    )


async def get_bot(conn: AsyncConnection, tenant_id: str, user_id: str) -> Bot | None:
    row = (
        (await conn.execute(_bot_select(tenant_id).where(bots.c.user_id == user_id)))
        .mappings()
        .first()
    )
    return _bot(row) if row else None


async def list_bots(
    conn: AsyncConnection,
    tenant_id: str,
    *,
    offset: int,
    limit: int,
    owner_id: str = "",
    include_deleted: bool = False,
) -> list[Bot]:
    stmt = _bot_select(tenant_id)
    if owner_id:
        stmt = stmt.where(bots.c.owner_id == owner_id)
    if not include_deleted:
        stmt = stmt.where(bots.c.delete_at == 0)
    rows = await conn.execute(stmt.order_by(users.c.username).offset(offset).limit(limit))
    return [_bot(r) for r in rows.mappings()]


async def update_bot(conn: AsyncConnection, tenant_id: str, bot: Bot) -> None:
    await conn.execute(
        update(bots)
        .where(bots.c.tenant_id == tenant_id, bots.c.user_id == bot.user_id)
        .values(
            description=bot.description,
            owner_id=bot.owner_id,
            update_at=bot.update_at,
            delete_at=bot.delete_at,
        )
    )


async def set_picture_updated(conn: AsyncConnection, tenant_id: str, user_id: str, at: int) -> None:
    """When the profile picture last changed: above 0 a picture of their own, below 0
    the default again (as Mattermost records it)."""
    await conn.execute(
        update(users)
        .where(users.c.tenant_id == tenant_id, users.c.id == user_id)
        .values(last_picture_update=at, update_at=abs(at))
    )


# Users by the channels they share.


async def known_user_ids(conn: AsyncConnection, tenant_id: str, user_id: str) -> list[str]:
    """Everyone who shares a channel (direct and group ones included) with the user."""
    mine = channel_members.alias("mine")
    theirs = channel_members.alias("theirs")
    stmt = (
        select(theirs.c.user_id)
        .distinct()
        .select_from(
            mine.join(
                theirs,
                (theirs.c.tenant_id == mine.c.tenant_id)
                & (theirs.c.channel_id == mine.c.channel_id),
            )
        )
        .where(mine.c.tenant_id == tenant_id, mine.c.user_id == user_id)
        .where(theirs.c.user_id != user_id)
        .order_by(theirs.c.user_id)
    )
    return [str(r[0]) for r in await conn.execute(stmt)]


async def group_channel_users(
    conn: AsyncConnection, tenant_id: str, user_id: str, channel_ids: Sequence[str]
) -> dict[str, list[User]]:
    """The other members of those group channels the user is in, by channel, each list
    ordered by username (as Mattermost's GetProfileByGroupChannelIdsForUser)."""
    if not channel_ids:
        return {}
    theirs = channel_members.alias("theirs")
    mine = channel_members.alias("mine")
    stmt = (
        _user_select(tenant_id)
        .add_columns(theirs.c.channel_id.label("group_channel_id"))
        .join(theirs, (theirs.c.tenant_id == users.c.tenant_id) & (theirs.c.user_id == users.c.id))
        .join(
            channels,
            (channels.c.tenant_id == theirs.c.tenant_id) & (channels.c.id == theirs.c.channel_id),
        )
        .join(
            mine,
            (mine.c.tenant_id == theirs.c.tenant_id)
            & (mine.c.channel_id == theirs.c.channel_id)
            & (mine.c.user_id == user_id),
        )
        .where(
            theirs.c.channel_id.in_(list(channel_ids)),
            channels.c.type == GROUP,
            users.c.id != user_id,
        )
        .order_by(users.c.username)
    )
    found: dict[str, list[User]] = {}
    for row in (await conn.execute(stmt)).mappings():
        found.setdefault(str(row["group_channel_id"]), []).append(_user(row))
    return found


async def member_timezones(
    conn: AsyncConnection, tenant_id: str, channel_id: str
) -> list[dict[str, str]]:
    """Each member's timezone settings, with the defaults filled in."""
    stmt = (
        select(users.c.timezone)
        .select_from(
            channel_members.join(
                users,
                (users.c.tenant_id == channel_members.c.tenant_id)
                & (users.c.id == channel_members.c.user_id),
            )
        )
        .where(channel_members.c.tenant_id == tenant_id, channel_members.c.channel_id == channel_id)
    )
    return [
        {**DEFAULT_TIMEZONE, **{str(k): str(v) for k, v in codec.load_dict(r[0]).items()}}
        for r in await conn.execute(stmt)
    ]
