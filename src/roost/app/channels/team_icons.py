"""Team icons (``/teams/{id}/image``): set by those who may manage the team, made a
128 px square PNG as profile pictures are (app/kernel/images.py), kept in the file store
and announced with ``update_team``; a team without one answers 404."""

from __future__ import annotations

import asyncio

from roost.app.accounts.permissions import Permissions
from roost.app.channels.channels import team_not_found
from roost.app.channels.errors import (
    team_icon_missing,
    team_icon_no_file,
    team_icon_too_large,
    team_icon_undecodable,
)
from roost.app.channels.teams import Teams
from roost.app.kernel.context import Actor
from roost.app.kernel.images import MAX_PICTURE_BYTES, PictureRejected, square_png
from roost.clock import now_ms
from roost.filestore import FileStore
from roost.filestore.keys import team_icon_key
from roost.model.team import Team
from roost.store.channels import teams as team_store
from roost.store.db.database import Database

MANAGE_TEAM = "manage_team"


def icon_png(data: bytes, max_pixels: int) -> bytes:
    """The stored form of an uploaded icon, or the team icon API's errors."""
    try:
        return square_png(data, max_pixels)
    except PictureRejected as exc:
        if exc.too_many_pixels:
            raise team_icon_too_large(str(exc)) from None
        raise team_icon_undecodable(str(exc)) from None


class TeamIcons:
    def __init__(
        self,
        db: Database,
        store: FileStore,
        teams: Teams,
        permissions: Permissions,
        max_pixels: int,
    ) -> None:
        self._db = db
        self._store = store
        self._teams = teams
        self._permissions = permissions
        self._max_pixels = max_pixels

    async def png(self, actor: Actor, team_id: str) -> tuple[Team, bytes]:
        """The team (as the caller may see it) and its icon."""
        team = await self._teams.get(actor, team_id)
        if not team.last_team_icon_update:
            raise team_icon_missing()
        blob = await self._store.open(team_icon_key(actor.tenant_id, team.id))
        if blob is None:
            raise team_icon_missing()
        try:
            return team, b"".join([chunk async for chunk in blob.chunks()])
        finally:
            await blob.close()

    async def check_manager(self, actor: Actor, team_id: str) -> None:
        """404 for no such team, 403 without ``manage_team`` in it."""
        async with self._db.read() as conn:
            if await team_store.get_team(conn, actor.tenant_id, team_id) is None:
                raise team_not_found()
            member = await team_store.get_active_member(
                conn, actor.tenant_id, team_id, actor.user_id
            )
        roles = member.roles if member is not None else ""
        await self._permissions.check_team(actor, roles, MANAGE_TEAM)

    async def do_set(self, actor: Actor, team_id: str, data: bytes) -> None:
        await self.check_manager(actor, team_id)
        if not data:
            raise team_icon_no_file()
        if len(data) > MAX_PICTURE_BYTES:
            raise team_icon_too_large(f"more than {MAX_PICTURE_BYTES} bytes")
        png = await asyncio.to_thread(icon_png, data, self._max_pixels)
        await self._store.put_bytes(team_icon_key(actor.tenant_id, team_id), png, "image/png")
        now = now_ms()
        await self._mark(actor.tenant_id, team_id, now, now)

    async def do_remove(self, actor: Actor, team_id: str) -> None:
        await self.check_manager(actor, team_id)
        await self._mark(actor.tenant_id, team_id, 0, now_ms())
        await self._store.delete([team_icon_key(actor.tenant_id, team_id)])

    async def _mark(self, tenant_id: str, team_id: str, at: int, now: int) -> None:
        async with self._db.write() as conn:
            await team_store.set_icon_updated(conn, tenant_id, team_id, at, now)
        await self._teams.announce_update(tenant_id, team_id)
