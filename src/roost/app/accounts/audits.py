"""Reading the audit log, with Mattermost's permission rules: the whole tenant's log
needs ``read_audits`` (system admins); a user's own records are theirs to read, another
user's need ``edit_other_users``."""

from __future__ import annotations

from roost.app.accounts.permissions import Permissions
from roost.app.kernel.audit import AuditLog
from roost.app.kernel.context import Actor
from roost.model.audit import Audit

READ_AUDITS = "read_audits"
EDIT_OTHER_USERS = "edit_other_users"


class Audits:
    def __init__(self, log: AuditLog, permissions: Permissions) -> None:
        self._log = log
        self._permissions = permissions

    async def list_all(self, actor: Actor, offset: int, limit: int) -> list[Audit]:
        await self._permissions.check(actor, READ_AUDITS)
        return await self._log.newest(actor.tenant_id, "", offset, limit)

    async def list_for_user(
        self, actor: Actor, user_id: str, offset: int, limit: int
    ) -> list[Audit]:
        if actor.user_id != user_id:
            await self._permissions.check(actor, EDIT_OTHER_USERS)
        return await self._log.newest(actor.tenant_id, user_id, offset, limit)
