"""Who may manage a team's integrations (webhooks, slash commands): system admins and
the team's admins, as Mattermost's default permissions have it."""

from __future__ import annotations

from roost.app.kernel import errors
from roost.app.kernel.context import Actor
from roost.store.channels import teams as team_store
from roost.store.db.database import Connection as AsyncConnection


async def check_can_manage(conn: AsyncConnection, actor: Actor, team_id: str) -> None:
    if actor.is_system_admin:
        return
    member = await team_store.get_active_member(conn, actor.tenant_id, team_id, actor.user_id)
    if member is None or not member.scheme_admin:
        raise errors.forbidden()


async def is_team_member(conn: AsyncConnection, actor: Actor, team_id: str) -> bool:
    found = await team_store.get_active_member(conn, actor.tenant_id, team_id, actor.user_id)
    return found is not None
