"""Permission checks from the tenant's role data, as Mattermost makes them.

A user's permissions in a scope are the union of the roles they hold there: system
roles (the user's ``roles``), plus the team member's roles for a team, plus the channel
member's roles for a channel (``channel_user channel_admin``: admin roles do not repeat
the user role's permissions). Direct and group channels have no team. The role data
comes from ``Roles``' per-node cache: a check costs no query once the tenant's roles
are loaded.

The callers say which member roles the user holds (``post_access`` reads them with the
channel, or on the post path assumes the ``channel_user`` every member holds and reads
the rest only when that is not enough).

A guest (``system_guest``) holds ``team_guest`` and ``channel_guest`` wherever a member
would hold the user (or admin) roles: Mattermost marks each of a guest's memberships
(SchemeGuest); Roost derives it from the account, so every membership of a guest, old
or new, is a guest's, and promoting the account gives them back at once.
"""

from __future__ import annotations

from roost.app.accounts.roles import Roles
from roost.app.kernel import errors
from roost.app.kernel.context import Actor
from roost.model.roles import RoleTable, split_roles

_AS_GUEST = {"team_user": "team_guest", "channel_user": "channel_guest"}
_NOT_FOR_GUESTS = frozenset({"team_admin", "channel_admin"})


def held(actor: Actor, *member_roles: str) -> list[str]:
    """The roles the caller holds: their own plus the member roles given."""
    names = split_roles(actor.roles, *member_roles)
    if not actor.is_guest:
        return names
    return [_AS_GUEST.get(n, n) for n in names if n not in _NOT_FOR_GUESTS]


def denied(actor: Actor, permission: str) -> errors.AppError:
    """Mattermost's 403, naming the permission that was missing."""
    return errors.forbidden(f"userId={actor.user_id}, permission={permission}")


class Permissions:
    def __init__(self, roles: Roles) -> None:
        self.roles = roles

    async def table(self, tenant_id: str) -> RoleTable:
        return await self.roles.table(tenant_id)

    async def has_permission(self, actor: Actor, permission: str) -> bool:
        """System scope: the user's own roles."""
        table = await self.table(actor.tenant_id)
        return table.grants(held(actor), permission)

    async def has_team_permission(self, actor: Actor, team_roles: str, permission: str) -> bool:
        """Team scope: ``team_roles`` is the caller's team member roles ('' if none)."""
        table = await self.table(actor.tenant_id)
        return table.grants(held(actor, team_roles), permission)

    async def has_channel_permission(
        self, actor: Actor, team_roles: str, channel_roles: str, permission: str
    ) -> bool:
        """Channel scope: system, team member (of the channel's team) and channel member roles."""
        table = await self.table(actor.tenant_id)
        return table.grants(held(actor, team_roles, channel_roles), permission)

    async def check(self, actor: Actor, permission: str) -> None:
        if not await self.has_permission(actor, permission):
            raise denied(actor, permission)

    async def check_team(self, actor: Actor, team_roles: str, permission: str) -> None:
        if not await self.has_team_permission(actor, team_roles, permission):
            raise denied(actor, permission)

    async def check_channel(
        self, actor: Actor, team_roles: str, channel_roles: str, permission: str
    ) -> None:
        if not await self.has_channel_permission(actor, team_roles, channel_roles, permission):
            raise denied(actor, permission)

    # Inside a transaction: take the table before it (loading it may write), then these.

    @staticmethod
    def require_team(table: RoleTable, actor: Actor, team_roles: str, permission: str) -> None:
        if not table.grants(held(actor, team_roles), permission):
            raise denied(actor, permission)

    @staticmethod
    def require_channel(
        table: RoleTable, actor: Actor, team_roles: str, channel_roles: str, permission: str
    ) -> None:
        if not table.grants(held(actor, team_roles, channel_roles), permission):
            raise denied(actor, permission)
