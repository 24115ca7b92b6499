"""Which users a caller may see: the one place the rule lives, as Mattermost's view
restrictions (GetViewUsersRestrictions, UserCanSeeOtherUser).

A caller holding ``view_members`` (``system_user``, ``system_admin``) sees everyone. One
without it at the system level (a guest: ``system_guest``, ``team_guest`` and
``channel_guest`` grant none; anyone once an admin takes it from ``system_user``) sees
only themself, the people who share a channel with them (direct and group channels
included), and every member of the teams where their team roles grant ``view_members``
(an admin may give it to ``team_user``, ``team_admin`` or ``team_guest``), as
Mattermost's GetViewUsersRestrictions: the system grant decides first, the team grants
only widen a restricted caller's view. Listings and lookups (``/users``, ``/users/ids``, ``/usernames``,
``/search``, ``/autocomplete``) leave the others out in their SQL
(``roost.store.accounts.visibility``); a single user asked for by id, name or email,
and their picture, answer 403 naming ``view_members``; a direct or group channel may be
opened only with people the caller sees. ``user_updated`` and ``new_user`` events skip
the guests who may not see the user (``Users.publish_updated``).

Statuses are not restricted: Mattermost answers them to anyone.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from typing import Any

from roost.app.accounts.permissions import Permissions, denied, held
from roost.app.kernel.context import Actor
from roost.store.accounts import visibility as visibility_store
from roost.store.accounts.visibility import Viewer
from roost.store.db.database import Database

VIEW_MEMBERS = "view_members"
GUEST = "system_guest"
TEAM_GUEST = "team_guest"
# How long a tenant's guest accounts are remembered for the events they must not get (a
# user_updated that makes or unmakes a guest, from any node, drops it sooner).
GUEST_IDS_TTL_SECONDS = 30.0


class UserVisibility:
    def __init__(self, db: Database, permissions: Permissions) -> None:
        self._db = db
        self._permissions = permissions
        # tenant -> (when read, its active guests)
        self._guests: dict[str, tuple[float, frozenset[str]]] = {}

    async def viewer(self, actor: Actor) -> str:
        """'' when the caller sees everyone; otherwise their id, which the store's user
        queries take as ``viewer`` to keep to the users that caller may see."""
        if await self._permissions.has_permission(actor, VIEW_MEMBERS):
            return ""
        return Viewer(actor.user_id, await self._teams_seen_whole(actor))

    async def _teams_seen_whole(self, actor: Actor) -> list[str]:
        """The caller's teams whose roles (their member roles there, as a guest's if
        they are one) grant ``view_members``: every member of those they see."""
        table = await self._permissions.table(actor.tenant_id)
        async with self._db.read() as conn:
            memberships = await visibility_store.team_roles(conn, actor.tenant_id, actor.user_id)
        return [
            team_id
            for team_id, roles in memberships
            if table.grants(held(actor, roles), VIEW_MEMBERS)
        ]

    async def visible_ids(self, actor: Actor, user_ids: Sequence[str]) -> set[str]:
        """Those of ``user_ids`` the caller may see."""
        viewer = await self.viewer(actor)
        if not viewer:
            return set(user_ids)
        others = [u for u in user_ids if u != actor.user_id]
        async with self._db.read() as conn:
            seen = await visibility_store.visible_ids(conn, actor.tenant_id, viewer, others)
        return seen | ({actor.user_id} & set(user_ids))

    async def check_can_see(self, actor: Actor, *user_ids: str) -> None:
        """403 (``view_members``) unless the caller may see every one of these users."""
        if set(user_ids) - await self.visible_ids(actor, user_ids):
            raise denied(actor, VIEW_MEMBERS)

    async def guests_not_seeing(self, tenant_id: str, user_id: str) -> frozenset[str]:
        """The guests whom news of this user must not reach (Mattermost holds back
        ``user_updated`` and ``new_user`` from a guest who cannot see the user)."""
        guests = await self._guest_ids(tenant_id) - {user_id}
        if not guests:
            return frozenset()
        # A guest's team memberships all hold team_guest: when an admin gave that role
        # view_members, guests see everyone of their teams.
        teams_count = (await self._permissions.table(tenant_id)).grants(
            [GUEST, TEAM_GUEST], VIEW_MEMBERS
        )
        async with self._db.read() as conn:
            # Seeing is mutual: the guests the user shares a channel with see them.
            sharing = await visibility_store.visible_ids(conn, tenant_id, user_id, list(guests))
            if teams_count and guests - sharing:
                sharing |= await visibility_store.team_mates(
                    conn, tenant_id, user_id, sorted(guests - sharing)
                )
        return guests - sharing

    async def _guest_ids(self, tenant_id: str) -> frozenset[str]:
        cached = self._guests.get(tenant_id)
        if cached is not None and time.monotonic() - cached[0] < GUEST_IDS_TTL_SECONDS:
            return cached[1]
        async with self._db.read() as conn:
            guests = frozenset(await visibility_store.guest_ids(conn, tenant_id))
        self._guests[tenant_id] = (time.monotonic(), guests)
        return guests

    def user_changed(self, tenant_id: str, user: Mapping[str, Any]) -> None:
        """A ``user_updated`` seen: forget the tenant's guests if this user became or
        stopped being one (or was deactivated)."""
        cached = self._guests.get(tenant_id)
        if cached is None:
            return
        guest_now = GUEST in str(user.get("roles", "")).split() and not user.get("delete_at")
        if guest_now != (user.get("id") in cached[1]):
            del self._guests[tenant_id]

    def forget(self) -> None:
        self._guests.clear()
