"""Trigger ids: what an integration called by a slash command or a message action gets,
to open an interactive dialog for the user who triggered it
(``/actions/dialogs/open``, ``roost.app.messaging.dialogs``). Each is recorded with its
user before the integration is called, so whichever node the integration calls back
knows whom the dialog is for (Mattermost signs the user into the id instead)."""

from __future__ import annotations

from roost.ids import new_id
from roost.model.dialog import DIALOG_LIFETIME_MS, TRIGGER_TTL_MS
from roost.store.db.database import Connection
from roost.store.messaging import dialogs as dialog_store


async def record_trigger(conn: Connection, tenant_id: str, user_id: str, now: int) -> str:
    trigger_id = new_id()
    await dialog_store.record(
        conn,
        tenant_id,
        trigger_id,
        user_id,
        now,
        unused_before=now - TRIGGER_TTL_MS,
        opened_before=now - DIALOG_LIFETIME_MS,
    )
    return trigger_id
